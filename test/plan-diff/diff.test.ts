/**
 * The pure plan diff over hand-built plans: identity, leaf-level input changes, masked secrets,
 * and the stateful warnings (deletion, replacement, rename, dropped protection) in order.
 */
import * as assert from "assert";
import { diffPlans, diffValues, isEmpty } from "../../tools/plan-diff/diff";
import { replacementKeys } from "../../tools/plan-diff/replacement";
import { BUCKET, DB, GRANT, KEEP, RDS, SCHEMA, STS, VOLUME, plan, res } from "./support";

describe("plan diff: resources", () => {
    it("finds added, removed and changed resources by type + name", () => {
        const base = plan([res(GRANT, "g-old"), res(GRANT, "g-same", { privileges: ["USAGE"] }), res(SCHEMA, "s", { name: "vex" }, KEEP)]);
        const head = plan([res(GRANT, "g-new"), res(GRANT, "g-same", { privileges: ["USAGE", "CREATE"] }), res(SCHEMA, "s", { name: "vex" }, KEEP)]);
        const d = diffPlans(base, head);
        assert.deepStrictEqual(d.added.map((r) => r.name), ["g-new"]);
        assert.deepStrictEqual(d.removed.map((r) => r.name), ["g-old"]);
        assert.deepStrictEqual(d.changed.map((c) => [c.name, c.inputs.map((i) => i.path)]), [["g-same", ["privileges"]]]);
    });

    it("treats the same name under another type as one removal and one addition", () => {
        const d = diffPlans(plan([res(VOLUME, "b", {}, KEEP)]), plan([res(BUCKET, "b", {}, KEEP)]));
        assert.deepStrictEqual([d.added.length, d.removed.length, d.changed.length], [1, 1, 0]);
        assert.deepStrictEqual(d.warnings.map((w) => [w.kind, w.sameTypeAdded]), [["delete", false]]);
    });

    it("reports nothing for identical plans", () => {
        const p = plan([res(DB, "db", { name: "stellaops" }, KEEP)], { dsn: "[secret]" });
        assert.ok(isEmpty(diffPlans(p, p)));
        assert.deepStrictEqual(diffPlans(p, p).warnings, []);
    });

    it("diffs against nothing when the base has no plan", () => {
        const d = diffPlans(null, plan([res(DB, "db")], { a: 1 }));
        assert.deepStrictEqual([d.added.length, d.removed.length, d.outputs.map((o) => o.path)], [1, 0, ["a"]]);
    });
});

describe("plan diff: inputs", () => {
    it("reports leaf paths, quoting keys that are not identifiers", () => {
        const before = { metadata: { labels: { "app.kubernetes.io/name": "pg" } }, spec: { containers: [{ image: "a" }, { image: "b" }] } };
        const after = { metadata: { labels: { "app.kubernetes.io/name": "pg2" } }, spec: { containers: [{ image: "a" }, { image: "c" }] } };
        assert.deepStrictEqual(diffValues(before, after).map((c) => c.path), ['metadata.labels["app.kubernetes.io/name"]', "spec.containers[1].image"]);
    });

    it("changes an array of another length as a whole, and added or removed keys", () => {
        assert.deepStrictEqual(diffValues({ a: [1], b: 1 }, { a: [1, 2], c: 2 }), [
            { path: "a", before: [1], after: [1, 2], secret: false },
            { path: "b", before: 1, after: undefined, secret: false },
            { path: "c", before: undefined, after: 2, secret: false },
        ]);
    });

    it("marks a change touching a secret on either side, never comparing secret values", () => {
        const d = diffValues({ password: "[secret]", envs: ["A=1", "[secret]"], k: 1 }, { password: "plain-now", envs: ["A=1", "[secret]", "B=2"], k: 1 });
        assert.deepStrictEqual(d.map((c) => [c.path, c.secret]), [["envs", true], ["password", true]]);
        // Both sides "[secret]": the offline plan cannot see a new secret value, so no change is claimed.
        assert.deepStrictEqual(diffValues({ p: "[secret]" }, { p: "[secret]" }), []);
    });
});

describe("plan diff: stateful warnings", () => {
    it("flags a protected stateful resource that disappears, and one that is only retained", () => {
        const d = diffPlans(plan([res(DB, "db", {}, KEEP), res("docker:index/volume:Volume", "v", {}, { retainOnDelete: true }), res(GRANT, "g")]), plan([]));
        assert.deepStrictEqual(d.warnings.map((w) => [w.kind, w.name, w.protect, w.retainOnDelete]), [["delete", "v", false, true], ["delete", "db", true, true]]);
    });

    it("flags inputs that force replacement, from the table", () => {
        const d = diffPlans(
            plan([res(BUCKET, "b", { bucket: "stellaops-sboms" }, KEEP), res(RDS, "db", { identifier: "x", instanceClass: "db.t4g.small" }, KEEP)]),
            plan([res(BUCKET, "b", { bucket: "stellaops-sbom" }, KEEP), res(RDS, "db", { identifier: "x", instanceClass: "db.r7g.large" }, KEEP)]),
        );
        assert.deepStrictEqual(d.warnings.map((w) => [w.kind, w.type, w.keys]), [["replace", BUCKET, ["bucket"]]]);
    });

    it("flags a StatefulSet whose volume claim templates change", () => {
        const sts = (size: string) => res(STS, "pg", { spec: { volumeClaimTemplates: [{ spec: { resources: { requests: { storage: size } } } }], replicas: 1 } }, KEEP);
        assert.deepStrictEqual(diffPlans(plan([sts("50Gi")]), plan([sts("100Gi")])).warnings.map((w) => [w.kind, w.keys]), [["replace", ["spec.volumeClaimTemplates"]]]);
    });

    it("flags renames in place (database, schema) and a new parent of a stateful resource", () => {
        const d = diffPlans(
            plan([res(DB, "db", { name: "stellaops" }, KEEP), res(SCHEMA, "s", { name: "vex" }, { ...KEEP, parent: "a" })]),
            plan([res(DB, "db", { name: "stellaops2" }, KEEP), res(SCHEMA, "s", { name: "vex" }, { ...KEEP, parent: "b" })]),
        );
        assert.deepStrictEqual(d.warnings.map((w) => [w.kind, w.type, w.keys]), [["replace", SCHEMA, ["parent"]], ["rename", DB, ["name"]]]);
    });

    it("flags a stateful resource losing protect or retainOnDelete", () => {
        const d = diffPlans(plan([res(DB, "db", {}, KEEP)]), plan([res(DB, "db", {}, { protect: false, retainOnDelete: true })]));
        assert.deepStrictEqual(d.warnings.map((w) => [w.kind, w.keys]), [["unprotect", ["protect"]]]);
    });

    it("orders deletions before replacements before renames", () => {
        const d = diffPlans(
            plan([res(DB, "a", { name: "x" }, KEEP), res(BUCKET, "b", { bucket: "x" }, KEEP), res(SCHEMA, "c", {}, KEEP)]),
            plan([res(DB, "a", { name: "y" }, KEEP), res(BUCKET, "b", { bucket: "y" }, KEEP)]),
        );
        assert.deepStrictEqual(d.warnings.map((w) => w.kind), ["delete", "replace", "rename"]);
    });

    it("matches whole keys of the replacement table only", () => {
        assert.deepStrictEqual(replacementKeys(RDS, ["identifierX", "identifier"]), { replace: ["identifier"], rename: [] });
    });
});
