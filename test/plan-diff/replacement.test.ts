/**
 * What the provider would replace, and major engine version changes, as the plan diff finds them:
 * a new valkey.conf upload recreates the container (a restart), changes Docker applies in place
 * do not, ConfigMap data, passwords, and RDS / ElastiCache major upgrades and downgrades. The
 * table covers every resource type the four stacks create.
 */
import * as assert from "assert";
import { diffPlans } from "../../tools/plan-diff/diff";
import { REPLACE_ON } from "../../tools/plan-diff/replacement";
import { engineChange, majorOf } from "../../tools/plan-diff/upgrades";
import { STACKS } from "../../tools/snapshots";
import { evaluateStack } from "../harness";
import { BUCKET, CACHE, CONFIG_MAP, CONTAINER, KEEP, RDS, SCHEMA, plan, res, valkeyContainer } from "./support";

describe("plan diff: replacements by the provider", () => {
    it("recreates the container (a restart) when an uploaded valkey.conf changes, naming the file", () => {
        const d = diffPlans(plan([valkeyContainer("256mb")]), plan([valkeyContainer("512mb")]));
        assert.deepStrictEqual(d.changed.map((c) => [c.name, c.inputs.map((i) => [i.path, i.label]), c.replace]), [
            ["valkey-main-container", [["uploads[0].content", "/etc/valkey/valkey.conf"]], ["uploads"]],
        ]);
        assert.deepStrictEqual(d.replacements.map((r) => [r.type, r.name, r.keys]), [[CONTAINER, "valkey-main-container", ["uploads"]]]);
        assert.match(d.replacements[0].effect!, /server restarts/);
        assert.deepStrictEqual(d.warnings, [], "a container holds no data: not a stateful warning");
    });

    it("does not recreate it for what Docker changes in place (restart policy, health check, memory)", () => {
        const more = { restart: "always", healthcheck: { interval: "5s" }, memory: 512, wait: false };
        const d = diffPlans(plan([valkeyContainer("256mb")]), plan([valkeyContainer("256mb", more)]));
        assert.deepStrictEqual(d.changed.map((c) => c.inputs.length), [4]);
        assert.deepStrictEqual([d.changed[0].replace, d.replacements], [[], []]);
    });

    it("recreates it for any other input, e.g. a new command or port", () => {
        const d = diffPlans(plan([valkeyContainer("256mb")]), plan([valkeyContainer("256mb", { command: ["valkey-server"], ports: [{ internal: 6379, external: 6380 }] })]));
        assert.deepStrictEqual(d.changed[0].replace, ["command", "ports"]);
    });

    it("replaces a ConfigMap whose data changes (mutable ConfigMaps are off), not one whose labels change", () => {
        const cm = (conf: string, label: string) => res(CONFIG_MAP, "valkey-main-files-0", { metadata: { name: "valkey-files-0", labels: { v: label } }, data: { "valkey.conf": conf } });
        assert.deepStrictEqual(diffPlans(plan([cm("maxmemory 1mb\n", "a")]), plan([cm("maxmemory 2mb\n", "a")])).replacements.map((r) => r.keys), [["data"]]);
        assert.deepStrictEqual(diffPlans(plan([cm("x\n", "a")]), plan([cm("x\n", "b")])).replacements, []);
    });

    it("replaces a password on any input change, saying consumers need the new secret", () => {
        const pw = (length: number) => res("random:index/randomPassword:RandomPassword", "pw", { length, special: false });
        const [r] = diffPlans(plan([pw(32)]), plan([pw(40)])).replacements;
        assert.deepStrictEqual(r.keys, ["length"]);
        assert.match(r.effect!, /new password/);
    });

    it("keeps stateful replacements in the warnings, not in the replacements", () => {
        const d = diffPlans(plan([res(BUCKET, "b", { bucket: "x" }, KEEP)]), plan([res(BUCKET, "b", { bucket: "y" }, KEEP)]));
        assert.deepStrictEqual([d.warnings.map((w) => w.kind), d.replacements, d.changed[0].replace], [["replace"], [], ["bucket"]]);
    });
});

describe("plan diff: major engine versions", () => {
    const rds = (v: string) => res(RDS, "postgres-instance", { engine: "postgres", engineVersion: v, identifier: "db" }, KEEP);
    const cache = (v: string) => res(CACHE, "valkey-main", { engine: "valkey", engineVersion: v }, KEEP);

    it("flags RDS 17 → 18 as a major upgrade of a stateful resource, after replacements and before renames", () => {
        const d = diffPlans(plan([rds("17"), res(BUCKET, "b", { bucket: "x" }, KEEP), res(SCHEMA, "s", { name: "a" }, KEEP)]), plan([rds("18"), res(BUCKET, "b", { bucket: "y" }, KEEP), res(SCHEMA, "s", { name: "b" }, KEEP)]));
        assert.deepStrictEqual(d.warnings.map((w) => [w.kind, w.name, w.keys, w.detail]), [
            ["replace", "b", ["bucket"], undefined],
            ["upgrade", "postgres-instance", ["engineVersion"], "17 → 18"],
            ["rename", "s", ["name"], undefined],
        ]);
        assert.deepStrictEqual(d.changed.find((c) => c.type === RDS)?.replace, [], "an upgrade is not a replacement");
    });

    it("flags a downgrade, and no minor change", () => {
        assert.deepStrictEqual(diffPlans(plan([rds("18")]), plan([rds("17")])).warnings.map((w) => [w.kind, w.detail]), [["downgrade", "18 → 17"]]);
        assert.deepStrictEqual(diffPlans(plan([rds("17")]), plan([rds("17.4")])).warnings, []);
    });

    it("flags ElastiCache Valkey 7.2 → 8.0 but not 8.0 → 8.1", () => {
        assert.deepStrictEqual(diffPlans(plan([cache("7.2")]), plan([cache("8.0")])).warnings.map((w) => w.kind), ["upgrade"]);
        assert.deepStrictEqual(diffPlans(plan([cache("8.0")]), plan([cache("8.1")])).warnings, []);
    });

    it("reads majors the way each engine numbers them", () => {
        const cases: [string, string, number[] | undefined][] = [
            ["postgres", "17.4", [17]],
            ["postgres", "9.6.5", [9, 6]],
            ["valkey", "8.1", [8]],
            ["mysql", "8.0.35", [8, 0]],
            ["postgres", "latest", undefined],
        ];
        for (const [engine, version, major] of cases) assert.deepStrictEqual(majorOf(engine, version), major, `${engine} ${version}`);
        assert.strictEqual(engineChange(RDS, { engine: "postgres", engineVersion: "9.6" }, { engine: "postgres", engineVersion: "10" })?.kind, "upgrade");
        assert.strictEqual(engineChange("aws:s3/bucket:Bucket", { engineVersion: "1" }, { engineVersion: "2" }), undefined);
    });
});

describe("plan diff: replacement table coverage", function () {
    this.timeout(300000);

    it("has a rule for every resource type the four stacks create (so a new type's replacement rules are decided)", async () => {
        const types = new Set<string>();
        for (const stack of STACKS) for (const r of (await evaluateStack(stack)).resources) types.add(r.type);
        const custom = [...types].filter((t) => !t.startsWith("pulumi:providers:") && !t.startsWith("stellaops:"));
        assert.ok(custom.length > 20, `only ${custom.length} resource types: did the stacks evaluate?`);
        assert.deepStrictEqual(custom.filter((t) => !REPLACE_ON[t]).sort(), []);
    });
});
