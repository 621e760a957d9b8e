/**
 * How a changed value reads: multi-line text (an uploaded valkey.conf), long JSON strings and
 * large objects as unified line diffs with context, capped per value; short scalars inline; a
 * long single-line value shown around its first difference, never as two equal prefixes.
 */
import * as assert from "assert";
import { fenced, inline, isMultiline, lineDiff, textOf, valueDiff } from "../../tools/plan-diff/values";
import { valkeyConf } from "./support";

describe("plan diff values: line diffs", () => {
    it("shows a changed maxmemory line with three lines of context on each side", () => {
        const d = valueDiff(valkeyConf("256mb"), valkeyConf("512mb"));
        assert.deepStrictEqual(d.lines, [
            "@@ -7,7 +7,7 @@",
            " save 3600 1 300 100 60 10000",
            " ",
            " # Memory. Only keys with a TTL (caches) are evicted; streams and queues have none.",
            "-maxmemory 256mb",
            "+maxmemory 512mb",
            " maxmemory-policy volatile-lru",
            " ",
            " enable-debug-command no",
        ]);
        assert.deepStrictEqual([d.added, d.removed, d.omitted], [1, 1, 0]);
    });

    it("cuts a long diff after maxLines, counting what it left out", () => {
        const many = (p: string) => Array.from({ length: 50 }, (_, i) => `${p}${i}`).join("\n") + "\n";
        const d = lineDiff(many("a"), many("b"), 10);
        assert.strictEqual(d.lines.length, 10);
        assert.strictEqual(d.omitted, 101 - 10, "one hunk header and 100 changed lines in all");
        assert.deepStrictEqual([d.added, d.removed], [50, 50]);
    });

    it("pretty-prints a long JSON string (a bucket policy) so the changed statement is its own line", () => {
        const policy = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: [action], Resource: ["arn:aws:s3:::stellaops-evidence/*"], Principal: { AWS: "arn:aws:iam::123456789012:user/stellaops-scanner" } }] });
        assert.ok(policy("s3:GetObject").length > 200);
        const d = valueDiff(policy("s3:GetObject"), policy("s3:PutObject"));
        assert.deepStrictEqual(d.lines.filter((l) => /^[-+]/.test(l)), ['-        "s3:GetObject"', '+        "s3:PutObject"']);
    });

    it("renders a large object as YAML, multi-line strings as blocks, and an added value as all-new lines", () => {
        const data = (conf: string) => ({ "valkey.conf": conf, "users.acl": "user default off\n" });
        assert.match(textOf(data(valkeyConf("1mb")))!, /^valkey\.conf: \|/m);
        const d = valueDiff(undefined, { a: "x".repeat(300) });
        assert.deepStrictEqual([d.added, d.removed], [1, 0]);
    });

    it("keeps scalars and short arrays inline", () => {
        assert.strictEqual(isMultiline("256mb", "512mb"), false);
        assert.strictEqual(isMultiline(["USAGE"], ["USAGE", "CREATE"]), false);
        assert.strictEqual(isMultiline(valkeyConf("1mb"), valkeyConf("2mb")), true);
    });

    it("fences with more backticks than the content holds, indented into the list item", () => {
        assert.deepStrictEqual(fenced(["-a ```b```", "+c"], "  "), ["  ````diff", "  -a ```b```", "  +c", "  ````"]);
    });
});

describe("plan diff values: inline", () => {
    it("shows both sides in code spans, (none) for an absent one", () => {
        assert.deepStrictEqual(inline("a", undefined), ['`"a"`', "(none)"]);
    });

    it("windows a long single-line value around its first difference", () => {
        const cmd = (tail: string) => `sh -c '${"x".repeat(300)} ${tail}'`;
        const [b, a] = inline(cmd("--port 1"), cmd("--port 2"));
        assert.ok(b.length < 230 && a.length < 230, `${b.length} ${a.length}`);
        assert.match(b, /--port 1/);
        assert.match(a, /--port 2/);
        assert.match(a, /^`…/);
    });
});
