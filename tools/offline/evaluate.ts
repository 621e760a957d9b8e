/**
 * Evaluates a whole stack offline: config from Pulumi.<stack>.yaml (secure values become
 * placeholder secrets), the program run under recording mocks, outputs resolved with their
 * secrecy. Used by `npm run plan`, `npm run render` and the stack tests.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RecordedRead, RecordedResource, Resolved, SECRET_MARK, installMocks, recordedReads, recordedResources, resetResources, settle, unwrap } from "./recorder";

import { ROOT, readStackFile } from "./stack-file";

export { ROOT, readStackFile };

export const PROJECT = "stellaops-deps";

export interface Evaluation {
    readonly stack: string;
    readonly resources: readonly RecordedResource[];
    /** Existing resources the program looks up (`.get`), e.g. CRDs it checks for. */
    readonly reads: readonly RecordedRead[];
    readonly outputs: Record<string, unknown>;
    /** Outputs resolved, secrets replaced by "[secret]". */
    readonly shownOutputs: Record<string, unknown>;
}

export interface EvaluateOptions {
    /** Raw config values (JSON-able) merged over the stack file, keyed `stellaops:<key>`. */
    readonly overrides?: Record<string, unknown>;
    /** Keys from the overrides to treat as secret. */
    readonly secretOverrides?: string[];
    /** Start from an empty config instead of the stack file. */
    readonly bare?: boolean;
}

/** Runs stacks/index.ts's program under mocks with the given stack's config. */
export async function evaluateStack(stack: string, opts: EvaluateOptions = {}): Promise<Evaluation> {
    const file = opts.bare ? { config: {}, secretKeys: [] } : readStackFile(stack);
    const config = { ...file.config };
    for (const [k, v] of Object.entries(opts.overrides ?? {})) {
        if (v === undefined) delete config[k];
        else config[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    await installMocks(PROJECT, stack);
    pulumi.runtime.setAllConfig(config, [...file.secretKeys, ...(opts.secretOverrides ?? [])]);
    resetResources();
    // Loaded lazily so the mocks are in place before any Pulumi module-level code runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program: () => Promise<Record<string, unknown>> = require(path.join(ROOT, "stacks", "index"));
    // The Pulumi SDK formats a stack trace for every promise it creates (leak diagnostics), and
    // ts-node's source-map support makes each one costly; an offline plan never prints them.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        const outputs = await program();
        const shownOutputs = (await showDeep(outputs)) as Record<string, unknown>;
        await settle();
        return { stack, resources: [...recordedResources()], reads: [...recordedReads()], outputs, shownOutputs };
    } catch (err) {
        await settle();
        throw err;
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
}

/** Resolves nested Outputs; a secret leaf becomes "[secret]". */
export async function showDeep(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const r: Resolved = await unwrap(value);
        return r.secret ? SECRET_MARK : showDeep(r.value);
    }
    if (Array.isArray(value)) return Promise.all(value.map(showDeep));
    if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value).sort()) out[k] = await showDeep((value as Record<string, unknown>)[k]);
        return out;
    }
    return value;
}
