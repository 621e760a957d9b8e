/**
 * The rendered nats-server.conf on a real nats-server: accepted by `-t` in both forms, no
 * anonymous access, each service confined to its subjects and streams, account limits enforced,
 * JetStream reported healthy, the operator in the system account.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AckPolicy, NatsConnection, NatsError, StorageType } from "nats";
import { NatsAccountPlan, natsUsers, planNats } from "../../components/nats/plan";
import { renderNatsConf } from "../../components/nats/render";
import { checkConfig, natsVersion, NatsTestServer, requireNatsServer, startNats } from "./server-support";

const MIB = 1024 * 1024;
const OPTIONS = { maxMemoryStoreMb: 64, maxFileStoreMb: 256, volumeMb: 1024, tls: false };

async function rejectsWith(p: Promise<unknown>, code: string, what: string): Promise<void> {
    await assert.rejects(p, (err: NatsError) => {
        assert.strictEqual(err.code, code, `${what}: expected ${code}, got ${err.code} ${err.message}`);
        return true;
    });
}

/** Resolves with the subscription's error (a denied subscription), or undefined once the server answered a ping. */
async function subscribeError(nc: NatsConnection, subject: string): Promise<NatsError | undefined> {
    let error: NatsError | undefined;
    nc.subscribe(subject, { callback: (err) => (error = err ?? error) });
    await nc.flush();
    await nc.flush(); // the server's -ERR for the SUB arrives before the PONG of a later PING
    return error;
}

