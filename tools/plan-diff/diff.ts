/**
 * Pure diff of two offline plans (tools/plan.ts JSON) of one stack: resources added, removed and
 * changed (identity = type + name), the inputs that changed, warnings for stateful resources
 * that would be deleted, replaced, upgraded to another major engine version, renamed or lose
 * their protection, and the other resources the provider would replace (a container restart, a
 * recreated ConfigMap). Secrets stay masked: the plans carry "[secret]", and a change touching
 * one is reported without values.
 */
import type { PlanJson } from "../plan";
import { isStatefulResource } from "../../components/stateful";
import { replacementEffect, replacementKeys } from "./replacement";
import { engineChange } from "./upgrades";

export type PlanResource = PlanJson["resources"][number];

export const SECRET = "[secret]";

export interface ValueChange {
    /** Input path, e.g. `spec.template.spec.containers[0].image`. */
    readonly path: string;
    readonly before: unknown;
    readonly after: unknown;
    /** Either side holds a secret: show "[secret] changed", never the values. */
    readonly secret: boolean;
    /** The file this value is the content of (a container upload's `file`), for the reader. */
    readonly label?: string;
}

export interface ResourceChange {
    readonly type: string;
    readonly name: string;
    readonly inputs: readonly ValueChange[];
    /** protect, retainOnDelete, parent, dependsOn. */
    readonly options: readonly ValueChange[];
    /** Inputs (or `parent`) whose change makes the provider replace it; empty for an update. */
    readonly replace: readonly string[];
}

export type WarningKind = "delete" | "replace" | "downgrade" | "upgrade" | "rename" | "unprotect";

export interface StatefulWarning {
    readonly kind: WarningKind;
    readonly type: string;
    readonly name: string;
    /** Inputs or options behind the warning. */
    readonly keys: readonly string[];
    /** Protection in the base plan (what `pulumi up` would meet). */
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** delete only: a resource of the same type was added (maybe a rename that needs an alias). */
    readonly sameTypeAdded?: boolean;
    /** upgrade and downgrade: the versions, e.g. `17 → 18`. */
    readonly detail?: string;
}

/** A resource that holds no data but that the provider would delete and create again. */
export interface Replacement {
    readonly type: string;
    readonly name: string;
    /** Inputs behind the replacement. */
    readonly keys: readonly string[];
    /** What the replacement does (a restart, new credentials), when the table says. */
    readonly effect?: string;
}

export interface PlanDiff {
    readonly stack: string;
    readonly added: readonly PlanResource[];
    readonly removed: readonly PlanResource[];
    readonly changed: readonly ResourceChange[];
    readonly outputs: readonly ValueChange[];
    /** Most dangerous first: deletions, replacements, engine version changes, renames, dropped protection. */
    readonly warnings: readonly StatefulWarning[];
    /** Replacements of resources that hold no data, by type and name. */
    readonly replacements: readonly Replacement[];
}

const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const hasSecret = (v: unknown) => v !== undefined && JSON.stringify(v).includes(SECRET);

function join(path: string, k: string | number): string {
    if (typeof k === "number") return `${path}[${k}]`;
    if (/^[A-Za-z_$][\w$]*$/.test(k)) return path ? `${path}.${k}` : k;
    return `${path}[${JSON.stringify(k)}]`;
}

/** Leaf-level changes between two JSON values; arrays of different length change as a whole. */
export function diffValues(before: unknown, after: unknown, path = ""): ValueChange[] {
    if (JSON.stringify(before) === JSON.stringify(after)) return [];
    if (isPlain(before) && isPlain(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== "__defaults").sort();
        // A container upload is { file, content }: name the file next to a changed content.
        const file = [after.file, before.file].find((f): f is string => typeof f === "string");
        const label = (c: ValueChange, k: string) => (file && k !== "file" && !c.label ? { ...c, label: file } : c);
        return keys.flatMap((k) => diffValues(before[k], after[k], join(path, k)).map((c) => label(c, k)));
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        return before.flatMap((b, i) => diffValues(b, after[i], join(path, i)));
    }
    return [{ path, before, after, secret: hasSecret(before) || hasSecret(after) }];
}

