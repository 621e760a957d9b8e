/**
 * What the airgap e2e expects, computed from the program itself under mocks
 * (tools/offline/evaluate.ts, the same evaluation `npm run plan` shows): the resources
 * stacks/index.ts registers with Pulumi.airgap.yaml's config, the volume claims its StatefulSets
 * make (the PersistentVolumes the test must provide), and which resources a config change touches
 * (the resources whose inputs differ between two evaluations).
 */
import { evaluateStack, readStackFile } from "../offline/evaluate";
import type { RecordedResource } from "../offline/recorder";

/** One volume claim template of a StatefulSet: `replicas` claims of this class and size. */
export interface Claim {
    readonly statefulSet: string;
    readonly template: string;
    readonly storageClass: string;
    readonly size: string;
    readonly replicas: number;
}

export interface Expectations {
    /** `type::name` of every resource the program registers or reads (components and the explicit provider included). */
    readonly resources: readonly string[];
    /** Protected resources by name. */
    readonly protectedNames: readonly string[];
    /** StatefulSets the program creates. */
    readonly statefulSets: number;
    /** Per StatefulSet and claim template: class, size and replica count. */
    readonly claims: readonly Claim[];
    /** Names of the resources whose inputs differ after `change` (custom resources only). */
    readonly changed: readonly string[];
    /** `type::name` of the custom resources kept on the cluster by `destroy` (retainOnDelete). */
    readonly retained: readonly string[];
    /** The Secrets the program writes, by namespace and name (none: auto-named by the provider). */
    readonly secrets: readonly { readonly namespace: string; readonly name?: string }[];
}

export const key = (type: string, name: string): string => `${type}::${name}`;

/** `change`: stack config keys (e.g. `stellaops:valkey`) to replace, as JSON-able values. */
export async function expectations(stack: string, change: Record<string, unknown>): Promise<Expectations> {
    const base = await evaluateStack(stack);
    const changed = await evaluateStack(stack, { overrides: change });
    const before = new Map(base.resources.map((r) => [key(r.type, r.name), r]));
    const after = new Map(changed.resources.map((r) => [key(r.type, r.name), r]));
    if ([...before.keys()].sort().join() !== [...after.keys()].sort().join()) throw new Error(`the change ${JSON.stringify(change)} adds or removes resources; the e2e expects updates only`);
    const differs = [...after.values()].filter((r) => r.custom && JSON.stringify(r.rawInputs) !== JSON.stringify(before.get(key(r.type, r.name))!.rawInputs));
    return {
        // Objects the program reads (`.get`, e.g. the CRDs it checks for) are in the state too.
        resources: [...before.keys(), ...base.reads.map((r) => key(r.type, r.name))].sort(),
        protectedNames: base.resources.filter((r) => r.protect).map((r) => r.name).sort(),
        statefulSets: base.resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet").length,
        claims: base.resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet").flatMap(claimsOf),
        changed: differs.map((r) => r.name).sort(),
        retained: base.resources.filter((r) => r.custom && r.retainOnDelete).map((r) => key(r.type, r.name)).sort(),
        secrets: base.resources.filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => {
            const m = r.inputs.metadata as { namespace: string; name?: string };
            return { namespace: m.namespace, name: m.name };
        }),
    };
}

function claimsOf(r: RecordedResource): Claim[] {
    const spec = r.inputs.spec as { replicas: number; volumeClaimTemplates?: { metadata: { name: string }; spec: { storageClassName: string; resources: { requests: { storage: string } } } }[] };
    return (spec.volumeClaimTemplates ?? []).map((t) => ({ statefulSet: r.name, template: t.metadata.name, storageClass: t.spec.storageClassName, size: t.spec.resources.requests.storage, replicas: spec.replicas }));
}

/** The stack file's value of a config key as JSON (objects are stored as JSON strings). */
export function stackValue(stack: string, configKey: string): Record<string, unknown> {
    const raw = readStackFile(stack).config[configKey];
    if (raw === undefined) throw new Error(`Pulumi.${stack}.yaml has no ${configKey}`);
    return JSON.parse(raw) as Record<string, unknown>;
}
