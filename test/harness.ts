/**
 * Test helpers over the recording mocks: find what a component registered, resolve Outputs,
 * tell secrets apart. Always `await` them; never assert inside an `apply`.
 */
import * as assert from "assert";
import { RecordedResource, recordedResources, resetResources, settle, unwrap } from "../tools/offline/recorder";

import { EvaluateOptions, Evaluation, evaluateStack as evaluate } from "../tools/offline/evaluate";
export { resetResources, settle, unwrap };
export type { RecordedResource };

const evaluations = new Map<string, Promise<Evaluation>>();

/**
 * Evaluates a whole stack under mocks. Successful evaluations are shared between tests (they are
 * read-only snapshots); failures are not cached, so each test sees its own error and recording.
 */
export function evaluateStack(stack: string, opts: EvaluateOptions = {}): Promise<Evaluation> {
    const key = JSON.stringify([stack, opts]);
    const hit = evaluations.get(key);
    if (hit) return hit;
    const run = evaluate(stack, opts);
    evaluations.set(key, run);
    run.catch(() => evaluations.delete(key));
    return run;
}

/** Resolves an Output to its value (fails if unknown). */
export async function value<T>(output: unknown): Promise<T> {
    const r = await unwrap(output);
    assert.ok(r.known, "output is unknown");
    return r.value as T;
}

export async function isSecret(output: unknown): Promise<boolean> {
    return (await unwrap(output)).secret;
}

/** Every resource registered since the last reset, after pending registrations settle. */
export async function resources(): Promise<readonly RecordedResource[]> {
    await settle();
    return [...recordedResources()];
}

export function byType(all: readonly RecordedResource[], type: string): RecordedResource[] {
    return all.filter((r) => r.type === type);
}

export function findResource(all: readonly RecordedResource[], type: string, name: string): RecordedResource {
    const found = all.find((r) => r.type === type && r.name === name);
    if (!found) {
        const names = byType(all, type).map((r) => r.name);
        assert.fail(`no ${type} named ${name}; have: ${names.join(", ") || "none of that type"}`);
    }
    return found;
}

/** Asserts every child's name starts with its parent's name (STYLE.md point 6 and 7). */
export function assertChildNamesPrefixed(all: readonly RecordedResource[]): void {
    for (const r of all) {
        if (r.parent) assert.ok(r.name.startsWith(`${r.parent}-`) || r.name === r.parent, `${r.type} ${r.name} does not start with its parent's name ${r.parent}`);
    }
}

/** Every string value anywhere inside a value (inputs, outputs). */
export function strings(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.flatMap(strings);
    if (v && typeof v === "object") return Object.values(v).flatMap(strings);
    return [];
}
