/**
 * The pure ha plan and its renderers: replication and Sentinel users with only what they need,
 * the Sentinels' own ACL, a majority quorum, member and Sentinel confs, bad options named.
 */
import * as assert from "assert";
import { PlanError } from "../../components/problems";
import { REPLICATION_RULES, isHaPlan, planValkeyHa } from "../../components/valkey/ha-plan";
import { renderHaMemberConf, renderReplicationAuth, renderSentinelConf } from "../../components/valkey/ha-render";
import { CONTAINER_SETTINGS } from "../../components/valkey/render";
import { testPlan } from "./support";

const directives = (conf: string) => conf.split("\n").filter((l) => l && !l.startsWith("#"));

describe("valkey ha plan", () => {
    it("adds a replication and a Sentinel user to every instance, with passwords, and keeps the single plan's users", () => {
        const base = testPlan({ split: true });
        const p = planValkeyHa(base);
        assert.ok(isHaPlan(p) && !isHaPlan(base));
        assert.deepEqual([p.ha.replicas, p.ha.members, p.ha.sentinels, p.ha.quorum, p.ha.minReplicasToWrite], [2, 3, 3, 2, 1]);
        assert.deepEqual(p.ha.masters, [{ instance: "coordination", masterName: "valkey-coordination" }, { instance: "cache", masterName: "valkey-cache" }]);
        for (const [i, instance] of p.instances.entries()) {
            assert.deepEqual(instance.users.slice(-2).map((u) => [u.name, u.kind]), [["stellaops-replication", "replication"], ["stellaops-sentinel", "sentinel"]]);
            assert.deepEqual(instance.users.slice(0, -2).map((u) => u.name), base.instances[i].users.map((u) => u.name));
        }
        assert.deepEqual(p.passwordUsers.slice(-2), [{ key: "replication", name: "stellaops-replication" }, { key: "sentinel", name: "stellaops-sentinel" }]);
    });

    it("gives replication PSYNC, REPLCONF and PING only; Sentinel the documented failover commands, no keys", () => {
        const users = planValkeyHa(testPlan()).instances[0].users;
        assert.deepEqual(users.find((u) => u.kind === "replication")!.rules, REPLICATION_RULES);
        assert.deepEqual(REPLICATION_RULES.filter((r) => r.startsWith("+")), ["+psync", "+replconf", "+ping"]);
        const sentinel = users.find((u) => u.kind === "sentinel")!.rules;
        assert.ok(!sentinel.some((r) => r.startsWith("~") || r === "allkeys" || r === "+@all"), "no key access");
        for (const cmd of ["+slaveof", "+replicaof", "+config|rewrite", "+client|kill", "+role", "+info", "+publish", "+subscribe"]) assert.ok(sentinel.includes(cmd), cmd);
        assert.deepEqual(sentinel.filter((r) => r.startsWith("&")), ["&__sentinel__:hello"]);
    });

    it("grants services ROLE after their denials (Sentinel clients confirm the primary with it), nothing else", () => {
        const base = testPlan();
        const p = planValkeyHa(base);
        for (const s of p.services) {
            const before = base.instances[0].users.find((u) => u.name === s.user)!.rules;
            assert.deepEqual(p.instances[0].users.find((u) => u.name === s.user)!.rules, [...before, "+role"], s.service);
        }
    });

    it("plans the Sentinels' own ACL: default off, operator, probe, peers, and services that may only discover", () => {
        const p = planValkeyHa(testPlan());
        const acl = p.ha.sentinelAcl;
        assert.deepEqual(acl.slice(0, 4).map((u) => [u.name, u.kind]), [["default", "default"], ["stellaops-operator", "operator"], ["stellaops-probe", "probe"], ["stellaops-sentinel", "sentinel"]]);
        assert.deepEqual(acl.slice(4).map((u) => u.name), p.services.map((s) => s.user));
        const service = acl[4].rules;
        assert.ok(service.includes("+sentinel|get-master-addr-by-name") && !service.some((r) => /^\+(sentinel|sentinel\|(failover|set|remove|monitor|reset|config))$/.test(r)));
    });

    const bad: [string, Parameters<typeof planValkeyHa>[1], boolean, string][] = [
        ["no replica", { replicas: 0 }, false, "replicas"],
        ["an even Sentinel count", { sentinels: 4 }, false, "sentinels"],
        ["two Sentinels", { sentinels: 2 }, false, "sentinels"],
        ["TLS", {}, true, "tls"],
    ];
    for (const [what, opts, tls, key] of bad) {
        it(`rejects ${what}, naming valkey.${key}`, () => {
            assert.throws(() => planValkeyHa(testPlan({ tls }), opts), (err: Error) => err instanceof PlanError && err.problems.length === 1 && err.message.includes(`valkey.${key}: expected`));
        });
    }

    it("renders a member conf that includes the replication credentials instead of holding them", () => {
        const p = planValkeyHa(testPlan());
        const conf = renderHaMemberConf(p, p.instances[0], { ...CONTAINER_SETTINGS, replicationAuth: "/etc/valkey-secrets/replication.conf", replicaOf: { host: "valkey-0.valkey", port: 6379 }, announceHost: "valkey-1.valkey" });
        const d = directives(conf);
        for (const line of ["include /etc/valkey-secrets/replication.conf", "replica-read-only yes", "min-replicas-to-write 1", "replicaof valkey-0.valkey 6379", "replica-announce-ip valkey-1.valkey", "appendonly yes"]) assert.ok(d.includes(line), line);
        assert.ok(!d.some((l) => l.startsWith("masterauth")), "no password in the conf");
        assert.equal(renderReplicationAuth(p, "pw"), "masteruser stellaops-replication\nmasterauth pw\n");
        assert.equal(directives(renderHaMemberConf(planValkeyHa(testPlan(), { replicas: 1 }), p.instances[0], { ...CONTAINER_SETTINGS, replicationAuth: "/r" })).find((l) => l.startsWith("min-replicas-to-write")), "min-replicas-to-write 0", "one replica: losing it must not stop writes");
    });

    it("renders sentinel.conf: the quorum, hostnames, auth for members and peers only when a password is given", () => {
        const p = planValkeyHa(testPlan());
        const settings = { port: 26379, bind: "127.0.0.1", dir: "/data", aclfile: "/etc/valkey-sentinel/users-sentinel.acl" };
        const d = directives(renderSentinelConf(p.ha, [{ masterName: "valkey", host: "valkey-0.valkey", port: 6379 }], settings, "pw"));
        for (const line of ["sentinel monitor valkey valkey-0.valkey 6379 2", "sentinel auth-user valkey stellaops-sentinel", "sentinel auth-pass valkey pw", "sentinel sentinel-user stellaops-sentinel", "sentinel sentinel-pass pw", "sentinel resolve-hostnames yes", "aclfile /etc/valkey-sentinel/users-sentinel.acl", "sentinel down-after-milliseconds valkey 5000"]) assert.ok(d.includes(line), line);
        const review = renderSentinelConf(p.ha, [{ masterName: "valkey", host: "h", port: 6379 }], settings);
        assert.ok(!/auth-pass|sentinel-pass/.test(review), "no password, no auth lines");
    });
});
