/**
 * What a rotation changes, read from what components register under the recording mocks at two
 * generations. The engine's rules decide what each difference does: a RandomPassword whose
 * keepers change is replaced by the random provider (RequiresReplaceIfValuesNotNull); a
 * resource whose `replacementTrigger` changes is replaced (an absent one never triggers);
 * a resource whose inputs carry a replaced or new credential is updated with it. The mocks
 * return the same value for a RandomPassword whatever its keepers, so "carries" is read from
 * the dependencies the SDK reports for each secret input, not from values.
 */
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, resetResources, resources } from "../harness";

export interface Recording {
    readonly resources: readonly RecordedResource[];
    /** replacementTrigger per resource name, as sent to the engine. */
    readonly triggers: ReadonlyMap<string, unknown>;
    /** Per resource name: each input's dependencies (names). */
    readonly propertyDeps: ReadonlyMap<string, ReadonlyMap<string, string[]>>;
}

let triggers = new Map<string, unknown>();
let propertyDeps = new Map<string, Map<string, string[]>>();
const CAPTURING = Symbol.for("stellaops.test.rotation.capture");
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** The recorder keeps neither replacementTrigger nor per-input dependencies: wrap the mock monitor once more. */
function capture(): void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const monitor = pulumi.runtime.getMonitor() as any;
    if (monitor[CAPTURING]) return;
    const register = monitor.registerResource.bind(monitor);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.registerResource = (req: any, callback: unknown) => {
        const t = req.getReplacementTrigger?.();
        if (t) triggers.set(req.getName(), t.toJavaScript());
        const deps = new Map<string, string[]>();
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        for (const [prop, d] of req.getPropertydependenciesMap().entries()) deps.set(prop, d.getUrnsList().map(nameOf));
        propertyDeps.set(req.getName(), deps);
        return register(req, callback);
    };
    monitor[CAPTURING] = true;
}

/** Everything `build` registers (providers left out). */
export async function record(build: () => unknown): Promise<Recording> {
    await resources();
    capture();
    resetResources();
    triggers = new Map();
    propertyDeps = new Map();
    build();
    const all = (await resources()).filter((r) => !r.type.startsWith("pulumi:providers:"));
    return { resources: all, triggers: new Map(triggers), propertyDeps: new Map(propertyDeps) };
}

export type Reason = "added" | "removed" | "keepers" | "trigger" | "inputs" | "carries";

const PASSWORD = "random:index/randomPassword:RandomPassword";
const json = (v: unknown) => JSON.stringify(v);

/**
 * Per resource name, why it changes from `before` to `after` (unchanged ones left out).
 * "replaced": keepers or trigger; "carries": an input depends on a replaced or added credential.
 */
export function rotationChanges(before: Recording, after: Recording): Map<string, Reason[]> {
    const old = new Map(before.resources.map((r) => [r.name, r]));
    const now = new Map(after.resources.map((r) => [r.name, r]));
    const out = new Map<string, Reason[]>();
    const add = (name: string, why: Reason) => out.set(name, [...(out.get(name) ?? []), why]);
    for (const name of old.keys()) if (!now.has(name)) add(name, "removed");
    const fresh = new Set<string>();
    for (const [name, r] of now) {
        const o = old.get(name);
        if (!o) {
            add(name, "added");
            fresh.add(name);
            continue;
        }
        if (r.type === PASSWORD && json(o.rawInputs.keepers) !== json(r.rawInputs.keepers)) {
            add(name, "keepers");
            fresh.add(name);
        }
        const [t0, t1] = [before.triggers.get(name), after.triggers.get(name)];
        if (t0 !== undefined && json(t0) !== json(t1)) {
            add(name, "trigger");
            fresh.add(name);
        }
        const { keepers: _k0, ...i0 } = o.rawInputs;
        const { keepers: _k1, ...i1 } = r.rawInputs;
        if (json(i0) !== json(i1)) add(name, "inputs");
    }
    // A resource whose secret input depends on a new credential takes it, transitively (the
    // aclfile Secret, then the container that uploads it). Other inputs depend on names or ids
    // (a schema's owner role, the roles the migrator joins), which a rotation keeps.
    const secretInputs = (r: RecordedResource) => new Set(r.secretPaths.map((p) => p.split(/[.[]/)[0]));
    for (let grew = true; grew; ) {
        grew = false;
        for (const [name, r] of now) {
            const deps = after.propertyDeps.get(name) ?? new Map<string, string[]>();
            if (fresh.has(name) || ![...secretInputs(r)].some((p) => (deps.get(p) ?? []).some((d) => fresh.has(d)))) continue;
            add(name, "carries");
            fresh.add(name);
            grew = true;
        }
    }
    return out;
}

/** `changes` as sorted "name: reason,reason" lines, for exact comparisons. */
export function lines(changes: Map<string, Reason[]>): string[] {
    return [...changes].map(([n, why]) => `${n}: ${why.join(",")}`).sort();
}

/** The resource named `name` in a recording. */
export function named(rec: Recording, name: string): RecordedResource {
    const r = rec.resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}; have ${rec.resources.map((x) => x.name).join(", ")}`);
    return r;
}
