/**
 * The pull-request comment: marker, bold stateful warnings before anything else, resources
 * grouped by type with their changed inputs, secrets masked, and graceful summarising under
 * GitHub's 65,536-character limit that never drops the warnings.
 */
import * as assert from "assert";
import { diffPlans } from "../../tools/plan-diff/diff";
import { DIFF_LINES, GITHUB_COMMENT_LIMIT, MARKER, StackReport, renderReport } from "../../tools/plan-diff/markdown";
import { BUCKET, DB, GRANT, KEEP, RDS, plan, res, valkeyContainer } from "./support";

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

describe("plan diff comment: what a reviewer needs to see", () => {
    const rds = (v: string) => res(RDS, "postgres-instance", { engine: "postgres", engineVersion: v, parameterGroupName: `db-pg${v}` }, KEEP);
    const text = renderReport(
        [report("dev", plan([valkeyContainer("256mb")]), plan([valkeyContainer("512mb")])), report("aws", plan([rds("17")]), plan([rds("18")]))],
        { base: "origin/main" },
    );
    const lines = text.split("\n");

    it("shows a changed maxmemory line of the uploaded valkey.conf as a line diff under the container", () => {
        const at = lines.findIndex((l) => l.includes("`uploads[0].content` (`/etc/valkey/valkey.conf`)"));
        assert.strictEqual(lines[at], "  - `uploads[0].content` (`/etc/valkey/valkey.conf`): +1 −1 lines");
        assert.deepStrictEqual(lines.slice(at + 1, at + 12), [
            "    ```diff",
            "    @@ -7,7 +7,7 @@",
            "     save 3600 1 300 100 60 10000",
            "     ",
            "     # Memory. Only keys with a TTL (caches) are evicted; streams and queues have none.",
            "    -maxmemory 256mb",
            "    +maxmemory 512mb",
            "     maxmemory-policy volatile-lru",
            "     ",
            "     enable-debug-command no",
            "    ```",
        ]);
        assert.ok(!text.includes("users.acl`):"), "the secret aclfile did not change visibly and must not be listed");
    });

    it("flags the container's forced replacement (a restart) after the stateful warnings, and on the resource", () => {
        const risks = lines.indexOf("**⚠️ Stateful resources at risk**");
        const replaced = lines.findIndex((l) => l.startsWith("**🔁 Replaced by the provider**"));
        const table = lines.findIndex((l) => l.startsWith("| stack |"));
        assert.ok(risks >= 0 && risks < replaced && replaced < table, `${risks} ${replaced} ${table}`);
        assert.strictEqual(lines[replaced + 2], "- `dev`: REPLACE `docker:index/container:Container` `valkey-main-container` (`uploads`): the container is recreated: the server restarts (its volumes stay).");
        assert.ok(lines.includes("- ✏️ `valkey-main-container` 🔁 **replaced** (`uploads`)"));
    });

    it("flags the RDS major version bump in bold among the stateful risks, with both versions", () => {
        assert.match(lines[lines.indexOf("**⚠️ Stateful resources at risk**") + 2], /^- \*\*`aws`: MAJOR UPGRADE `aws:rds\/instance:Instance` `postgres-instance` \(`engineVersion` 17 → 18\)\*\*: upgraded in place: the server is down while it runs/);
        assert.match(text, /- `engineVersion`: `"17"` → `"18"`/);
    });

    it("groups replacements of one type for the same inputs into one line", () => {
        const grants = (role: string) => Array.from({ length: 50 }, (_, i) => res(GRANT, `g${i}`, { role, privileges: ["USAGE"] }));
        const t = renderReport([report("aws", plan(grants("a")), plan(grants("b")))], { base: "main" });
        assert.match(t, /^- `aws`: REPLACE `postgresql:index\/grant:Grant` `g0`, `g1`, `g10` and 47 more \(`role`\): revoked and granted again/m);
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

    it("caps one huge value diff and says how many lines it left out", () => {
        const conf = (v: string) => Array.from({ length: 500 }, (_, i) => `key${i} ${v}`).join("\n") + "\n";
        const t = renderReport([report("dev", plan([res(GRANT, "g", { conf: conf("a") })]), plan([res(GRANT, "g", { conf: conf("b") })]))], { base: "main" });
        const fence = t.split("\n").filter((l) => /^ {4}[-+ @]/.test(l));
        assert.strictEqual(fence.length, DIFF_LINES);
        assert.match(t, new RegExp(`_…${1001 - DIFF_LINES} more diff lines: \`npm run --silent plan:diff -- --full\`_`));
    });

    it("shortens line diffs (one line of context) before dropping values when many configs change", () => {
        // 170 containers: about 69,000 characters in full, so the comment must summarise.
        const containers = (m: string) => Array.from({ length: 170 }, (_, i) => ({ ...valkeyContainer(m), name: `valkey-${i}-container` }));
        const t = renderReport([report("dev", plan(containers("256mb")), plan(containers("512mb")))], { base: "main" });
        assert.ok(t.length <= GITHUB_COMMENT_LIMIT, `${t.length} characters`);
        assert.match(t, /Summarised to fit a comment \(short line diffs\)/);
        const hunk = ["    @@ -9,3 +9,3 @@", "     # Memory. Only keys with a TTL (caches) are evicted; streams and queues have none.", "    -maxmemory 256mb", "    +maxmemory 512mb", "     maxmemory-policy volatile-lru"];
        assert.strictEqual(t.split(hunk.join("\n")).length - 1, 170, "every container keeps its changed line");
        assert.match(t, /^- `dev`: REPLACE `docker:index\/container:Container` `valkey-0-container`, `valkey-1-container`, `valkey-10-container` and 167 more \(`uploads`\)/m);
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
