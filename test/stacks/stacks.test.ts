/**
 * Every stack, evaluated whole under mocks from its Pulumi.<stack>.yaml: plan snapshot,
 * protection of stateful resources, secrecy, child naming, NATS absent by default, and only
 * real dependencies in the graph.
 */
import * as assert from "assert";
import * as fs from "fs";
import { isStatefulResource } from "../../components/stateful";
import { Evaluation } from "../../tools/offline/evaluate";
import { toPlanJson, toPlanText } from "../../tools/plan";
import { STACKS, snapshotPath } from "../../tools/snapshots";
import { readStackFile } from "../../tools/offline/stack-file";
import { SERVICE_NAMES } from "../../components/catalog";
import { assertChildNamesPrefixed, evaluateStack, strings } from "../harness";


function at(obj: unknown, p: string): unknown {
    return p.split(/\.|\[(\d+)\]/).filter(Boolean).reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], obj);
}

const evaluations = new Map<string, Evaluation>();

for (const stack of STACKS) {
    describe(`stack ${stack} (mocks)`, function () {
        this.timeout(120000);
        let ev: Evaluation;

        before(async () => {
            ev = await evaluateStack(stack);
            evaluations.set(stack, ev);
        });

        it("matches its checked-in plan snapshot (npm run plan:snapshots updates it)", () => {
            const expected = fs.existsSync(snapshotPath(stack)) ? fs.readFileSync(snapshotPath(stack), "utf8") : "<missing snapshot>";
            assert.strictEqual(toPlanText(toPlanJson(ev)), expected);
        });

        it("protects or retains every stateful resource", () => {
            const stateful = ev.resources.filter((r) => isStatefulResource(r.type, r.inputs));
            assert.ok(stateful.length > 0, "a stack without stateful resources is not a dependency layer");
            for (const r of stateful) assert.ok(r.protect || r.retainOnDelete, `${r.type} ${r.name} is neither protected nor retained`);
        });

        it("keeps every secret secret: no generated or configured secret appears in plain inputs or outputs", () => {
            // Every secret starts as a mock RandomPassword/AccessKey result ("mock-secret-...") or a
            // config placeholder ("placeholder-stellaops-..."); none may surface outside "[secret]".
            assert.ok(ev.resources.some((r) => r.secretPaths.length > 0), "expected inputs sent as secrets");
            const sentAsSecret = ev.resources.flatMap((r) => r.secretPaths.flatMap((p) => strings(at(r.rawInputs, p))));
            assert.ok(sentAsSecret.some((s) => /mock-secret-|placeholder-stellaops/.test(s)), "the secrets must reach the resources that need them");
            const shown = JSON.stringify(toPlanJson(ev));
            const leak = /[^"]*(mock-secret-|placeholder-stellaops)[^"]*/.exec(shown);
            assert.strictEqual(leak?.[0], undefined, "a secret leaks into the plan");
        });

        it("names every child after its parent", () => assertChildNamesPrefixed(ev.resources));

        it("has NATS resources, outputs and settings exactly when enabled", () => {
            const enabled = readStackFile(stack).config["stellaops:nats"]?.includes('"enabled":true') === true;
            const nats = ev.resources.filter((r) => /nats/i.test(`${r.type} ${r.name}`) || strings(r.inputs).some((s) => /nats/i.test(s)));
            if (enabled) {
                assert.ok(nats.length > 0 && /nats/i.test(JSON.stringify(ev.shownOutputs)), "NATS servers and connection settings when enabled");
                return;
            }
            assert.deepStrictEqual(nats.map((r) => r.name), []);
            assert.ok(!/nats/i.test(JSON.stringify(ev.shownOutputs)), "no NATS output or connection setting");
            for (const [svc, conn] of Object.entries(ev.shownOutputs.services as Record<string, { queueTransport: string }>)) {
                assert.strictEqual(conn.queueTransport, "valkey", svc);
            }
        });

        it("has explicit dependsOn only where an order is real: providers wait on servers, siblings on siblings", () => {
            const byName = new Map(ev.resources.map((r) => [r.name, r]));
            const reads = new Set(ev.reads.map((r) => r.name));
            for (const r of ev.resources) {
                for (const d of r.dependsOn) {
                    // Waiting on a lookup (a CRD that must exist first) is an order by definition.
                    if (reads.has(d)) continue;
                    const target = byName.get(d);
                    assert.ok(target, `${r.name} dependsOn unknown ${d}`);
                    // Whatever talks to a server waits for it: a provider, or a bootstrap Job.
                    const isServer = /^kubernetes:(apps\/v1:StatefulSet|postgresql\.cnpg\.io\/v1:Cluster)$/.test(target.type);
                    const providerWaitsOnServer = r.type.startsWith("pulumi:providers:") || (r.type === "kubernetes:batch/v1:Job" && isServer);
                    const withinOneComponent = r.parent !== null && r.parent === target.parent;
                    assert.ok(providerWaitsOnServer || withinOneComponent, `${r.name} dependsOn ${d}: crosses components without being a provider`);
                }
            }
        });

        it("does not chain one service's resources on another's", () => {
            const services: readonly string[] = SERVICE_NAMES;
            // The first name segment that is a service names the owner ("...-policy" may be a suffix).
            const owner = (name: string) => name.split("-").find((seg) => services.includes(seg));
            for (const r of ev.resources) {
                const mine = owner(r.name);
                if (!mine) continue;
                const foreign = r.dependencies.filter((d) => owner(d) && owner(d) !== mine);
                assert.deepStrictEqual(foreign, [], `${r.name} depends on another service's resources`);
            }
        });
    });
}
