/**
 * The rendered artifacts run as README says: `npm run render` with `--secrets-from` the stack's
 * outputs (here: the outputs of the dev stack with NATS on, evaluated under mocks, secrets
 * shown), then `redis-server <out>/valkey/valkey.conf`, `nats-server -c <out>/nats/nats-server.conf`
 * and `psql ... -f <out>/postgres/bootstrap.sql`; each service then logs in with its own password.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import Redis from "iovalkey";
import { connect } from "nats";
import { unwrap } from "../harness";
import { evaluateStack } from "../../tools/offline/evaluate";
import { ROOT } from "../../tools/offline/stack-file";
import { PgServer, requirePostgres, startPostgres } from "../support/postgres";
import { Proc, freePort, portOpen, requireBinary, startProcess, tempDir, waitFor } from "../support/servers";

const NATS = { enabled: true, maxMemoryStoreMb: 64, maxFileStoreMb: 256, queueTransport: "nats" };

/** `pulumi stack output --show-secrets --json`: every Output resolved, secrets included. */
async function reveal(value: unknown): Promise<unknown> {
    if (value && typeof value === "object" && "apply" in (value as object)) return reveal((await unwrap(value)).value);
    if (Array.isArray(value)) return Promise.all(value.map(reveal));
    if (value && typeof value === "object") return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await reveal(v)])));
    return value;
}

interface Outputs {
    services: Record<string, { postgres?: { role: string; password: string }; valkey?: { user: string; password: string }; nats?: { user: string; password: string } }>;
    postgresMigrator: { password: string };
}

describe("rendered artifacts run as documented", function () {
    this.timeout(180000);
    let dir: string;
    let out: string;
    let outputs: Outputs;
    const procs: Proc[] = [];
    let pg: PgServer | undefined;

    before(async function () {
        const redisServer = requireBinary(this, "redis-server", ["/usr/bin/redis-server"]);
        const natsServer = requireBinary(this, "nats-server", [path.join(process.env.HOME ?? "", "go/bin/nats-server")]);
        const install = requirePostgres(this, "17");
        dir = tempDir("artifacts");
        out = path.join(dir, "out");
        fs.writeFileSync(path.join(dir, "Pulumi.artifacts.yaml"), `config:\n  stellaops:profile: dev\n  stellaops:nats: ${JSON.stringify(NATS)}\n`);
        const ev = await evaluateStack("artifacts", { bare: true, overrides: { "stellaops:profile": "dev", "stellaops:nats": NATS } });
        outputs = (await reveal(ev.outputs)) as Outputs;
        const outputsFile = path.join(dir, "outputs.json");
        fs.writeFileSync(outputsFile, JSON.stringify(outputs), { mode: 0o600 });

        const [valkeyPort, natsPort] = [await freePort(), await freePort()];
        const render = spawnSync(
            path.join(ROOT, "node_modules/.bin/ts-node"),
            ["--transpile-only", "tools/render.ts", "--stack", "artifacts", "--out", out, "--secrets-from", outputsFile, "--valkey-port", String(valkeyPort), "--nats-port", String(natsPort)],
            { cwd: ROOT, encoding: "utf8", env: { ...process.env, STELLAOPS_STACK_DIR: dir } },
        );
        assert.strictEqual(render.status, 0, render.stderr);
        const written = fs.readdirSync(out, { recursive: true }).map(String);
        for (const f of written.filter((f) => fs.statSync(path.join(out, f)).isFile())) {
            const text = fs.readFileSync(path.join(out, f), "utf8");
            for (const s of Object.values(outputs.services)) for (const login of [s.postgres, s.valkey, s.nats]) if (login) assert.ok(!text.includes(login.password), `${f} holds a plaintext password`);
        }

        procs.push(startProcess(redisServer, [path.join(out, "valkey", "valkey.conf")]));
        procs.push(startProcess(natsServer, ["-c", path.join(out, "nats", "nats-server.conf")]));
        await waitFor("redis-server from the rendered conf", async () => portOpen(valkeyPort), 20000);
        await waitFor("nats-server from the rendered conf", async () => portOpen(natsPort), 20000);
        pg = await startPostgres(install);
    });

    after(async () => {
        for (const p of procs) await p.stop();
        await pg?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("redis-server starts from valkey.conf with every service's real password, and ACLs hold", async () => {
        const conf = fs.readFileSync(path.join(out, "valkey", "valkey.conf"), "utf8");
        const port = Number(/^port (\d+)$/m.exec(conf)![1]);
        const { user, password } = outputs.services.scanner.valkey!;
        const scanner = new Redis({ port, host: "127.0.0.1", username: user, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        try {
            await scanner.connect();
            assert.match(String(await scanner.xadd("scanner:jobs", "*", "job", "1")), /^\d+-\d+$/);
            await assert.rejects(scanner.set("scheduler:planner:idemp:x", "1"), /NOPERM/);
            await assert.rejects(scanner.call("AUTH", user, "not-the-password"), /WRONGPASS/);
        } finally {
            scanner.disconnect();
        }
    });

    it("nats-server starts from nats-server.conf; Scanner logs in with its password, Notify has no login", async () => {
        const conf = fs.readFileSync(path.join(out, "nats", "nats-server.conf"), "utf8");
        const port = Number(/^listen: "127\.0\.0\.1:(\d+)"$/m.exec(conf)![1]);
        const { user, password } = outputs.services.scanner.nats!;
        const nc = await connect({ servers: `127.0.0.1:${port}`, user, pass: password });
        await nc.flush();
        await nc.close();
        assert.strictEqual(outputs.services.notify.nats, undefined);
        await assert.rejects(connect({ servers: `127.0.0.1:${port}`, user, pass: "not-the-password", maxReconnectAttempts: 0 }), /Authorization/i);
    });

    it("bootstrap.sql applies with psql and the passwords from the outputs; every service logs in", async () => {
        const vars = Object.values(outputs.services).flatMap((s) => (s.postgres ? ["-v", `${s.postgres.role.replace(/^stellaops_/, "")}_password=${s.postgres.password}`] : []));
        pg!.psql(["-v", "ON_ERROR_STOP=1", ...vars, "-v", `migrator_password=${outputs.postgresMigrator.password}`, "-d", "postgres", "-q", "-f", path.join(out, "postgres", "bootstrap.sql")]);
        for (const s of Object.values(outputs.services)) {
            if (!s.postgres) continue;
            const c = await pg!.connect({ user: s.postgres.role, password: s.postgres.password, database: "stellaops" });
            assert.strictEqual((await c.query("SELECT current_user AS u")).rows[0].u, s.postgres.role);
            await c.end();
        }
    });
});
