/**
 * What the engine created, checked on the servers themselves: the PostgreSQL privilege matrix,
 * the live access state against what ServiceSchemas registers, and Valkey ACL isolation.
 */
import { Valkey } from "iovalkey";
import { Client } from "pg";
import { ServiceSchemas } from "../../components/postgres/service-schemas";
import type { PostgresPlan } from "../../components/postgres/plan";
import { liveState, recordedState } from "../../test/postgres/catalog-state";
import type { PgServer } from "../../test/support/postgres";
import { installMocks, recordedResources, resetResources, settle } from "../offline/recorder";
import { E2eError } from "./engine";

export interface PgService {
    readonly role: string;
    readonly schema: string;
    readonly database: string;
    readonly password: string;
}
export interface ValkeyService {
    readonly user: string;
    readonly password: string;
    readonly prefixes: Record<string, string>;
}
/** `pulumi stack output --show-secrets --json` of tools/e2e/program.ts. */
export interface Outputs {
    readonly postgres: Record<string, PgService>;
    readonly valkey: Record<string, ValkeyService>;
    readonly tsNode: { readonly swc: boolean; readonly transpileOnly: boolean };
}

export function check(ok: boolean, what: string): void {
    if (!ok) throw new E2eError(`assertion failed: ${what}`);
}

async function denied(p: Promise<unknown>, what: string): Promise<void> {
    try {
        await p;
    } catch (err) {
        const e = err as { code?: string; message: string };
        check(e.code === "42501", `${what}: expected SQLSTATE 42501, got ${e.code} ${e.message}`);
        return;
    }
    throw new E2eError(`assertion failed: ${what}: expected SQLSTATE 42501, but it succeeded`);
}

/** Each service role: CREATE/INSERT/SELECT in its own schema; 42501 elsewhere and on CREATE in public. Returns checks done. */
export async function privilegeMatrix(pg: PgServer, out: Outputs): Promise<number> {
    const services = Object.entries(out.postgres);
    const clients = new Map<string, Client>();
    let n = 0;
    try {
        for (const [name, s] of services) clients.set(name, await pg.connect({ user: s.role, password: s.password, database: s.database }));
        for (const [name, s] of services) {
            const c = clients.get(name)!;
            await c.query(`CREATE TABLE probe (id int PRIMARY KEY, note text)`); // unqualified: its search_path
            await c.query(`INSERT INTO probe VALUES (1, $1)`, [name]);
            const { rows } = await c.query(`SELECT note FROM ${s.schema}.probe`);
            check(rows.length === 1 && rows[0].note === name, `${name} reads back its row in ${s.schema}`);
            n += 3;
        }
        for (const [name] of services) {
            const c = clients.get(name)!;
            for (const [otherName, other] of services) {
                if (otherName === name) continue;
                await denied(c.query(`SELECT * FROM ${other.schema}.probe`), `${name} SELECT ${other.schema}`);
                await denied(c.query(`INSERT INTO ${other.schema}.probe VALUES (2, 'x')`), `${name} INSERT ${other.schema}`);
                await denied(c.query(`CREATE TABLE ${other.schema}.intruder (id int)`), `${name} CREATE ${other.schema}`);
                n += 3;
            }
            await denied(c.query(`CREATE TABLE public.x_${name} (id int)`), `${name} CREATE public`);
            n++;
        }
    } finally {
        for (const c of clients.values()) await c.end().catch(() => undefined);
    }
    return n;
}

