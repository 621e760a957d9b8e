/**
 * Real servers from the rendered files: eviction under memory pressure (caches go, streams and
 * queues stay), AOF across a crash, and the split layout (noeviction coordination, LRU cache).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Valkey } from "iovalkey";
import type { ValkeyPlan } from "../../components/valkey/plan";
import { tempDir } from "../support/servers";
import { Server, login, refusal, serverBinary, startServer, testPasswords, testPlan } from "./support";

const KIB = "x".repeat(1024);

/** Writes `count` 1 KiB values with `SET key v [EX ttl]` in pipelines; returns the errors. */
async function fill(c: Valkey, keyOf: (i: number) => string, count: number, ttl?: number): Promise<string[]> {
    const errors: string[] = [];
    for (let start = 0; start < count; start += 500) {
        const p = c.pipeline();
        for (let i = start; i < Math.min(count, start + 500); i++) {
            if (ttl) p.set(keyOf(i), KIB, "EX", ttl);
            else p.set(keyOf(i), KIB);
        }
        for (const [err] of (await p.exec()) ?? []) if (err) errors.push(err.message);
    }
    return errors;
}

async function evictedKeys(c: Valkey): Promise<number> {
    const info = await c.info("stats");
    return Number(/^evicted_keys:(\d+)/m.exec(info)?.[1]);
}

