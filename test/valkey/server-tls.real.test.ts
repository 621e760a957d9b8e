/**
 * The rendered TLS configuration on a real server with a throwaway certificate, and the
 * container health check (probe user, PING) run as the containers run it, with and without TLS.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Valkey } from "iovalkey";
import { PROBE_PASSWORD_ENV, probeCommand } from "../../components/valkey/render";
import type { ValkeyPlan } from "../../components/valkey/plan";
import { findBinary, requireBinary, tempDir } from "../support/servers";
import { Server, refusal, serverBinary, startServer, testPasswords, testPlan } from "./support";

/** Runs the health check with the local CLI standing in for valkey-cli; true when healthy. */
function probe(ctx: Mocha.Context, plan: ValkeyPlan, port: number, password: string): boolean {
    const cli = findBinary("valkey-cli") ?? requireBinary(ctx, "redis-cli", ["/usr/bin/redis-cli"]);
    const [sh, flag, script] = probeCommand(plan, { port });
    const r = spawnSync(sh, [flag, script.replace(/^valkey-cli /, `${cli} `)], { env: { ...process.env, [PROBE_PASSWORD_ENV]: password }, timeout: 10000 });
    return r.status === 0;
}

describe("valkey server: TLS and the health check", function () {
    const servers: Server[] = [];
    const dirs: string[] = [];
    const clients: Valkey[] = [];
    let bin: string;

    before(function () {
        bin = serverBinary(this);
    });

    after(async () => {
        for (const c of clients) c.disconnect();
        for (const s of servers) await s.stop();
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it("passes the health check only with the probe user's password", async function () {
        const plan = testPlan();
        const pw = testPasswords(plan);
        const dir = tempDir("valkey-probe");
        dirs.push(dir);
        const s = await startServer(bin, plan, plan.instances[0], pw, dir);
        servers.push(s);
        assert.equal(probe(this, plan, s.port, pw[plan.probe]), true);
        assert.equal(probe(this, plan, s.port, "wrong"), false);
    });

    it("serves TLS only: service users log in over TLS, plaintext is refused, the TLS health check passes", async function () {
        const openssl = requireBinary(this, "openssl");
        const plan = testPlan({ tls: true });
        const pw = testPasswords(plan);
        const dir = tempDir("valkey-tls");
        dirs.push(dir);
        const made = spawnSync(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "tls.key"), "-out", path.join(dir, "tls.crt")]);
        assert.equal(made.status, 0, String(made.stderr));
        const s = await startServer(bin, plan, plan.instances[0], pw, dir);
        servers.push(s);
        const gateway = plan.services.find((x) => x.service === "gateway")!;
        const ca = fs.readFileSync(path.join(dir, "tls.crt"));

        const secure = new Valkey({ host: "127.0.0.1", port: s.port, username: gateway.user, password: pw[gateway.user], tls: { ca }, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
        clients.push(secure);
        await secure.connect();
        assert.equal(await secure.call("SET", `${gateway.prefixes.cache}t:k`, "v", "EX", 60), "OK");
        assert.match(await refusal(secure.get(`${plan.services[0].prefixes.cache}t:k`)), /^NOPERM/);

        const plain = new Valkey({ host: "127.0.0.1", port: s.port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000, commandTimeout: 2000 });
        clients.push(plain);
        plain.on("error", () => undefined);
        assert.doesNotMatch(await refusal(plain.connect().then(() => plain.ping())), /^accepted/, "no plaintext service on the TLS port");

        assert.equal(probe(this, plan, s.port, pw[plan.probe]), true);
    });
});
