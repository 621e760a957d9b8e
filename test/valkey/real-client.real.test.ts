/**
 * The real-client tier for Valkey (DESIGN.md §2a, issue 13): a real server started from the
 * rendered valkey.conf and hashed aclfile, and what StellaOps services do on it, each as its own
 * ACL user with the documented key names: Scanner's and Scheduler's queues (consumer groups,
 * leases claimed after they expire, idempotency keys, dead letters), the Router's fixed-window
 * rate limit as the gateway, the Router's messaging queues as gateway and as a routed service,
 * and the denials between them.
 */
import * as assert from "assert";
import * as fs from "fs";
import type { Valkey } from "iovalkey";
import { CATALOG } from "../../components/catalog";
import type { ServicePlan, ValkeyPlan } from "../../components/valkey/plan";
import { tempDir } from "../support/servers";
import { Server, login, refusal, serverBinary, startServer, testPasswords, testPlan } from "./support";

type Entries = [string, [string, string[]][]][];
const NOPERM = /^NOPERM/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Router's fixed window in one script, as its Lua form runs it: INCR, EXPIRE on the first hit, limited above the cap. */
const FIXED_WINDOW = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then return 0 end
return 1`;

describe("valkey real clients: StellaOps services on the rendered server", function () {
    let plan: ValkeyPlan;
    let passwords: Record<string, string>;
    let server: Server | undefined;
    let dir: string;
    const clients: Valkey[] = [];
    const svc = (name: string): ServicePlan => plan.services.find((s) => s.service === name)!;
    const as = async (name: string): Promise<Valkey> => {
        const c = await login(server!.port, svc(name).user, passwords[svc(name).user]);
        clients.push(c);
        return c;
    };

    before(async function () {
        const bin = serverBinary(this);
        plan = testPlan();
        passwords = testPasswords(plan);
        dir = tempDir("valkey-clients");
        server = await startServer(bin, plan, plan.instances[0], passwords, dir);
    });

    after(async () => {
        for (const c of clients) c.disconnect();
        await server?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** One worker's life on a documented queue: group, enqueue once (idempotent), lease, crash, claim, dead letter, ack. */
    async function queueWork(service: string, stream: string, group: string): Promise<void> {
        const q = svc(service).queues.find((x) => x.stream === stream)!;
        assert.deepEqual([q.group, q.idempotencyPrefix, q.deadLetterStream], [group, `${stream}:idemp:`, `${stream}:dead`], "the published names are the documented ones");
        const producer = await as(service);
        const worker1 = await as(service);
        const worker2 = await as(service);
        assert.equal(await producer.call("XGROUP", "CREATE", stream, group, "$", "MKSTREAM"), "OK");
        assert.match(await refusal(producer.call("XGROUP", "CREATE", stream, group, "$", "MKSTREAM")), /BUSYGROUP/, "a second instance finds the group");

        const ids: string[] = [];
        for (const job of ["job-1", "job-2", "job-1"]) {
            // Enqueue only once per idempotency key (SET NX EX), as the queue clients do.
            if ((await producer.call("SET", `${q.idempotencyPrefix}${job}`, "1", "NX", "EX", 3600)) !== "OK") continue;
            ids.push((await producer.xadd(stream, "*", "job", job, "attempt", "1"))!);
        }
        assert.equal(ids.length, 2, "the repeated job-1 was not enqueued twice");
        assert.ok(((await producer.ttl(`${q.idempotencyPrefix}job-1`)) as number) > 0, "idempotency keys carry a TTL");

        const leased = (await worker1.call("XREADGROUP", "GROUP", group, "worker-1", "COUNT", 10, "BLOCK", 100, "STREAMS", stream, ">")) as Entries;
        assert.deepEqual(leased[0][1].map((e) => e[0]), ids);
        worker1.disconnect(); // worker-1 dies holding both leases
        await sleep(60);

        const claimed = (await worker2.call("XCLAIM", stream, group, "worker-2", 50, ids[0])) as [string, string[]][];
        assert.deepEqual(claimed.map((e) => e[0]), [ids[0]], "XCLAIM takes the expired lease");
        const [, auto] = (await worker2.call("XAUTOCLAIM", stream, group, "worker-2", 50, "0-0")) as [string, [string, string[]][]];
        assert.deepEqual(auto.map((e) => e[0]), [ids[1]], "XAUTOCLAIM sweeps the other");
        const pending = (await worker2.call("XPENDING", stream, group, "-", "+", 10)) as [string, string, number, number][];
        assert.deepEqual(pending.map((p) => [p[0], p[1]]), ids.map((id) => [id, "worker-2"]));

        // job-2 fails for good: dead-lettered, then acknowledged; job-1 succeeds.
        await worker2.xadd(q.deadLetterStream, "*", "job", "job-2", "error", "gave up after 5 attempts", "source", ids[1]);
        assert.equal(await worker2.xack(stream, group, ...ids), 2);
        assert.equal(await worker2.xlen(q.deadLetterStream), 1);
        assert.equal(((await worker2.call("XPENDING", stream, group)) as [number])[0], 0, "nothing left pending");
        assert.equal(await worker2.call("DEL", `${q.idempotencyPrefix}job-1`), 1, "idempotency keys can be cleared");
    }

    it("Scanner: scanner:jobs with group scanner", () => queueWork("scanner", "scanner:jobs", "scanner"));
    it("Scheduler: scheduler:planner with group scheduler", () => queueWork("scheduler", "scheduler:planner", "scheduler"));
    it("Scheduler: scheduler:runner with group scheduler", () => queueWork("scheduler", "scheduler:runner", "scheduler"));
    it("Notify: notify:deliveries with group notifier", () => queueWork("notify", "notify:deliveries", "notifier"));

    it("Router rate limits as the gateway under stella-router-rate-limit: INCR + EXPIRE, and the script form", async () => {
        const gw = await as("gateway");
        const bucket = svc("gateway").sharedKeys.routerRateLimit;
        assert.equal(bucket, "stella-router-rate-limit");
        const window = `${bucket}:instance:client-1:${Math.floor(Date.now() / 60000)}`;
        const counts: number[] = [];
        for (let i = 0; i < 3; i++) {
            const [[, n]] = (await gw.multi().incr(window).expire(window, 60, "NX").exec()) as [[null, number], [null, number]];
            counts.push(n);
        }
        assert.deepEqual(counts, [1, 2, 3]);
        assert.ok(((await gw.ttl(window)) as number) > 0, "every window counter expires");
        const scripted = `${bucket}:route:/api/scans:client-2`;
        const verdicts: unknown[] = [];
        for (let i = 0; i < 3; i++) verdicts.push(await gw.eval(FIXED_WINDOW, 1, scripted, 2, 60));
        assert.deepEqual(verdicts, [1, 1, 0], "cap 2: the third request in the window is limited");
    });

    it("Router messaging: a routed service says HELLO, the gateway routes a request, the service answers", async () => {
        const gw = await as("gateway");
        const scanner = await as("scanner");
        const keys = svc("scanner").sharedKeys;
        const requests = keys["routerRequests-scanner"];
        assert.deepEqual([keys.routerGatewayRequests, keys.routerGatewayResponses, requests], ["stella:router:gateway:requests", "stella:router:gateway:responses", "stella:router:scanner:requests"]);
        for (const [c, q, g] of [[gw, keys.routerGatewayRequests, "gateway"], [gw, keys.routerGatewayResponses, "gateway"], [scanner, requests, "scanner"]] as const) {
            assert.equal(await c.call("XGROUP", "CREATE", q, g, "$", "MKSTREAM"), "OK");
        }
        await scanner.xadd(keys.routerGatewayRequests, "*", "type", "HELLO", "service", "scanner", "instance", "scanner-0");
        const hello = (await gw.call("XREADGROUP", "GROUP", "gateway", "gw-0", "COUNT", 1, "STREAMS", keys.routerGatewayRequests, ">")) as Entries;
        assert.equal(hello[0][1][0][1][1], "HELLO");
        await gw.xack(keys.routerGatewayRequests, "gateway", hello[0][1][0][0]);

        assert.equal(await gw.call("SET", `${requests}:idemp:req-1`, "1", "NX", "EX", 60), "OK", "request idempotency under the queue");
        await gw.xadd(requests, "*", "type", "REQUEST", "id", "req-1", "path", "/api/scans");
        const req = (await scanner.call("XREADGROUP", "GROUP", "scanner", "scanner-0", "COUNT", 1, "STREAMS", requests, ">")) as Entries;
        assert.equal(req[0][1][0][1][3], "req-1");
        await scanner.xadd(keys.routerGatewayResponses, "*", "type", "RESPONSE", "id", "req-1", "status", "200");
        assert.equal(await scanner.xack(requests, "scanner", req[0][1][0][0]), 1);
        const res = (await gw.call("XREADGROUP", "GROUP", "gateway", "gw-0", "COUNT", 1, "STREAMS", keys.routerGatewayResponses, ">")) as Entries;
        assert.deepEqual(res[0][1][0][1].slice(0, 4), ["type", "RESPONSE", "id", "req-1"]);
    });

    it("refuses every service on other services' namespaces and on shared keys it is not a user of (NOPERM)", async () => {
        const problems: string[] = [];
        let checks = 0;
        const expectNoperm = async (who: string, what: string, p: Promise<unknown>) => {
            checks++;
            const msg = await refusal(p);
            if (!NOPERM.test(msg)) problems.push(`${who} ${what}: ${msg}`);
        };
        for (const a of plan.services) {
            const c = await as(a.service);
            for (const b of plan.services.filter((x) => x !== a)) {
                for (const key of [`${b.namespace}x`, ...b.queues.flatMap((q) => [q.stream, `${q.idempotencyPrefix}1`, q.deadLetterStream])]) {
                    await expectNoperm(a.service, `SET ${key}`, c.call("SET", key, "1", "NX", "EX", 10));
                    await expectNoperm(a.service, `XADD ${key}`, c.xadd(key, "*", "f", "v"));
                    await expectNoperm(a.service, `XREADGROUP ${key}`, c.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", key, ">"));
                }
            }
            for (const k of CATALOG.sharedKeys.filter((x) => !(x.key in a.sharedKeys))) {
                await expectNoperm(a.service, `XADD ${k.prefix}`, c.xadd(k.prefix, "*", "f", "v"));
                await expectNoperm(a.service, `INCR ${k.prefix}:x`, c.incr(`${k.prefix}:x`));
            }
        }
        const scheduler = await as("scheduler");
        await expectNoperm("scheduler", "XADD on scanner's request queue", scheduler.xadd("stella:router:scanner:requests", "*", "type", "REQUEST"));
        const concelier = await as("concelier");
        await expectNoperm("concelier", "INCR on the rate-limit bucket", concelier.incr("stella-router-rate-limit:instance:x"));
        assert.ok(checks > plan.services.length * (plan.services.length - 1) * 3, `only ${checks} checks`);
        assert.deepEqual(problems, []);
    });
});
