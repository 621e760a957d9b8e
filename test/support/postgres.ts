/**
 * A throwaway PostgreSQL for tests: initdb into a temp dir, listen on a free loopback port,
 * password (SCRAM) authentication for every TCP connection, stopped in after().
 * Runs as the `postgres` OS user when the tests run as root (initdb refuses root).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client, ClientConfig } from "pg";
import { Proc, findBinary, freePort, startProcess, tempDir, waitFor } from "./servers";

export interface PgServer {
    readonly port: number;
    readonly superuser: string;
    readonly superPassword: string;
    readonly dir: string;
    connect(opts?: Partial<ClientConfig>): Promise<Client>;
    /** Runs psql as the superuser; returns stdout, throws with stderr on failure. */
    psql(args: readonly string[], env?: NodeJS.ProcessEnv): string;
    stop(): Promise<void>;
}

function pgBinDir(): string | undefined {
    const root = "/usr/lib/postgresql";
    const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
    for (const v of versions) if (fs.existsSync(path.join(root, v, "bin", "initdb"))) return path.join(root, v, "bin");
    const initdb = findBinary("initdb");
    return initdb ? path.dirname(fs.realpathSync(initdb)) : undefined;
}

/** The PostgreSQL bin dir, or fail (CI) / skip (local) when PostgreSQL is not installed. */
export function requirePostgres(ctx: Mocha.Context): string {
    const bin = pgBinDir();
    if (bin) return bin;
    if (process.env.CI === "true") throw new Error("PostgreSQL (initdb) is not installed; CI must install it (see .ci/run)");
    ctx.skip();
}

function osUser(): { uid?: number; gid?: number } {
    if (process.getuid?.() !== 0) return {};
    const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
    const uid = id("-u");
    if (!Number.isInteger(uid) || uid === 0) throw new Error("running as root needs the `postgres` OS user (installed with the postgresql package)");
    return { uid, gid: id("-g") };
}

export async function startPostgres(bin: string): Promise<PgServer> {
    const dir = tempDir("pg");
    const user = osUser();
    const data = path.join(dir, "data");
    const superuser = "postgres";
    const superPassword = `super-${Math.random().toString(36).slice(2)}`;
    fs.writeFileSync(path.join(dir, "pw"), superPassword);
    if (user.uid !== undefined) spawnSync("chown", ["-R", `${user.uid}:${user.gid}`, dir]);
    const init = spawnSync(path.join(bin, "initdb"), ["-D", data, "-U", superuser, "--pwfile", path.join(dir, "pw"), "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"], {
        encoding: "utf8",
        ...user,
    });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    fs.rmSync(path.join(dir, "pw"));
    const port = await freePort();
    const server: Proc = startProcess(path.join(bin, "postgres"), ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir, "-c", "fsync=off", "-c", "max_connections=200"], {
        ...user,
        env: { HOME: os.tmpdir() },
        stopSignal: "SIGINT", // fast shutdown
    });
    const connect = async (opts: Partial<ClientConfig> = {}) => {
        const c = new Client({ host: "127.0.0.1", port, user: superuser, password: superPassword, database: "postgres", ...opts });
        await c.connect();
        return c;
    };
    await waitFor("postgres to accept connections", async () => {
        const c = await connect();
        await c.end();
        return true;
    });
    const psqlBin = path.join(bin, "psql");
    return {
        port,
        superuser,
        superPassword,
        dir,
        connect,
        psql(args, env = {}) {
            const r = spawnSync(psqlBin, ["-X", "-h", "127.0.0.1", "-p", String(port), "-U", superuser, ...args], {
                encoding: "utf8",
                env: { ...process.env, PGPASSWORD: superPassword, ...env },
            });
            if (r.status !== 0) throw new Error(`psql exited ${r.status}: ${r.stderr}`);
            return r.stdout;
        },
        async stop() {
            await server.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
