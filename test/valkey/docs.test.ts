/** docs/valkey.md's tables must say what the plan does: users, namespaces, prefixes, channels, TTLs, queues, shared keys. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CATALOG } from "../../components/catalog";
import { testPlan } from "./support";

const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "valkey.md"), "utf8");
const row = (first: string) => {
    const line = doc.split("\n").find((l) => l.startsWith(`| ${first} |`));
    assert.ok(line, `no row for ${first}`);
    return line.split("|").map((c) => c.trim()).slice(1, -1);
};

describe("valkey docs", () => {
    it("lists every service's user, namespace, prefixes, channels and default TTLs as the plan derives them", () => {
        for (const s of testPlan().services) {
            const cells = row(s.service);
            assert.equal(cells[1], `\`${s.user}\``);
            assert.equal(cells[2], `\`${s.namespace}*\``, s.service);
            assert.equal(cells[3], Object.entries(s.prefixes).map(([p, v]) => `${p} \`${v}${p === "cache" ? "<tenant>:" : ""}\``).join(", "), s.service);
            assert.equal(cells[4], s.channels.map((c) => `\`${c}*\``).join(", ") || "-", s.service);
            assert.equal(cells[5], Object.entries(s.ttls).map(([k, v]) => `${k} ${v}`).join(", "), s.service);
        }
    });

    it("lists every queue with its group, idempotency prefix and dead-letter stream", () => {
        for (const q of testPlan().services.flatMap((s) => s.queues.map((x) => ({ ...x, service: s.service })))) {
            assert.deepEqual(row(`\`${q.stream}\``), [`\`${q.stream}\``, q.service, `\`${q.group}\``, `\`${q.idempotencyPrefix}*\``, `\`${q.deadLetterStream}\``]);
        }
    });

    it("lists the Router's shared keys with their users", () => {
        const routed = CATALOG.sharedKeys.filter((k) => !k.key.startsWith("routerRequests-"));
        for (const k of routed) assert.equal(row(`\`${k.prefix}*\``)[1], k.users.length > 2 ? "gateway and every routed service" : k.users.join(", "), k.key);
        assert.deepEqual(row("`stella:router:<service>:requests*`")[1], "gateway, <service>");
    });
});
