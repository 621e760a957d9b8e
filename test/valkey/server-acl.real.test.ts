/**
 * Real server started from the rendered valkey.conf and aclfile: authentication, each service's
 * own patterns, NOPERM on every other service's prefixes, and no dangerous commands.
 */
import * as assert from "assert";
import * as fs from "fs";
import type { Valkey } from "iovalkey";
import type { ValkeyPattern } from "../../components/catalog";
import type { ServicePlan, ValkeyPlan } from "../../components/valkey/plan";
import { sha256Hex } from "../../components/valkey/render";
import { tempDir } from "../support/servers";
import { SERVICES, Server, TOKEN_BUCKET, connect, login, refusal, serverBinary, startServer, testPasswords, testPlan } from "./support";

const NOPERM = /^NOPERM/;
const DANGEROUS: string[][] = [["FLUSHALL"], ["FLUSHDB"], ["KEYS", "*"], ["CONFIG", "GET", "maxmemory"], ["DEBUG", "SLEEP", "0"], ["SHUTDOWN", "NOSAVE"], ["MODULE", "LIST"]];
/** Also refused: enumerating other services' keys, and changing ACLs. */
const ALSO_REFUSED: string[][] = [["SCAN", "0"], ["RANDOMKEY"], ["ACL", "SETUSER", "someone", "on"], ["ACL", "LIST"]];

