/**
 * `stellaops:rotation` through whole stacks under mocks: each stack evaluated at generation 0 and
 * after one config change, and the two plans diffed as `npm run plan:diff` does (its table of
 * what each provider replaces). What changes is read from the two evaluations: the mocks name
 * every generated secret after its resource (`mock-secret-<name>`), so the credentials the stack
 * outputs lead back to the resources that made them.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { isStatefulResource } from "../../components/stateful";
import { Evaluation } from "../../tools/offline/evaluate";
import { toPlanJson } from "../../tools/plan";
import { PlanDiff, diffPlans } from "../../tools/plan-diff/diff";
import { readStackFile } from "../../tools/offline/stack-file";
import { evaluateStack, unwrap } from "../harness";

const PASSWORD = "random:index/randomPassword:RandomPassword";
/** Outputs the stack does not rotate (docs/operations.md, Rotate: the backup identities). */
const NOT_ROTATED = new Set(["backup"]);
const NATS_ON = { enabled: true, maxMemoryStoreMb: 256, maxFileStoreMb: 1024 };
/** airgap with the providers instead of the in-cluster Jobs. */
const DIRECT = { ...JSON.parse(readStackFile("airgap").config["stellaops:kubernetes"]), bootstrap: "direct" };

/** Every generated secret in the outputs, by the resource that made it, with the output paths that carry it. */
async function credentials(value: unknown, path = ""): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const add = (more: Map<string, string[]>) => more.forEach((paths, name) => out.set(name, [...(out.get(name) ?? []), ...paths]));
    if (pulumi.Output.isInstance(value)) add(await credentials((await unwrap(value)).value, path));
    else if (typeof value === "string") for (const m of value.matchAll(/mock-secret-([A-Za-z0-9-]+)/g)) add(new Map([[m[1], [path]]]));
    else if (Array.isArray(value)) for (const [i, v] of value.entries()) add(await credentials(v, `${path}[${i}]`));
    else if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
        for (const [k, v] of Object.entries(value)) if (!(path === "" && NOT_ROTATED.has(k))) add(await credentials(v, path ? `${path}.${k}` : k));
    }
    return out;
}

interface Rotation {
    readonly before: Evaluation;
    readonly after: Evaluation;
    readonly diff: PlanDiff;
    /** Resources whose credential is new: RandomPasswords with new keepers, and what was added. */
    readonly rotated: Set<string>;
    /** After the change: generated secret (resource name) to the output paths carrying it. */
    readonly outputs: Map<string, string[]>;
}

async function rotate(stack: string, base: Record<string, unknown>, rotation: unknown): Promise<Rotation> {
    const before = await evaluateStack(stack, { overrides: base });
    const after = await evaluateStack(stack, { overrides: { ...base, "stellaops:rotation": rotation } });
    const diff = diffPlans(toPlanJson(before), toPlanJson(after));
    const rekeyed = diff.changed.filter((c) => c.type === PASSWORD && c.inputs.some((i) => i.path.startsWith("keepers")));
    const rotated = new Set([...rekeyed.map((c) => c.name), ...diff.added.map((r) => r.name)]);
    return { before, after, diff, rotated, outputs: await credentials(after.outputs) };
}

/** Nothing that holds data is replaced, deleted, renamed or unprotected; nothing is removed at all. */
function assertNothingStatefulTouched(r: Rotation): void {
    assert.deepStrictEqual(r.diff.warnings, []);
    assert.deepStrictEqual(r.diff.removed.map((x) => x.name), []);
    const stateful = new Set(r.before.resources.filter((x) => isStatefulResource(x.type, x.inputs)).map((x) => x.name));
    assert.ok(stateful.size > 0);
    for (const c of r.diff.changed) if (stateful.has(c.name)) assert.deepStrictEqual(c.replace, [], `${c.type} ${c.name} would be replaced`);
}

/** What is added is a credential's second slot: a `-b` sibling of something the stack already had, holding no data. */
function assertOnlySecondSlotsAdded(r: Rotation): void {
    const had = new Set(r.before.resources.map((x) => `${x.type} ${x.name}`));
    for (const a of r.diff.added) {
        assert.match(a.name, /-b$/, `${a.type} ${a.name}: added without being a second slot`);
        assert.ok(had.has(`${a.type} ${a.name.slice(0, -2)}`), `${a.type} ${a.name}: no first slot ${a.name.slice(0, -2)}`);
        assert.ok(!isStatefulResource(a.type, a.inputs), `${a.type} ${a.name} holds data`);
    }
}

/** A RandomPassword changes only its keepers, to the generation given. */
function assertKeepers(r: Rotation, generation: (name: string) => number): void {
    for (const c of r.diff.changed.filter((x) => x.type === PASSWORD)) {
        assert.deepStrictEqual(c.inputs.map((i) => i.path), ["keepers"], `${c.name}: more than its keepers changed`);
        assert.deepStrictEqual(c.inputs[0].after, { generation: String(generation(c.name)) }, c.name);
    }
}

