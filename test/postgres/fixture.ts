/**
 * One real PostgreSQL of a given version, bootstrapped from the plan by a superuser or by a
 * managed-service admin, with the passwords the ServiceSchemas component outputs (under mocks)
 * so services log in with the component's own Npgsql connection strings.
 */
import { Client, ClientConfig } from "pg";
import * as fs from "fs";
import * as path from "path";
import { PostgresPlan, PostgresPlanOptions, planPostgres } from "../../components/postgres/plan";
import { passwordVariable, renderBootstrapSql } from "../../components/postgres/sql";
import { ServiceSchemas } from "../../components/postgres/service-schemas";
import { resetResources, resources, value } from "../harness";
import { AdminKind, PgInstall, PgServer, startPostgres } from "../support/postgres";
import { liveState, recordedState } from "./catalog-state";
import { OPTIONS } from "./plan.test";

/** Npgsql keyword string to node-pg settings (Search Path and Options travel as startup options). */
export function npgsqlToPg(cs: string): ClientConfig {
    const kv = new Map<string, string>();
    for (const m of cs.matchAll(/([^=;]+)=("(?:[^"]|"")*"|[^;]*)(;|$)/g)) {
        kv.set(m[1].trim().toLowerCase(), m[2].startsWith('"') ? m[2].slice(1, -1).replace(/""/g, '"') : m[2]);
    }
    const ssl = kv.get("ssl mode");
    const options = [kv.get("options"), kv.has("search path") ? `-c search_path=${kv.get("search path")}` : undefined].filter(Boolean).join(" ");
    return {
        host: kv.get("host"),
        port: Number(kv.get("port")),
        database: kv.get("database"),
        user: kv.get("username"),
        password: kv.get("password"),
        ssl: ssl === "Disable" ? false : { rejectUnauthorized: ssl === "VerifyCA" || ssl === "VerifyFull" },
        options: options || undefined,
    };
}

export interface Logins {
    /** Per service: Npgsql connection string, DSN, role, schema. */
    readonly services: Record<string, { connectionString: string; dsn: string; role: string; schema: string; password: string }>;
    readonly migrator: { role: string; password: string; dsn: string; connectionStrings: Record<string, string> };
    /** What ServiceSchemas registered, as catalog-state lines. */
    readonly recorded: string[];
}

/** The component under mocks for this server: its outputs and its recorded state. */
export async function componentFor(port: number, options: PostgresPlanOptions): Promise<Logins> {
    resetResources();
    const c = new ServiceSchemas("fixture", { plan: planPostgres(options), host: "127.0.0.1", port, sslMode: "disable" });
    await value(c.database);
    const services: Logins["services"] = {};
    for (const [name, s] of Object.entries(c.services)) {
        services[name] = { connectionString: await value(s.connectionString), dsn: await value(s.dsn), role: s.role, schema: s.schema, password: await value(s.password) };
    }
    const connectionStrings: Record<string, string> = {};
    for (const [name, cs] of Object.entries(c.migrator.connectionStrings)) connectionStrings[name] = await value(cs);
    const migrator = { role: c.migrator.role, password: await value<string>(c.migrator.password), dsn: await value<string>(c.migrator.dsn), connectionStrings };
    const plan = planPostgres(options);
    const owners = new Map(plan.schemas.map((s) => [s.name, s.owner]));
    return { services, migrator, recorded: recordedState(await resources(), (s) => owners.get(s)) };
}

export interface Bootstrapped {
    readonly pg: PgServer;
    readonly plan: PostgresPlan;
    readonly logins: Logins;
    readonly sqlFile: string;
    /** Applies bootstrap.sql as the admin (superuser or managed). */
    apply(): string;
    /** Live catalog-state lines. */
    state(): Promise<string[]>;
    /** A client logged in as the service, from its Npgsql connection string. */
    asService(service: string): Promise<Client>;
    stop(): Promise<void>;
}

export async function bootstrap(install: PgInstall, admin: AdminKind, base: PostgresPlanOptions = OPTIONS): Promise<Bootstrapped> {
    const pg = await startPostgres(install, { admin });
    const options = { ...base, adminSuperuser: admin === "superuser" };
    const plan = planPostgres(options);
    const logins = await componentFor(pg.port, options);
    const sqlFile = path.join(pg.dir, "bootstrap.sql");
    fs.writeFileSync(sqlFile, renderBootstrapSql(plan));
    const clients: Client[] = [];
    const passwordOf = (role: string) => (role === logins.migrator.role ? logins.migrator.password : Object.values(logins.services).find((s) => s.role === role)!.password);
    const vars = plan.roles.filter((r) => r.login).flatMap((r) => ["-v", `${passwordVariable(r)}=${passwordOf(r.name)}`]);
    return {
        pg,
        plan,
        logins,
        sqlFile,
        apply: () => pg.psql(["-v", "ON_ERROR_STOP=1", ...vars, "-d", "postgres", "-q", "-f", sqlFile], pg.admin),
        async state() {
            const c = await pg.connect({ database: plan.database });
            try {
                return await liveState(c, plan.database, options.rolePrefix, pg.admin.user);
            } finally {
                await c.end();
            }
        },
        async asService(service) {
            const c = new Client(npgsqlToPg(logins.services[service].connectionString));
            await c.connect();
            clients.push(c);
            return c;
        },
        async stop() {
            for (const c of clients) await c.end().catch(() => undefined);
            await pg.stop();
        },
    };
}

/** Asserts SQLSTATE 42501 (insufficient_privilege) or the given code. */
export async function expectDenied(p: Promise<unknown>, what: string, code = "42501"): Promise<void> {
    try {
        await p;
    } catch (err) {
        const e = err as { code?: string; message: string };
        if (e.code !== code) throw new Error(`${what}: expected SQLSTATE ${code}, got ${e.code} ${e.message}`);
        return;
    }
    throw new Error(`${what}: expected SQLSTATE ${code}, but it succeeded`);
}