/** The read-only role of each schema reads a table its service creates after `up` (default privileges), and cannot write. */
export async function readOnlyRoles(pg: PgServer, out: Outputs, rolePrefix: string): Promise<number> {
    const admin = await pg.connect({ database: Object.values(out.postgres)[0].database });
    let n = 0;
    try {
        for (const [name, s] of Object.entries(out.postgres)) {
            const reader = `${rolePrefix}${s.schema}_read`;
            const user = `e2e_reader_${name}`;
            await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD 'r' IN ROLE ${reader}`);
            const svc = await pg.connect({ user: s.role, password: s.password, database: s.database });
            const r = await pg.connect({ user, password: "r", database: s.database });
            try {
                await svc.query(`CREATE TABLE later (id int)`);
                await svc.query(`INSERT INTO later VALUES (7)`);
                const { rows } = await r.query(`SELECT id FROM ${s.schema}.later`);
                check(rows.length === 1 && rows[0].id === 7, `${reader} SELECTs ${s.schema}.later created after up`);
                await denied(r.query(`INSERT INTO ${s.schema}.later VALUES (8)`), `${reader} INSERT`);
                n += 2;
            } finally {
                await r.end();
                await svc.end();
                await admin.query(`DROP ROLE ${user}`);
            }
        }
    } finally {
        await admin.end();
    }
    return n;
}

/**
 * Live roles, memberships, owners, grants and default privileges equal the description of the
 * resources ServiceSchemas registers under mocks for the same plan (test/postgres/postgres.real.test.ts
 * proves bootstrap.sql yields that same description), so engine, component and bootstrap.sql agree.
 */
export async function compareLiveState(pg: PgServer, plan: PostgresPlan, rolePrefix: string): Promise<number> {
    await installMocks("stellaops-e2e", "mocks");
    resetResources();
    new ServiceSchemas("agree", { plan, host: "h", port: 5432, sslMode: "disable" });
    await settle();
    const owners = new Map<string, string>();
    const recorded = recordedResources();
    for (const r of recorded) if (r.type === "postgresql:index/schema:Schema" && r.inputs.owner) owners.set(String(r.inputs.name), String(r.inputs.owner));
    const expected = recordedState(recorded, (s) => owners.get(s));
    const su = await pg.connect({ database: plan.database });
    try {
        const live = await liveState(su, plan.database, rolePrefix, pg.admin.user);
        const missing = expected.filter((l) => !live.includes(l));
        const extra = live.filter((l) => !expected.includes(l));
        check(missing.length === 0 && extra.length === 0, `live state equals the component's\n  missing: ${missing.join("\n    ")}\n  extra: ${extra.join("\n    ")}`);
        return live.length;
    } finally {
        await su.end();
    }
}

function client(port: number, user?: string, password?: string): Valkey {
    const c = new Valkey({ host: "127.0.0.1", port, username: user, password, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on("error", () => undefined);
    return c;
}

async function refusal(p: Promise<unknown>): Promise<string> {
    try {
        return `accepted: ${JSON.stringify(await p)}`;
    } catch (err) {
        return (err as Error).message;
    }
}

const keyOf = (s: ValkeyService) => `${s.prefixes.cache ?? Object.values(s.prefixes)[0]}e2e`;

/** Each service user SETs under its own prefix and gets NOPERM on another's; the default user cannot log in. */
export async function valkeyIsolation(port: number, out: Outputs): Promise<number> {
    const services = Object.values(out.valkey);
    let n = 0;
    for (const [i, s] of services.entries()) {
        const other = services[(i + 1) % services.length];
        const c = client(port, s.user, s.password);
        try {
            await c.connect();
            check((await c.set(keyOf(s), "v", "EX", 60)) === "OK", `${s.user} SET ${keyOf(s)}`);
            const r = await refusal(c.set(keyOf(other), "v", "EX", 60));
            check(/NOPERM/.test(r), `${s.user} SET ${keyOf(other)}: expected NOPERM, got ${r}`);
            n += 2;
        } finally {
            c.disconnect();
        }
    }
    const d = client(port);
    try {
        const r = await refusal(d.connect().then(() => d.ping()));
        check(/WRONGPASS|NOAUTH|NOPERM|disabled/i.test(r), `default user must not log in, got ${r}`);
    } finally {
        d.disconnect();
    }
    return n + 1;
}

/** ACL user names on the server (as the admin). */
export async function aclUsers(port: number, user: string, password: string): Promise<string[]> {
    const c = client(port, user, password);
    try {
        await c.connect();
        return ((await c.call("ACL", "USERS")) as string[]).sort();
    } finally {
        c.disconnect();
    }
}
