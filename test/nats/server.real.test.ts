/**
 * The rendered nats-server.conf on a real nats-server: accepted by `-t` in every form, JetStream
 * healthy with the configured limits, no anonymous access and no login for services without
 * streams, the operator in the system account, account limits enforced.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NatsError, StorageType } from "nats";
import { CATALOG } from "../../components/catalog";
import { natsUsers, planNats } from "../../components/nats/plan";
import { renderNatsConf } from "../../components/nats/render";
import { checkConfig, natsVersion, NatsTestServer, requireNatsServer, startNats } from "./server-support";

const MIB = 1024 * 1024;
const OPTIONS = { maxMemoryStoreMb: 64, maxFileStoreMb: 256, volumeMb: 1024 };

async function rejectsWith(p: Promise<unknown>, code: string, what: string): Promise<void> {
    await assert.rejects(p, (err: NatsError) => {
        assert.strictEqual(err.code, code, `${what}: expected ${code}, got ${err.code} ${err.message}`);
        return true;
    });
}

describe("nats-server with the rendered config", function () {
    this.timeout(30000);
    let nats: NatsTestServer;

    before(async function () {
        nats = await startNats(requireNatsServer(this), OPTIONS);
    });

    after(async () => {
        await nats?.stop();
    });

    it("accepts both forms with -t; the offline form needs every hash, quoted, in the environment", () => {
        assert.match(natsVersion(nats.bin), /v2\.(9|1\d)\./);
        assert.ok(checkConfig(nats.bin, nats.confFile).ok, checkConfig(nats.bin, nats.confFile).output);
        const offline = path.join(nats.dir, "offline.conf");
        fs.writeFileSync(offline, renderNatsConf(nats.plan, nats.layout));
        const env = Object.fromEntries(natsUsers(nats.plan).map((u) => [u.passwordVar, JSON.stringify(nats.hashes[u.user])]));
        assert.ok(checkConfig(nats.bin, offline, env).ok, checkConfig(nats.bin, offline, env).output);
        const { SCANNER_PASSWORD_BCRYPT: _missing, ...partial } = env;
        const without = checkConfig(nats.bin, offline, partial);
        assert.ok(!without.ok && without.output.includes("SCANNER_PASSWORD_BCRYPT"), `a missing hash must fail closed: ${without.output}`);
    });

    it("accepts the TLS form with a certificate and key", function () {
        const dir = path.join(nats.dir, "tls");
        fs.mkdirSync(dir);
        const openssl = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=nats", "-keyout", `${dir}/tls.key`, "-out", `${dir}/tls.crt`];
        const made = spawnSync("openssl", openssl, { encoding: "utf8" });
        if (made.status !== 0) return process.env.CI === "true" ? assert.fail(`openssl: ${made.stderr}`) : this.skip();
        const file = path.join(nats.dir, "tls.conf");
        fs.writeFileSync(file, renderNatsConf(planNats({ ...OPTIONS, tls: true }, CATALOG), { ...nats.layout, tlsDir: dir }, nats.hashes));
        const r = checkConfig(nats.bin, file);
        assert.ok(r.ok, r.output);
    });

    it("reports JetStream enabled on the health endpoint, with the limits and store from the config", async () => {
        const health = await fetch(`${nats.monitor}/healthz?js-enabled-only=true`);
        assert.strictEqual(health.status, 200);
        assert.deepStrictEqual(await health.json(), { status: "ok" });
        const varz = (await (await fetch(`${nats.monitor}/varz`)).json()) as { jetstream: { config: { max_memory: number; max_storage: number; store_dir: string } } };
        assert.strictEqual(varz.jetstream.config.max_memory, nats.plan.jetstream.maxMemoryBytes);
        assert.strictEqual(varz.jetstream.config.max_storage, nats.plan.jetstream.maxFileBytes);
        assert.strictEqual(path.resolve(varz.jetstream.config.store_dir, ".."), path.resolve(nats.layout.storeDir!));
    });

    it("refuses clients without credentials, with a wrong password, another user's password, or as notify", async () => {
        await rejectsWith(nats.login("", ""), "AUTHORIZATION_VIOLATION", "anonymous");
        await rejectsWith(nats.login("scanner", "wrong"), "AUTHORIZATION_VIOLATION", "wrong password");
        await rejectsWith(nats.login("scanner", nats.passwords.scheduler), "AUTHORIZATION_VIOLATION", "another user's password");
        for (const pw of ["", "notify", nats.passwords.scanner]) await rejectsWith(nats.login("notify", pw), "AUTHORIZATION_VIOLATION", "notify has no user");
    });

    it("lets the operator reach the system account, and only the operator", async () => {
        const nc = await nats.login(nats.plan.system.user);
        try {
            const reply = await nc.request("$SYS.REQ.SERVER.PING.VARZ", new Uint8Array(), { timeout: 5000 });
            assert.strictEqual((reply.json() as { server: { name: string } }).server.name, nats.layout.serverName);
        } finally {
            await nc.close();
        }
        const scanner = await nats.login("scanner");
        try {
            await rejectsWith(scanner.request("$SYS.REQ.SERVER.PING", new Uint8Array(), { timeout: 2000 }), "PERMISSIONS_VIOLATION", "system requests");
        } finally {
            await scanner.close();
        }
    });

    for (const a of planNats(OPTIONS, CATALOG).accounts) {
        it(`${a.service}: has its account limits and is refused a stream over them`, async () => {
            const nc = await nats.login(a.user);
            try {
                const jsm = await nc.jetstreamManager();
                const info = await jsm.getAccountInfo();
                assert.deepStrictEqual([info.limits.max_memory, info.limits.max_storage, info.limits.max_streams], [a.jetstream.maxMemoryBytes, a.jetstream.maxFileBytes, a.streams.length]);
                const s = a.streams[0];
                await assert.rejects(jsm.streams.add({ name: s.name, subjects: [s.subject], storage: StorageType.File, max_bytes: a.jetstream.maxFileBytes + MIB }), /insufficient storage resources/);
                await assert.rejects(jsm.streams.add({ name: s.name, subjects: [s.subject], storage: StorageType.Memory, max_bytes: a.jetstream.maxMemoryBytes + MIB }), /insufficient memory resources/);
            } finally {
                await nc.close();
            }
        });
    }
});