const OPTIONS = ["protect", "retainOnDelete", "parent", "dependsOn"] as const;

function optionChanges(b: PlanResource, a: PlanResource): ValueChange[] {
    return OPTIONS.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((k) => ({ path: k, before: b[k], after: a[k], secret: false }));
}

/** The inputs (and `parent`) that make Pulumi replace a changed resource. */
function replaceKeys(b: PlanResource, inputs: readonly ValueChange[], options: readonly ValueChange[]): string[] {
    const { replace } = replacementKeys(b.type, inputs.map((c) => c.path));
    // A new parent changes the URN: without an alias Pulumi deletes and recreates a stateful resource.
    const reparented = isStatefulResource(b.type, b.inputs) && options.some((o) => o.path === "parent");
    return [...replace, ...(reparented ? ["parent"] : [])];
}

function warningsFor(b: PlanResource, a: PlanResource, change: ResourceChange): StatefulWarning[] {
    if (!isStatefulResource(b.type, b.inputs)) return [];
    const base = { type: b.type, name: b.name, protect: b.protect, retainOnDelete: b.retainOnDelete };
    const { rename } = replacementKeys(b.type, change.inputs.map((c) => c.path));
    const out: StatefulWarning[] = [];
    if (change.replace.length > 0) out.push({ ...base, kind: "replace", keys: change.replace });
    const engine = engineChange(b.type, b.inputs, a.inputs);
    if (engine) out.push({ ...base, kind: engine.kind, keys: [engine.key], detail: `${engine.from} → ${engine.to}` });
    if (rename.length > 0) out.push({ ...base, kind: "rename", keys: rename });
    const dropped = change.options.filter((o) => (o.path === "protect" || o.path === "retainOnDelete") && o.before === true).map((o) => o.path);
    if (dropped.length > 0) out.push({ ...base, kind: "unprotect", keys: dropped });
    return out;
}

const ORDER: Record<WarningKind, number> = { delete: 0, replace: 1, downgrade: 2, upgrade: 3, rename: 4, unprotect: 5 };

/** Diffs head against base; a missing base (no plan at that commit) diffs against nothing. */
export function diffPlans(base: PlanJson | null, head: PlanJson): PlanDiff {
    const before = new Map((base?.resources ?? []).map((r) => [key(r), r]));
    const after = new Map(head.resources.map((r) => [key(r), r]));
    const added = head.resources.filter((r) => !before.has(key(r)));
    const removed = (base?.resources ?? []).filter((r) => !after.has(key(r)));
    const changed: ResourceChange[] = [];
    const warnings: StatefulWarning[] = [];
    const replacements: Replacement[] = [];
    for (const a of head.resources) {
        const b = before.get(key(a));
        if (!b) continue;
        const inputs = diffValues(b.inputs, a.inputs);
        const options = optionChanges(b, a);
        if (inputs.length === 0 && options.length === 0) continue;
        const change: ResourceChange = { type: a.type, name: a.name, inputs, options, replace: replaceKeys(b, inputs, options) };
        changed.push(change);
        warnings.push(...warningsFor(b, a, change));
        if (change.replace.length > 0 && !isStatefulResource(b.type, b.inputs)) replacements.push({ type: a.type, name: a.name, keys: change.replace, effect: replacementEffect(a.type) });
    }
    for (const r of removed.filter((x) => isStatefulResource(x.type, x.inputs))) {
        warnings.push({ kind: "delete", type: r.type, name: r.name, keys: [], protect: r.protect, retainOnDelete: r.retainOnDelete, sameTypeAdded: added.some((x) => x.type === r.type) });
    }
    warnings.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || x.type.localeCompare(y.type) || x.name.localeCompare(y.name));
    replacements.sort((x, y) => x.type.localeCompare(y.type) || x.name.localeCompare(y.name));
    return { stack: head.stack, added, removed, changed, outputs: diffValues(base?.outputs ?? {}, head.outputs), warnings, replacements };
}

export const isEmpty = (d: PlanDiff) => d.added.length + d.removed.length + d.changed.length + d.outputs.length === 0;