describe("nats-server with the rendered config", function () {
    this.timeout(30000);
    let nats: NatsTestServer;
    const conns: NatsConnection[] = [];
    const connect = async (user: string) => {
        const nc = await nats.connectAs(user);
        conns.push(nc);
        return nc;
    };

    before(async function () {
        nats = await startNats(requireNatsServer(this), OPTIONS);
    });

    after(async () => {
        for (const nc of conns) await nc.close().catch(() => undefined);
        await nats?.stop();
    });

    it("accepts both forms with -t; the offline form needs every hash, quoted, in the environment", () => {
        assert.match(natsVersion(nats.bin), /v2\.(9|1\d)\./);
        assert.ok(checkConfig(nats.bin, nats.confFile).ok, checkConfig(nats.bin, nats.confFile).output);
        const offline = path.join(nats.dir, "offline.conf");
        fs.writeFileSync(offline, renderNatsConf(nats.plan));
        const env = Object.fromEntries(natsUsers(nats.plan).map((u) => [u.passwordVar, JSON.stringify(nats.hashes[u.user])]));
        assert.ok(checkConfig(nats.bin, offline, env).ok, checkConfig(nats.bin, offline, env).output);
        const { SCANNER_PASSWORD_BCRYPT: _missing, ...partial } = env;
        const without = checkConfig(nats.bin, offline, partial);
        assert.ok(!without.ok && without.output.includes("SCANNER_PASSWORD_BCRYPT"), `a missing hash must fail closed: ${without.output}`);
    });

    it("accepts the TLS form with a certificate and key", function () {
        const cert = path.join(nats.dir, "tls");
        fs.mkdirSync(cert);
        const openssl = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=nats", "-keyout", `${cert}/tls.key`, "-out", `${cert}/tls.crt`];
        const made = spawnSync("openssl", openssl, { encoding: "utf8" });
        if (made.status !== 0) return process.env.CI === "true" ? assert.fail(`openssl: ${made.stderr}`) : this.skip();
        const file = path.join(nats.dir, "tls.conf");
        fs.writeFileSync(file, renderNatsConf(planNats({ ...OPTIONS, serverName: "tls", storeDir: path.join(nats.dir, "tls-store"), tlsDir: cert, tls: true }), nats.hashes));
        const r = checkConfig(nats.bin, file);
        assert.ok(r.ok, r.output);
    });

    it("reports JetStream enabled on the health endpoint, with the limits from config", async () => {
        const health = await fetch(`${nats.monitor}/healthz?js-enabled-only=true`);
        assert.strictEqual(health.status, 200);
        assert.deepStrictEqual(await health.json(), { status: "ok" });
        const varz = (await (await fetch(`${nats.monitor}/varz`)).json()) as { jetstream: { config: { max_memory: number; max_storage: number; store_dir: string } } };
        assert.strictEqual(varz.jetstream.config.max_memory, nats.plan.jetstream.maxMemoryBytes);
        assert.strictEqual(varz.jetstream.config.max_storage, nats.plan.jetstream.maxFileBytes);
        assert.strictEqual(path.resolve(varz.jetstream.config.store_dir, ".."), path.resolve(nats.plan.jetstream.storeDir));
    });

    it("refuses clients without credentials, with a wrong password, or with another user's password", async () => {
        await rejectsWith(nats.connectAs("", ""), "AUTHORIZATION_VIOLATION", "anonymous");
        await rejectsWith(nats.connectAs("scanner", "wrong"), "AUTHORIZATION_VIOLATION", "wrong password");
        await rejectsWith(nats.connectAs("scanner", nats.passwords.scheduler), "AUTHORIZATION_VIOLATION", "another user's password");
    });

    it("lets the operator reach the system account", async () => {
        const nc = await connect(nats.plan.system.user);
        const reply = await nc.request("$SYS.REQ.SERVER.PING.VARZ", new Uint8Array(), { timeout: 5000 });
        assert.strictEqual((reply.json() as { server: { name: string } }).server.name, nats.plan.serverName);
    });

    const plan = planNats({ ...OPTIONS, serverName: "x" });
    for (const account of plan.accounts) describe(`${account.service}`, () => accountTests(account));

    function accountTests(a: NatsAccountPlan): void {
        const others = plan.accounts.filter((o) => o !== a);
        let nc: NatsConnection;
        before(async () => {
            nc = await connect(a.user);
        });

        it("publishes and subscribes on its own subjects", async () => {
            const sub = nc.subscribe(`${a.subjects}.probe.>`, { max: 1 });
            nc.publish(`${a.subjects}.probe.one`, new TextEncoder().encode("hello"));
            for await (const m of sub) assert.strictEqual(m.string(), "hello");
        });

        it("is denied every other service's subjects, and everything else", async () => {
            for (const o of others) {
                await rejectsWith(nc.request(`${o.subjects}.probe`, new Uint8Array(), { timeout: 2000 }), "PERMISSIONS_VIOLATION", `publish to ${o.subjects}`);
                assert.strictEqual((await subscribeError(nc, `${o.subjects}.>`))?.code, "PERMISSIONS_VIOLATION", `subscribe to ${o.subjects}`);
            }
            assert.strictEqual((await subscribeError(nc, ">"))?.code, "PERMISSIONS_VIOLATION", "subscribe to >");
            await rejectsWith(nc.request("$SYS.REQ.SERVER.PING", new Uint8Array(), { timeout: 2000 }), "PERMISSIONS_VIOLATION", "system requests");
        });

        if (!a.jetstream) {
            it("has no JetStream", async () => {
                await rejectsWith(nc.jetstreamManager(), "PERMISSIONS_VIOLATION", "JetStream API");
                const jsz = (await (await fetch(`${nats.monitor}/jsz?accounts=true`)).json()) as { account_details?: { name: string }[] };
                assert.ok(!(jsz.account_details ?? []).some((d) => d.name === a.account), `${a.account} must not have JetStream`);
            });
            return;
        }
        const js = a.jetstream;
        const perStream = Math.floor(js.maxFileBytes / a.streams.length);

        it("has its account limits from config", async () => {
            const info = await (await nc.jetstreamManager()).getAccountInfo();
            assert.deepStrictEqual([info.limits.max_memory, info.limits.max_storage, info.limits.max_streams], [js.maxMemoryBytes, js.maxFileBytes, js.maxStreams]);
        });

        it("is refused a stream over its account limit", async () => {
            const jsm = await nc.jetstreamManager();
            const over = { name: a.streams[0], subjects: [`${a.subjects}.over.>`] };
            await assert.rejects(jsm.streams.add({ ...over, storage: StorageType.File, max_bytes: js.maxFileBytes + MIB }), /insufficient storage resources/);
            await assert.rejects(jsm.streams.add({ ...over, storage: StorageType.Memory, max_bytes: js.maxMemoryBytes + MIB }), /insufficient memory resources/);
        });

        it(`creates ${a.streams.join(", ")} within its limits, publishes, consumes and acks`, async () => {
            const jsm = await nc.jetstreamManager();
            const client = nc.jetstream();
            for (const stream of a.streams) {
                const subject = `${a.subjects}.${stream.toLowerCase()}`;
                await jsm.streams.add({ name: stream, subjects: [`${subject}.>`], storage: StorageType.File, max_bytes: perStream });
                assert.strictEqual((await client.publish(`${subject}.job`, new TextEncoder().encode(stream))).seq, 1);
                await jsm.consumers.add(stream, { durable_name: "worker", ack_policy: AckPolicy.Explicit });
                const m = await (await client.consumers.get(stream, "worker")).next({ expires: 5000 });
                assert.strictEqual(m?.string(), stream);
                assert.ok(await m!.ackAck(), `${stream}: ack confirmed`);
            }
            assert.deepStrictEqual((await jsm.streams.names().next()).sort(), [...a.streams].sort());
        });

        it("is denied other services' streams and stream names it does not own", async () => {
            const jsm = await nc.jetstreamManager();
            for (const name of [...others.flatMap((o) => o.streams), `${a.account}_EXTRA`]) {
                await rejectsWith(jsm.streams.add({ name, subjects: [`${a.subjects}.extra.${name.toLowerCase()}`] }), "PERMISSIONS_VIOLATION", `create ${name}`);
            }
            for (const o of others.filter((x) => x.streams.length > 0)) {
                await rejectsWith(jsm.streams.info(o.streams[0]), "PERMISSIONS_VIOLATION", `info ${o.streams[0]}`);
            }
        });
    }
});