describe("valkey server: ACL from the rendered aclfile", function () {
    let plan: ValkeyPlan;
    let passwords: Record<string, string>;
    let server: Server | undefined;
    let dir: string;
    const clients: Valkey[] = [];
    const as = async (user: string): Promise<Valkey> => {
        const c = await login(server!.port, user, passwords[user]);
        clients.push(c);
        return c;
    };
    const svc = (name: string): ServicePlan => plan.services.find((s) => s.service === name)!;

    before(async function () {
        const bin = serverBinary(this);
        plan = testPlan();
        passwords = testPasswords(plan);
        dir = tempDir("valkey-acl");
        server = await startServer(bin, plan, plan.instances[0], passwords, dir);
    });

    after(async () => {
        for (const c of clients) c.disconnect();
        await server?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("holds hashes in the aclfile, never a password", () => {
        const acl = fs.readFileSync(server!.aclPath, "utf8");
        for (const [user, pw] of Object.entries(passwords)) {
            assert.ok(!acl.includes(pw), `plaintext password of ${user} in the aclfile`);
            assert.ok(acl.includes(`#${sha256Hex(pw)}`), `hash of ${user} missing`);
        }
    });

    it("answers NOAUTH to every command before authentication", async () => {
        const c = connect(server!.port);
        clients.push(c);
        await c.connect();
        assert.match(await refusal(c.ping()), /^NOAUTH/);
        assert.match(await refusal(c.get(`${svc("authority").prefixes.cache}t1:k`)), /^NOAUTH/);
    });

    it("never lets the default user log in", async () => {
        const c = connect(server!.port);
        clients.push(c);
        await c.connect();
        assert.match(await refusal(c.call("AUTH", "default", "")), /WRONGPASS/);
        assert.match(await refusal(c.call("AUTH", "default", passwords[plan.operator])), /WRONGPASS/);
        assert.match(await refusal(c.call("AUTH", "anything")), /WRONGPASS/); // one-argument AUTH is the default user
        assert.match(await refusal(c.call("HELLO", "3", "AUTH", "default", "x")), /WRONGPASS/);
        const flags = (await (await as(plan.operator)).call("ACL", "GETUSER", "default")) as unknown[];
        assert.ok((flags[1] as string[]).includes("off"));
    });

    for (const spec of SERVICES) {
        it(`lets ${spec.name} use its own patterns (${spec.valkey.join(", ")})`, async () => {
            const s = svc(spec.name);
            const c = await as(s.user);
            const p = s.prefixes;
            if (p.dpop) {
                const nonce = `${p.dpop}n-1`;
                assert.equal(await c.call("SET", nonce, "jti", "EX", s.ttls.dpopNonce, "NX"), "OK");
                assert.equal(await c.call("SET", nonce, "again", "EX", s.ttls.dpopNonce, "NX"), null, "a nonce is accepted once");
                const ttl = (await c.ttl(nonce)) as number;
                assert.ok(ttl > 0 && ttl <= s.ttls.dpopNonce, `nonce TTL ${ttl}`);
            }
            if (p.cache) {
                const key = `${p.cache}tenant-a:item`;
                assert.equal(await c.call("SET", key, "v", "EX", s.ttls.cache), "OK");
                assert.equal(await c.get(key), "v");
                await c.hset(`${p.cache}tenant-a:obj`, "f", "1");
                assert.equal(await c.expire(`${p.cache}tenant-a:obj`, s.ttls.cache), 1);
            }
            if (p.stream) {
                await c.xadd(`${p.stream}events`, "*", "type", "scan.completed");
                assert.equal(((await c.xrange(`${p.stream}events`, "-", "+")) as unknown[]).length, 1);
                assert.equal(await c.publish(`${s.channels[0]}events`, "hello"), 0);
            }
            if (p.queue) {
                const q = `${p.queue}jobs`;
                assert.equal(await c.call("XGROUP", "CREATE", q, "workers", "$", "MKSTREAM"), "OK");
                const id = await c.xadd(q, "*", "job", "1");
                const read = (await c.call("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "10", "STREAMS", q, ">")) as [string, [string, string[]][]][];
                assert.equal(read[0][1][0][0], id);
                assert.equal(await c.xack(q, "workers", id!), 1);
            }
            if (p.ratelimit) {
                const bucket = `${p.ratelimit}client-1`;
                const now = Date.now();
                const takes: unknown[] = [];
                for (let i = 0; i < 4; i++) takes.push(await c.eval(TOKEN_BUCKET, 1, bucket, 3, 0, now, s.ttls.rateLimitWindow));
                assert.deepEqual(takes, [1, 1, 1, 0], "capacity 3, no refill: the fourth request is limited");
                const ttl = (await c.ttl(bucket)) as number;
                assert.ok(ttl > 0 && ttl <= s.ttls.rateLimitWindow);
            }
        });
    }

    it("answers NOPERM to every service on every other service's prefixes and channels", async () => {
        const problems: string[] = [];
        let checks = 0;
        const expectNoperm = async (who: string, what: string, p: Promise<unknown>) => {
            checks++;
            const msg = await refusal(p);
            if (!NOPERM.test(msg)) problems.push(`${who} ${what}: ${msg}`);
        };
        for (const a of plan.services) {
            const c = await as(a.user);
            const uses = (pt: ValkeyPattern) => pt in a.prefixes;
            for (const b of plan.services.filter((x) => x.service !== a.service)) {
                for (const [pattern, prefix] of Object.entries(b.prefixes)) {
                    const key = `${prefix}x`;
                    await expectNoperm(a.service, `SET ${key}`, c.call("SET", key, "1", "EX", "10"));
                    await expectNoperm(a.service, `GET ${key}`, c.get(key));
                    if (uses("stream") || uses("queue")) await expectNoperm(a.service, `XADD ${key}`, c.xadd(key, "*", "f", "v"));
                    if (uses("ratelimit")) await expectNoperm(a.service, `EVAL on ${key}`, c.eval(TOKEN_BUCKET, 1, key, 3, 1, Date.now(), 60));
                    if (pattern === "stream" && uses("stream")) await expectNoperm(a.service, `PUBLISH ${prefix}events`, c.publish(`${prefix}events`, "x"));
                }
            }
        }
        const pairs = plan.services.reduce((n, a) => n + plan.services.filter((b) => b !== a).reduce((m, b) => m + Object.keys(b.prefixes).length, 0), 0);
        assert.ok(checks >= pairs * 2, `only ${checks} checks for ${pairs} (service, other prefix) pairs`);
        assert.deepEqual(problems, []);
    });

    it("refuses dangerous commands to every service user", async () => {
        const op = await as(plan.operator);
        assert.deepEqual(await op.call("CONFIG", "GET", "maxmemory"), ["maxmemory", String(plan.instances[0].maxmemoryMb * 1024 * 1024)], "the operator may; so refusals below come from the ACL");
        const problems: string[] = [];
        for (const s of plan.services) {
            const c = await as(s.user);
            for (const cmd of [...DANGEROUS, ...ALSO_REFUSED]) {
                const msg = await refusal(c.call(cmd[0], ...cmd.slice(1)));
                // DEBUG is also refused by enable-debug-command no, which the server checks first.
                const ok = NOPERM.test(msg) || (cmd[0] === "DEBUG" && /DEBUG command not allowed/.test(msg));
                if (!ok) problems.push(`${s.service} ${cmd.join(" ")}: ${msg}`);
                const dry = String(await op.call("ACL", "DRYRUN", s.user, ...cmd));
                if (!/no permissions/.test(dry)) problems.push(`${s.service} ACL DRYRUN ${cmd.join(" ")}: ${dry}`);
            }
        }
        assert.deepEqual(problems, []);
        assert.equal(await op.ping(), "PONG", "the server survived SHUTDOWN attempts");
        assert.equal(await op.exists(`${svc("authority").prefixes.cache}tenant-a:item`), 1, "FLUSHALL attempts removed nothing");
    });
});
