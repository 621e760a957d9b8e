/**
 * The ha topology on real processes (issue 19): a primary and two replicas from the rendered
 * member confs and aclfiles, three Sentinels from the rendered sentinel.conf, all on loopback.
 * Services work as their own ACL users through Sentinel; after the primary is SIGKILLed, Sentinel
 * promotes a replica and every queue entry a replica acknowledged (XADD then WAIT 1) is there.
 * The replication and Sentinel users get by with their minimal rules (no ACL denials logged).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Valkey } from "iovalkey";
import { ValkeyHaPlan, planValkeyHa } from "../../components/valkey/ha-plan";
import { SENTINEL_PORT, renderHaMemberConf, renderReplicationAuth, renderSentinelConf } from "../../components/valkey/ha-render";
import { renderAclFile, renderAclUsers, sha256Hex } from "../../components/valkey/render";
import { Proc, findBinary, freePort, portOpen, requireBinary, startProcess, tempDir, waitFor } from "../support/servers";
import { connect, login, refusal, serverBinary, testPasswords, testPlan } from "./support";

type Entries = [string, [string, string[]][]][];

describe("valkey ha: primary, replicas and a Sentinel quorum on real processes", function () {
    this.timeout(120000);
    let plan: ValkeyHaPlan;
    let pw: Record<string, string>;
    let dir: string;
    const members: { port: number; proc: Proc }[] = [];
    const sentinels: { port: number; proc: Proc }[] = [];
    const clients: Valkey[] = [];
    const track = <T extends Valkey>(c: T): T => (clients.push(c), c);
    const user = (service: string) => plan.services.find((s) => s.service === service)!.user;
    const masterName = () => plan.ha.masters[0].masterName;

    async function start(bin: string, args: string[], port: number): Promise<Proc> {
        const proc = startProcess(bin, args, { cwd: dir });
        await waitFor(`${path.basename(bin)} on ${port}`, async () => {
            if (proc.child.exitCode !== null) throw new Error(`exited: ${proc.output()}`);
            return portOpen(port);
        }, 15000);
        return proc;
    }

    /** Asks a Sentinel, as `who`, where the primary is. */
    async function primaryPort(who: string): Promise<number> {
        const s = track(await login(sentinels[0].port, who, pw[who]));
        const [, port] = (await s.call("SENTINEL", "get-master-addr-by-name", masterName())) as [string, string];
        s.disconnect();
        return Number(port);
    }

    before(async function () {
        const server = serverBinary(this);
        const sentinel = findBinary("valkey-sentinel") ?? requireBinary(this, "redis-sentinel", ["/usr/bin/redis-sentinel"]);
        plan = planValkeyHa(testPlan(), { replicas: 2, downAfterMs: 1000, failoverTimeoutMs: 5000 });
        pw = testPasswords(plan);
        const hashes = Object.fromEntries(Object.entries(pw).map(([u, p]) => [u, sha256Hex(p)]));
        dir = tempDir("valkey-ha");
        const instance = plan.instances[0];
        const ports = [await freePort(), await freePort(), await freePort()];
        for (const [i, port] of ports.entries()) {
            const d = path.join(dir, `member-${i}`);
            fs.mkdirSync(d);
            fs.writeFileSync(path.join(d, "users.acl"), renderAclFile(instance, hashes), { mode: 0o600 });
            fs.writeFileSync(path.join(d, "replication.conf"), renderReplicationAuth(plan, pw[plan.ha.replicationUser]), { mode: 0o600 });
            const conf = renderHaMemberConf(plan, instance, { port, bind: "127.0.0.1", dir: d, aclDir: d, tlsDir: d, replicationAuth: path.join(d, "replication.conf"), replicaOf: i === 0 ? undefined : { host: "127.0.0.1", port: ports[0] } });
            fs.writeFileSync(path.join(d, "valkey.conf"), conf);
            members.push({ port, proc: await start(server, [path.join(d, "valkey.conf")], port) });
        }
        const op = track(await login(ports[0], plan.operator, pw[plan.operator]));
        await waitFor("both replicas in sync", async () => ((await op.info("replication")).match(/state=online/g) ?? []).length === 2, 30000);

        for (let j = 0; j < 3; j++) {
            const port = await freePort();
            const d = path.join(dir, `sentinel-${j}`);
            fs.mkdirSync(d);
            fs.writeFileSync(path.join(d, "users-sentinel.acl"), renderAclUsers(plan.ha.sentinelAcl, hashes), { mode: 0o600 });
            const conf = renderSentinelConf(plan.ha, [{ masterName: masterName(), host: "127.0.0.1", port: ports[0] }], { port, bind: "127.0.0.1", dir: d, aclfile: path.join(d, "users-sentinel.acl") }, pw[plan.ha.sentinelUser]);
            fs.writeFileSync(path.join(d, "sentinel.conf"), conf, { mode: 0o600 });
            sentinels.push({ port, proc: await start(sentinel, [path.join(d, "sentinel.conf")], port) });
        }
        for (const s of sentinels) {
            const c = track(await login(s.port, plan.operator, pw[plan.operator]));
            await waitFor("Sentinel sees both replicas and both peers", async () => {
                const info = (await c.call("SENTINEL", "master", masterName())) as string[];
                const field = (k: string) => Number(info[info.indexOf(k) + 1]);
                return field("num-slaves") === 2 && field("num-other-sentinels") === 2;
            }, 30000);
        }
    });

    after(async () => {
        for (const c of clients) c.disconnect();
        for (const p of [...sentinels, ...members]) await p.proc.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("renders the default Sentinel port and a majority quorum", () => {
        assert.equal(SENTINEL_PORT, 26379);
        assert.deepEqual([plan.ha.members, plan.ha.sentinels, plan.ha.quorum], [3, 3, 2]);
    });

    it("makes Sentinel itself need auth, and gives services discovery only", async () => {
        const anon = track(connect(sentinels[0].port));
        await anon.connect();
        assert.match(await refusal(anon.call("SENTINEL", "get-master-addr-by-name", masterName())), /^NOAUTH/);
        const scanner = track(await login(sentinels[0].port, user("scanner"), pw[user("scanner")]));
        assert.equal(await primaryPort(user("scanner")), members[0].port);
        for (const cmd of [["SENTINEL", "FAILOVER", masterName()], ["SENTINEL", "SET", masterName(), "quorum", "1"], ["SENTINEL", "REMOVE", masterName()], ["ACL", "LIST"]]) {
            assert.match(await refusal(scanner.call(cmd[0], ...cmd.slice(1))), /^NOPERM/, cmd.join(" "));
        }
    });

    it("keeps the replication user to replication: it reads no key", async () => {
        const r = track(await login(members[0].port, plan.ha.replicationUser, pw[plan.ha.replicationUser]));
        assert.match(await refusal(r.get("scanner:jobs")), /^NOPERM/);
        assert.match(await refusal(r.call("CONFIG", "GET", "maxmemory")), /^NOPERM/);
    });

    it("fails over after the primary is killed; replica-acknowledged queue entries survive, ACLs hold on the new primary", async () => {
        // A real Sentinel client, as each service's own user on Sentinel and on the data members.
        const viaSentinel = (service: string) =>
            track(new Valkey({ sentinels: sentinels.map((s) => ({ host: "127.0.0.1", port: s.port })), name: masterName(), sentinelUsername: user(service), sentinelPassword: pw[user(service)], username: user(service), password: pw[user(service)], enableReadyCheck: false, maxRetriesPerRequest: 1 }));
        for (const port of [...members, ...sentinels].map((x) => x.port)) await track(await login(port, plan.operator, pw[plan.operator])).call("ACL", "LOG", "RESET");
        const scanner = viaSentinel("scanner");
        assert.equal(((await scanner.call("ROLE")) as string[])[0], "master", "Sentinel led the client to the primary (ROLE granted with Sentinel)");
        const q = plan.services.find((s) => s.service === "scanner")!.queues[0];
        await scanner.call("XGROUP", "CREATE", q.stream, q.group, "$", "MKSTREAM");
        const acknowledged: string[] = [];
        for (let i = 0; i < 20; i++) {
            acknowledged.push((await scanner.xadd(q.stream, "*", "job", `job-${i}`))!);
            await scanner.call("SET", `${q.idempotencyPrefix}job-${i}`, "1", "NX", "EX", 3600);
        }
        await scanner.xadd(q.deadLetterStream, "*", "job", "job-0", "error", "poison");
        const leased = (await scanner.call("XREADGROUP", "GROUP", q.group, "w1", "COUNT", 5, "STREAMS", q.stream, ">")) as Entries;
        assert.ok(Number(await scanner.call("WAIT", 1, 5000)) >= 1, "a replica acknowledged every write so far");
        scanner.disconnect();

        const old = members[0];
        old.proc.child.kill("SIGKILL");
        await old.proc.stop();
        await waitFor("Sentinel to promote a replica", async () => (await primaryPort(plan.operator)) !== old.port, 60000);
        const promoted = await primaryPort(user("scanner"));
        assert.ok(members.slice(1).some((m) => m.port === promoted));

        const after = viaSentinel("scanner");
        await waitFor("the client to reach the promoted primary", async () => ((await after.call("ROLE")) as string[])[0] === "master", 20000);
        const laddr = /laddr=\S+:(\d+)/.exec(String(await after.call("CLIENT", "INFO")))![1];
        assert.equal(Number(laddr), promoted, "the Sentinel client followed the failover to the promoted primary");
        const entries = (await after.xrange(q.stream, "-", "+")) as [string, string[]][];
        assert.deepEqual(entries.map((e) => e[0]), acknowledged, "every acknowledged entry is on the new primary");
        assert.equal(await after.xlen(q.deadLetterStream), 1);
        assert.equal(await after.exists(`${q.idempotencyPrefix}job-19`), 1);
        const pending = (await after.call("XPENDING", q.stream, q.group)) as [number];
        assert.equal(pending[0], leased[0][1].length, "the consumer group's leases moved with the data");
        await waitFor("writes on the new primary (a replica reattached)", async () => Boolean(await after.xadd(q.stream, "*", "job", "after-failover")), 20000);

        const scheduler = viaSentinel("scheduler");
        assert.match(await refusal(scheduler.xadd(q.stream, "*", "job", "x")), /^NOPERM/, "isolation holds on the promoted primary");

        const refusedUsers = new Set<string>();
        for (const port of [...members.slice(1).map((m) => m.port), ...sentinels.map((x) => x.port)]) {
            const op = track(await login(port, plan.operator, pw[plan.operator]));
            for (const e of (await op.call("ACL", "LOG")) as string[][]) refusedUsers.add(`${e[e.indexOf("username") + 1]} on ${port}: ${e[e.indexOf("object") + 1]}`);
        }
        const ours = [...refusedUsers].filter((d) => [plan.ha.sentinelUser, plan.ha.replicationUser, user("scanner")].some((u) => d.startsWith(`${u} `)));
        assert.ok([...refusedUsers].some((d) => d.startsWith(`${user("scheduler")} `)), "the log records refusals: the scheduler's is there");
        assert.deepEqual(ours, [], "Sentinel, replication and the scanner were never refused during the failover");
    });
});
