/**
 * Pure diff of two offline plans (tools/plan.ts JSON) of one stack: resources added, removed and
 * changed (identity = type + name), the inputs that changed, and warnings for stateful resources
 * that would be deleted, replaced, renamed or lose their protection. Secrets stay masked: the
 * plans carry "[secret]", and a change touching one is reported without values.
 */
import type { PlanJson } from "../plan";
import { isStateful } from "../../policy/stateful";
import { replacementKeys } from "./replacement";

export type PlanResource = PlanJson["resources"][number];

export const SECRET = "[secret]";

export interface ValueChange {
    /** Input path, e.g. `spec.template.spec.containers[0].image`. */
    readonly path: string;
    readonly before: unknown;
    readonly after: unknown;
    /** Either side holds a secret: show "[secret] changed", never the values. */
    readonly secret: boolean;
}

export interface ResourceChange {
    readonly type: string;
    readonly name: string;
    readonly inputs: readonly ValueChange[];
    /** protect, retainOnDelete, parent, dependsOn. */
    readonly options: readonly ValueChange[];
}

export type WarningKind = "delete" | "replace" | "rename" | "unprotect";

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
}

export interface PlanDiff {
    readonly stack: string;
    readonly added: readonly PlanResource[];
    readonly removed: readonly PlanResource[];
    readonly changed: readonly ResourceChange[];
    readonly outputs: readonly ValueChange[];
    /** Most dangerous first: deletions, replacements, renames, dropped protection. */
    readonly warnings: readonly StatefulWarning[];
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
        return keys.flatMap((k) => diffValues(before[k], after[k], join(path, k)));
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

function warningsFor(b: PlanResource, change: ResourceChange): StatefulWarning[] {
    const base = { type: b.type, name: b.name, protect: b.protect, retainOnDelete: b.retainOnDelete };
    const { replace, rename } = replacementKeys(b.type, change.inputs.map((c) => c.path));
    const out: StatefulWarning[] = [];
    // A new parent changes the URN: without an alias Pulumi deletes and recreates the resource.
    const reparented = change.options.some((o) => o.path === "parent");
    if (replace.length > 0 || (reparented && isStateful(b.type))) out.push({ ...base, kind: "replace", keys: [...replace, ...(reparented ? ["parent"] : [])] });
    if (rename.length > 0) out.push({ ...base, kind: "rename", keys: rename });
    const dropped = change.options.filter((o) => (o.path === "protect" || o.path === "retainOnDelete") && o.before === true).map((o) => o.path);
    if (dropped.length > 0 && isStateful(b.type)) out.push({ ...base, kind: "unprotect", keys: dropped });
    return out;
}

const ORDER: Record<WarningKind, number> = { delete: 0, replace: 1, rename: 2, unprotect: 3 };

/** Diffs head against base; a missing base (no plan at that commit) diffs against nothing. */
export function diffPlans(base: PlanJson | null, head: PlanJson): PlanDiff {
    const before = new Map((base?.resources ?? []).map((r) => [key(r), r]));
    const after = new Map(head.resources.map((r) => [key(r), r]));
    const added = head.resources.filter((r) => !before.has(key(r)));
    const removed = (base?.resources ?? []).filter((r) => !after.has(key(r)));
    const changed: ResourceChange[] = [];
    const warnings: StatefulWarning[] = [];
    for (const a of head.resources) {
        const b = before.get(key(a));
        if (!b) continue;
        const change = { type: a.type, name: a.name, inputs: diffValues(b.inputs, a.inputs), options: optionChanges(b, a) };
        if (change.inputs.length === 0 && change.options.length === 0) continue;
        changed.push(change);
        warnings.push(...warningsFor(b, change));
    }
    for (const r of removed.filter((x) => isStateful(x.type))) {
        warnings.push({ kind: "delete", type: r.type, name: r.name, keys: [], protect: r.protect, retainOnDelete: r.retainOnDelete, sameTypeAdded: added.some((x) => x.type === r.type) });
    }
    warnings.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || x.type.localeCompare(y.type) || x.name.localeCompare(y.name));
    return { stack: head.stack, added, removed, changed, outputs: diffValues(base?.outputs ?? {}, head.outputs), warnings };
}

export const isEmpty = (d: PlanDiff) => d.added.length + d.removed.length + d.changed.length + d.outputs.length === 0;
