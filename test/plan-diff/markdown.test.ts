/**
 * The pull-request comment: marker, bold stateful warnings before anything else, resources
 * grouped by type with their changed inputs, secrets masked, and graceful summarising under
 * GitHub's 65,536-character limit that never drops the warnings.
 */
import * as assert from "assert";
import { diffPlans } from "../../tools/plan-diff/diff";
import { GITHUB_COMMENT_LIMIT, MARKER, StackReport, renderReport } from "../../tools/plan-diff/markdown";
import { BUCKET, DB, GRANT, KEEP, plan, res } from "./support";

const report = (stack: string, base: Parameters<typeof diffPlans>[0], head: Parameters<typeof diffPlans>[1]): StackReport => ({ stack, diff: diffPlans(base, head) });

describe("plan diff comment", () => {
    const base = plan([res(GRANT, "g", { privileges: ["USAGE"] }), res(BUCKET, "b", { bucket: "stellaops-sboms", password: "[secret]" }, KEEP), res(DB, "old", {}, KEEP)]);
    const head = plan([res(GRANT, "g", { privileges: ["USAGE", "CREATE"] }), res(BUCKET, "b", { bucket: "stellaops-sbom", password: "hunter2" }, KEEP), res(GRANT, "new")]);
    const text = renderReport([report("dev", base, head), report("aws", plan([]), plan([]))], { base: "origin/main" });

    it("starts with the hidden marker and the base ref", () => {
        assert.ok(text.startsWith(`${MARKER}\n### Offline plan diff against \`origin/main\``));
    });

    it("puts the stateful warnings first, in bold, deletion before replacement, with what `pulumi up` does", () => {
        const lines = text.split("\n");
        const first = lines.findIndex((l) => l.startsWith("- **"));
        const table = lines.findIndex((l) => l.startsWith("| stack |"));
        assert.ok(first > 0 && first < table, "warnings precede the summary table");
        assert.match(lines[first], /^- \*\*`dev`: DELETE `postgresql:index\/database:Database` `old`\*\*: protected: `pulumi up` refuses the deletion until it is unprotected/);
        assert.match(lines[first + 1], /^- \*\*`dev`: REPLACE `aws:s3\/bucket:Bucket` `b` \(`bucket`\)\*\*: protected/);
    });

    it("summarises per stack and groups resources by type with their changed inputs", () => {
        assert.match(text, /\| dev \| 1 \| 1 \| 2 \|/);
        assert.match(text, /\| aws \| 0 \| 0 \| 0 \|/);
        assert.match(text, /\*\*`postgresql:index\/grant:Grant`\*\*\n- ➕ `new`\n- ✏️ `g`\n {2}- `privileges`: `\["USAGE"\]` → `\["USAGE","CREATE"\]`/);
        assert.match(text, /#### `aws`: 0 added, 0 removed, 0 changed\n\nNo changes\./);
    });

    it("shows a secret change without either value", () => {
        assert.match(text, /- `password`: \[secret\] changed\n/);
        assert.ok(!text.includes("hunter2"), "the new value of a secret input leaks");
    });

    it("carries a stack's note (base without a plan, base that failed)", () => {
        const t = renderReport([{ stack: "x", note: "the plan at main failed" }, { ...report("y", null, plan([res(GRANT, "g")])), note: "no plan at this commit" }], { base: "main" });
        assert.match(t, /\| x \| \? \| \? \| \? \|/);
        assert.match(t, /#### `x`\n\n_the plan at main failed_/);
        assert.match(t, /#### `y`: 1 added, 0 removed, 0 changed\n\n_no plan at this commit_/);
    });
});

describe("plan diff comment size", () => {
    /** A diff with `n` changed grants (long values) and one stateful replacement. */
    function big(n: number, valueSize: number): StackReport[] {
        const grants = (v: string) => Array.from({ length: n }, (_, i) => res(GRANT, `grant-${String(i).padStart(5, "0")}`, { role: v }));
        const bucket = (name: string) => res(BUCKET, "evidence", { bucket: name }, KEEP);
        return [report("aws", plan([...grants("a".repeat(valueSize)), bucket("x")]), plan([...grants("b".repeat(valueSize)), bucket("y")]))];
    }

    it("stays whole when it fits", () => {
        assert.ok(!renderReport(big(10, 50), { base: "main" }).includes("Summarised"));
    });

    it("drops values first, keeping every changed input path", () => {
        const t = renderReport(big(400, 300), { base: "main" });
        assert.ok(t.length <= GITHUB_COMMENT_LIMIT);
        assert.match(t, /Summarised to fit a comment \(input paths only\)/);
        assert.strictEqual((t.match(/ {2}- `role`\n/g) ?? []).length, 400);
    });

    it("falls back to counts per type for a huge diff, keeping the warning", () => {
        const t = renderReport(big(20000, 10), { base: "main" });
        assert.ok(t.length <= GITHUB_COMMENT_LIMIT, `${t.length} characters`);
        assert.match(t, /\(counts per type\)/);
        assert.match(t, /- `postgresql:index\/grant:Grant`: 20000 changed/);
        assert.match(t, /^- \*\*`aws`: REPLACE `aws:s3\/bucket:Bucket` `evidence` \(`bucket`\)\*\*/m);
    });

    it("trims warnings only when they alone overflow, saying how many were left out", () => {
        const n = 3000;
        const buckets = (s: string) => Array.from({ length: n }, (_, i) => res(BUCKET, `bucket-with-a-long-logical-name-${i}`, { bucket: `${s}-${i}` }, KEEP));
        const t = renderReport([report("aws", plan(buckets("a")), plan(buckets("b")))], { base: "main" });
        assert.ok(t.length <= GITHUB_COMMENT_LIMIT, `${t.length} characters`);
        const shown = (t.match(/^- \*\*`aws`: REPLACE/gm) ?? []).length;
        assert.ok(shown > 100 && shown < n, `${shown} warnings shown`);
        assert.match(t, new RegExp(`…and ${n - shown} more stateful warnings`));
    });
});