describe("valkey server: memory, eviction and persistence", function () {
    let bin: string;
    const servers: Server[] = [];
    const clients: Valkey[] = [];
    const dirs: string[] = [];
    const start = async (plan: ValkeyPlan, index: number, passwords: Record<string, string>) => {
        const dir = tempDir("valkey-mem");
        dirs.push(dir);
        const s = await startServer(bin, plan, plan.instances[index], passwords, dir);
        servers.push(s);
        return s;
    };
    const as = async (s: Server, user: string, passwords: Record<string, string>) => {
        const c = await login(s.port, user, passwords[user]);
        clients.push(c);
        return c;
    };

    before(function () {
        bin = serverBinary(this);
    });

    after(async () => {
        for (const c of clients) c.disconnect();
        for (const s of servers) await s.stop();
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it("evicts cache keys under memory pressure while stream and queue keys survive (volatile-lru)", async () => {
        const plan = testPlan({ maxmemoryMb: 4 });
        assert.match(plan.instances[0].evictionPolicy, /^volatile-/, "the default single-instance policy");
        const pw = testPasswords(plan);
        const s = await start(plan, 0, pw);
        const scanner = plan.services.find((x) => x.service === "scanner")!;
        const c = await as(s, scanner.user, pw);
        const { stream: queue, group } = scanner.queues[0];
        const stream = `${scanner.prefixes.stream}events`;
        await c.call("XGROUP", "CREATE", queue, group, "$", "MKSTREAM");
        const dead = scanner.queues[0].deadLetterStream;
        for (let i = 0; i < 200; i++) {
            await c.xadd(queue, "*", "job", String(i));
            await c.xadd(stream, "*", "event", String(i));
            if (i % 10 === 0) await c.xadd(dead, "*", "job", String(i));
        }
        const written = 12000; // 12 MiB of cache into a 4 MiB server
        assert.deepEqual(await fill(c, (i) => `${scanner.prefixes.cache}tenant-a:${i}`, written, scanner.ttls.cache), [], "no write fails: caches make room");

        const op = await as(s, plan.operator, pw);
        assert.ok((await evictedKeys(op)) > 0, "keys were evicted");
        const cacheKeys = (await op.dbsize()) - 3;
        assert.ok(cacheKeys < written, `${cacheKeys} of ${written} cache keys left`);
        assert.equal(await c.xlen(queue), 200, "every queue entry survives");
        assert.equal(await c.xlen(stream), 200, "every stream entry survives");
        assert.equal(await c.xlen(dead), 20, "every dead letter survives");
        const read = (await c.call("XREADGROUP", "GROUP", group, "w1", "COUNT", "500", "STREAMS", queue, ">")) as [string, unknown[]][];
        assert.equal(read[0][1].length, 200, "the consumer group still delivers all of them");
    });

    it("keeps queue entries and consumer-group state across a crash (AOF, no RDB)", async () => {
        const plan = testPlan();
        const pw = testPasswords(plan);
        const s = await start(plan, 0, pw);
        const notify = plan.services.find((x) => x.service === "notify")!;
        const { stream: q, group } = notify.queues[0];
        let c = await as(s, notify.user, pw);
        await c.call("XGROUP", "CREATE", q, group, "$", "MKSTREAM");
        for (let i = 0; i < 50; i++) await c.xadd(q, "*", "delivery", String(i));
        const read = (await c.call("XREADGROUP", "GROUP", group, "s1", "COUNT", "10", "STREAMS", q, ">")) as [string, [string][]][];
        assert.equal(await c.xack(q, group, ...read[0][1].slice(0, 4).map((e) => e[0])), 4);
        c.disconnect();

        await s.crash();
        assert.ok(!fs.existsSync(path.join(s.dir, "dump.rdb")), "no RDB snapshot: only the AOF can bring the entries back");
        assert.ok(fs.existsSync(path.join(s.dir, "appendonlydir")), "the AOF directory exists");
        await s.restart();

        c = await as(s, notify.user, pw);
        assert.equal(await c.xlen(q), 50, "all 50 entries are back");
        const pending = (await c.xpending(q, group)) as [number, string, string, unknown];
        assert.equal(pending[0], 6, "10 delivered, 4 acknowledged: 6 still pending");
        const next = (await c.call("XREADGROUP", "GROUP", group, "s2", "COUNT", "100", "STREAMS", q, ">")) as [string, unknown[]][];
        assert.equal(next[0][1].length, 40, "the group resumes after the last delivered entry");
    });

    it("split: the coordination instance never evicts nonces, the cache instance evicts any key", async () => {
        const plan = testPlan({ split: true, maxmemoryMb: 4, cacheMaxmemoryMb: 4 });
        const pw = testPasswords(plan);
        const keys = plan.instances.map((i) => i.key);
        assert.deepEqual(keys, ["coordination", "cache"]);
        const coordination = await start(plan, 0, pw);
        const cache = await start(plan, 1, pw);
        const authority = plan.services.find((x) => x.service === "authority")!;
        const concelier = plan.services.find((x) => x.service === "concelier")!;

        // A cache-only service reaches only the Router's queues on the coordination instance (it is
        // routed), and only its cache prefix on the cache instance: no evictable home for a queue.
        const onCoordination = await as(coordination, concelier.user, pw);
        assert.match(await refusal(onCoordination.call("SET", `${concelier.prefixes.cache}t:k`, "v", "EX", 60)), /^NOPERM/);
        assert.ok(await onCoordination.xadd(concelier.sharedKeys.routerGatewayResponses, "*", "type", "RESPONSE"));
        const onCache = await as(cache, concelier.user, pw);
        assert.match(await refusal(onCache.xadd(concelier.sharedKeys.routerGatewayResponses, "*", "type", "RESPONSE")), /^NOPERM/);
        assert.match(await refusal(onCache.xadd(`${concelier.namespace}jobs`, "*", "f", "v")), /^NOPERM/);

        const a = await as(coordination, authority.user, pw);
        const errors = await fill(a, (i) => `${authority.prefixes.dpop}n-${i}`, 8000, authority.ttls.dpopNonce);
        assert.ok(errors.length > 0 && errors.every((e) => /^OOM/.test(e)), "when full, writes fail with OOM instead of evicting");
        const stored = 8000 - errors.length;
        let present = 0;
        for (let i = 0; i < 8000; i += 500) present += await a.exists(...Array.from({ length: Math.min(500, 8000 - i) }, (_, j) => `${authority.prefixes.dpop}n-${i + j}`));
        assert.equal(present, stored, "every stored nonce is still there");

        // Cache-only instance: allkeys-lru, so even keys without a TTL make room.
        const k = await as(cache, concelier.user, pw);
        assert.deepEqual(await fill(k, (i) => `${concelier.prefixes.cache}t:${i}`, 8000), []);
        assert.ok((await evictedKeys(await as(cache, plan.operator, pw))) > 0);
    });
});
