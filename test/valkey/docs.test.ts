/** docs/valkey.md's per-service table must say what the plan does (users, prefixes, channels, TTLs). */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { testPlan } from "./support";

describe("valkey docs", () => {
    it("lists every service's user, prefixes, channels and default TTLs as the plan derives them", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "valkey.md"), "utf8");
        for (const s of testPlan().services) {
            const row = doc.split("\n").find((l) => l.startsWith(`| ${s.service} |`));
            assert.ok(row, `no row for ${s.service}`);
            const cells = row.split("|").map((c) => c.trim());
            assert.equal(cells[2], `\`${s.user}\``);
            const prefixes = Object.entries(s.prefixes).map(([p, v]) => `${p} \`${v}${p === "cache" ? "<tenant>:" : ""}\``);
            assert.equal(cells[3], prefixes.join(", "), s.service);
            assert.equal(cells[4], s.channels.map((c) => `\`${c}*\``).join(", ") || "-", s.service);
            assert.equal(cells[5], Object.entries(s.ttls).map(([k, v]) => `${k} ${v}`).join(", "), s.service);
        }
    });
});
