/**
 * Day-2 config changes must be applicable to a running stack. The Kubernetes provider replaces a
 * ConfigMap or Secret whose data changes; under a fixed `metadata.name` it deletes first, and the
 * engine must then replace the resources whose inputs carry its outputs. When one of those is protected (a
 * StatefulSet, a CNPG Cluster) the `up` is refused: measured by the airgap e2e on a Valkey
 * maxmemory change before mounted files were auto-named. This replays that engine rule on two
 * evaluations under mocks, for changes an operator makes.
 */
import * as assert from "assert";
import { evaluateStack } from "../../tools/offline/evaluate";
import { RecordedResource } from "../../tools/offline/recorder";
import { stackValue } from "../../tools/e2e/airgap-expect";

const NATS_ON = { enabled: true, maxMemoryStoreMb: 256, maxFileStoreMb: 1024 };
const FILES = new Set(["kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Secret"]);

/** The protected resources a change would force the engine to replace, with the reason. */
function blocked(before: readonly RecordedResource[], after: readonly RecordedResource[]): string[] {
    const old = new Map(before.map((r) => [`${r.type}::${r.name}`, r]));
    const fixedNameChanged = after.filter((r) => {
        const prev = old.get(`${r.type}::${r.name}`);
        const named = (r.inputs.metadata as { name?: string } | undefined)?.name !== undefined;
        return FILES.has(r.type) && named && prev && JSON.stringify(prev.rawInputs) !== JSON.stringify(r.rawInputs);
    });
    const out: string[] = [];
    // The engine (pkg/resource/deploy/step_generator.go, calculateDependentReplacements) considers
    // the dependents whose inputs carry an output of a resource being replaced, transitively, and
    // replaces those its provider's diff says must go; a `dependsOn`-only edge never forces it.
    // Offline we cannot ask the provider, so every input-carrying dependent counts.
    const carried = (r: RecordedResource) => r.dependencies.filter((d) => !r.dependsOn.includes(d));
    for (const f of fixedNameChanged) {
        const seen = new Set([f.name]);
        for (let grew = true; grew; ) {
            grew = false;
            for (const r of after) if (!seen.has(r.name) && carried(r).some((d) => seen.has(d))) (seen.add(r.name), (grew = true));
        }
        for (const r of after) if (r.protect && seen.has(r.name)) out.push(`${r.name} (through ${f.name})`);
    }
    return out;
}

const valkey = (stack: string, change: Record<string, unknown>) => ({ "stellaops:valkey": { ...stackValue(stack, "stellaops:valkey"), ...change } });

describe("day-2 changes never force a protected resource's replacement", function () {
    this.timeout(120000);
    const cases: [string, string, Record<string, unknown>][] = [
        ["airgap", "valkey.maxmemoryMb halved", valkey("airgap", { maxmemoryMb: 1024 })],
        ["airgap", "valkey.evictionPolicy", valkey("airgap", { evictionPolicy: "volatile-lfu" })],
        ["airgap", "nats.maxMemoryStoreMb (NATS on)", { "stellaops:nats": { ...NATS_ON, maxMemoryStoreMb: 512 } }],
        ["airgap-ha", "valkey.maxmemoryMb halved", valkey("airgap-ha", { maxmemoryMb: 1024 })],
        ["airgap", "rotation.epoch 0 -> 1", { "stellaops:rotation": { epoch: 1 } }],
        ["airgap", "rotation.epoch 0 -> 1 (NATS on)", { "stellaops:nats": NATS_ON, "stellaops:rotation": { epoch: 1 } }],
        ["airgap-ha", "rotation.epoch 0 -> 1", { "stellaops:rotation": { epoch: 1 } }],
        ["airgap-ha", "rotation.services.scanner 0 -> 1", { "stellaops:rotation": { services: { scanner: 1 } } }],
    ];
    for (const [stack, what, overrides] of cases) {
        it(`${stack}: ${what}`, async () => {
            const natsOn = "stellaops:nats" in overrides && stack === "airgap";
            const base = await evaluateStack(stack, natsOn ? { overrides: { "stellaops:nats": NATS_ON } } : {});
            const changed = await evaluateStack(stack, { overrides });
            const touched = changed.resources.filter((r) => {
                const prev = base.resources.find((b) => b.type === r.type && b.name === r.name);
                return prev && JSON.stringify(prev.rawInputs) !== JSON.stringify(r.rawInputs);
            });
            assert.ok(touched.length > 0, "the change touches something (else the case proves nothing)");
            assert.deepStrictEqual(blocked(base.resources, changed.resources), []);
        });
    }

    it("the rule finds a fixed-name ConfigMap under a protected StatefulSet", () => {
        const res = (name: string, type: string, inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}): RecordedResource =>
            ({ type, name, urn: name, parent: null, custom: true, provider: null, protect: false, retainOnDelete: false, deleteBeforeReplace: false, dependsOn: [], dependencies: [], ignoreChanges: [], aliases: 0, inputs, secretPaths: [], rawInputs: inputs, ...extra }) as RecordedResource;
        const cm = (conf: string, name?: string) => res("conf", "kubernetes:core/v1:ConfigMap", { metadata: { ...(name && { name }) }, data: { "valkey.conf": conf } });
        const sts = res("sts", "kubernetes:apps/v1:StatefulSet", { spec: {} }, { protect: true, dependencies: ["conf"] });
        assert.deepStrictEqual(blocked([cm("a", "valkey-files-0"), sts], [cm("b", "valkey-files-0"), sts]), ["sts (through conf)"]);
        assert.deepStrictEqual(blocked([cm("a"), sts], [cm("b"), sts]), []);
        // Only through inputs: a dependsOn edge (CNPG's Cluster waiting on the bucket's Job) is not followed.
        const job = res("job", "kubernetes:batch/v1:Job", { spec: {} }, { dependencies: ["conf"] });
        const cluster = res("cluster", "kubernetes:postgresql.cnpg.io/v1:Cluster", { spec: {} }, { protect: true, dependsOn: ["job"], dependencies: ["job"] });
        assert.deepStrictEqual(blocked([cm("a", "files"), job, cluster], [cm("b", "files"), job, cluster]), []);
    });
});