const STACKS: readonly { readonly stack: string; readonly base: Record<string, unknown>; readonly unrotated?: RegExp }[] = [
    { stack: "dev", base: { "stellaops:nats": NATS_ON } },
    { stack: "airgap", base: { "stellaops:nats": NATS_ON } },
    { stack: "airgap", base: { "stellaops:nats": NATS_ON, "stellaops:kubernetes": DIRECT } },
    // Valkey with Sentinel: the services' users rotate; the users the servers share (replication,
    // Sentinel, probe, operator) do not: members restart one at a time (components/valkey/kubernetes-ha.ts).
    { stack: "airgap-ha", base: {}, unrotated: /^valkeyOperator\./ },
    { stack: "aws", base: {} },
    { stack: "external", base: { "stellaops:nats": { ...NATS_ON, host: "nats.internal" } } },
];

describe("rotation through the stacks (mocks)", function () {
    this.timeout(240000);

    for (const { stack, base, unrotated } of STACKS) {
        const label = `${stack}${Object.keys(base).length > 0 ? ` with ${Object.keys(base).map((k) => k.slice("stellaops:".length)).join(", ")}` : ""}`;

        describe(`${label}: rotation.epoch 0 -> 1`, () => {
            let r: Rotation;
            before(async () => {
                r = await rotate(stack, base, { epoch: 1 });
                if (unrotated) r = { ...r, outputs: new Map([...r.outputs].filter(([, paths]) => !paths.every((p) => unrotated.test(p)))) };
            });

            it("replaces, deletes or removes nothing that holds data", () => assertNothingStatefulTouched(r));

            it("adds only second slots of credentials", () => assertOnlySecondSlotsAdded(r));

            it("changes every rotated RandomPassword's keepers only, to generation 1", () => assertKeepers(r, () => 1));

            it("gives every generated credential the stack outputs a new value (backup identities excepted)", () => {
                assert.ok(r.outputs.size > 0, "no generated credential in the outputs");
                const stale = [...r.outputs].filter(([name]) => !r.rotated.has(name)).map(([name, paths]) => `${name} (${paths[0]})`);
                assert.deepStrictEqual(stale, []);
                // Each dependency the services connect to has generated credentials among them (except a documented gap).
                const services = r.after.shownOutputs.services as Record<string, Record<string, unknown>>;
                const connected = new Set(Object.values(services).flatMap((c) => Object.keys(c).filter((k) => k !== "queueTransport")));
                const generated = new Set([...r.outputs.values()].flat().map((p) => /^services\.[a-z0-9]+\.([A-Za-z]+)\./.exec(p)?.[1]));
                for (const d of connected) if (!unrotated?.test(`services.x.${d}.`)) assert.ok(generated.has(d), `no rotated ${d} credential`);
            });

            it("raising nothing changes nothing", async () => {
                const same = await evaluateStack(stack, { overrides: { ...base, "stellaops:rotation": { epoch: 0, services: {} } } });
                const d = diffPlans(toPlanJson(r.before), toPlanJson(same));
                assert.deepStrictEqual([...d.added, ...d.removed, ...d.changed].map((x) => x.name), []);
            });
        });

        describe(`${label}: rotation.services.scanner 0 -> 1`, () => {
            let r: Rotation;
            before(async () => {
                r = await rotate(stack, base, { services: { scanner: 1 } });
                if (unrotated) r = { ...r, outputs: new Map([...r.outputs].filter(([, paths]) => !paths.every((p) => unrotated.test(p)))) };
            });

            it("replaces, deletes or removes nothing that holds data, and adds only second slots", () => {
                assertNothingStatefulTouched(r);
                assertOnlySecondSlotsAdded(r);
                assertKeepers(r, () => 1);
            });

            it("rotates exactly Scanner's credentials", () => {
                const scanner = (paths: string[]) => paths.every((p) => p.startsWith("services.scanner."));
                const mine = [...r.outputs].filter(([, paths]) => scanner(paths)).map(([n]) => n);
                const others = [...r.outputs].filter(([, paths]) => !scanner(paths)).map(([n]) => n);
                assert.ok(mine.length > 0, "Scanner has no generated credential");
                assert.deepStrictEqual(mine.filter((n) => !r.rotated.has(n)), [], "a Scanner credential kept its value");
                assert.deepStrictEqual(others.filter((n) => r.rotated.has(n)), [], "another credential changed");
                // Nothing else is rotated: every new credential resource is named after Scanner.
                assert.deepStrictEqual([...r.rotated].filter((n) => !/-scanner(-|$)/.test(n)), []);
            });
        });
    }
});
