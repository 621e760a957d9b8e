/**
 * bootstrap.sql on a real PostgreSQL (started here, on a free loopback port): applied twice,
 * then every service role against every schema, the read-only roles, a realistic migration per
 * service with row-level security, and agreement with what the Pulumi component registers.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { SCHEMAS } from "../../components/catalog";
import { planPostgres } from "../../components/postgres/plan";
import { passwordVariable, renderBootstrapSql } from "../../components/postgres/sql";
import { ServiceSchemas } from "../../components/postgres/service-schemas";
import { resetResources, resources, value } from "../harness";
import { PgServer, requirePostgres, startPostgres } from "../support/postgres";
import { liveState, recordedState } from "./catalog-state";
import { OPTIONS } from "./plan.test";
import { migration } from "./migration";

const plan = planPostgres(OPTIONS);
const logins = plan.roles.filter((r) => r.login);
const passwordOf = (service: string) => `pw-${service}-${process.pid}`;

async function expectDenied(p: Promise<unknown>, what: string): Promise<void> {
    await assert.rejects(p, (err: { code?: string; message: string }) => {
        assert.strictEqual(err.code, "42501", `${what}: expected SQLSTATE 42501, got ${err.code} ${err.message}`);
        return true;
    });
}

describe("bootstrap.sql on a real PostgreSQL", function () {
    this.timeout(120000);
    let pg: PgServer;
    let sqlFile: string;
    const clients = new Map<string, Client>();
    let stateAfterFirst: string[];

    const apply = () => pg.psql(["-v", "ON_ERROR_STOP=1", ...logins.flatMap((r) => ["-v", `${passwordVariable(r)}=${passwordOf(r.service!)}`]), "-d", "postgres", "-q", "-f", sqlFile]);
    const asService = (service: string) => clients.get(service)!;

    before(async function () {
        const bin = requirePostgres(this);
        pg = await startPostgres(bin);
        sqlFile = path.join(pg.dir, "bootstrap.sql");
        fs.writeFileSync(sqlFile, renderBootstrapSql(plan));
    });

    after(async () => {
        for (const c of clients.values()) await c.end().catch(() => undefined);
        await pg?.stop();
    });

    it("applies cleanly, and a second time changes nothing", async () => {
        apply();
        const admin = await pg.connect({ database: OPTIONS.database });
        stateAfterFirst = await liveState(admin, OPTIONS.database, OPTIONS.rolePrefix);
        apply();
        assert.deepStrictEqual(await liveState(admin, OPTIONS.database, OPTIONS.rolePrefix), stateAfterFirst);
        await admin.end();
        for (const r of logins) clients.set(r.service!, await pg.connect({ user: r.name, password: passwordOf(r.service!), database: OPTIONS.database }));
    });

    it("refuses to run without the password variables", () => {
        assert.throws(() => pg.psql(["-v", "ON_ERROR_STOP=1", "-d", "postgres", "-q", "-f", sqlFile]), /missing psql variable authority_password/);
    });

    it("agrees with the roles, grants and default privileges the Pulumi component registers", async () => {
        resetResources();
        const c = new ServiceSchemas("agree", { ...OPTIONS, host: "h", port: 5432, sslMode: "disable" });
        await value(c.database);
        const owners = new Map(plan.schemas.map((s) => [s.name, s.owner]));
        assert.deepStrictEqual(recordedState(await resources(), (s) => owners.get(s)), stateAfterFirst);
    });

    it("lets each service create, write and read in its own schema", async () => {
        for (const s of plan.services) {
            const c = asService(s.service);
            await c.query(`CREATE TABLE probe (id int PRIMARY KEY, note text)`); // unqualified: its search_path
            await c.query(`INSERT INTO probe VALUES (1, $1)`, [s.service]);
            const { rows } = await c.query(`SELECT note FROM ${s.schema}.probe`);
            assert.deepStrictEqual(rows, [{ note: s.service }]);
        }
    });

    it("denies every service SELECT, INSERT and CREATE in every other schema (42501)", async () => {
        let checked = 0;
        for (const me of plan.services) {
            for (const other of plan.services.filter((o) => o.service !== me.service)) {
                const c = asService(me.service);
                await expectDenied(c.query(`SELECT * FROM ${other.schema}.probe`), `${me.service} SELECT ${other.schema}`);
                await expectDenied(c.query(`INSERT INTO ${other.schema}.probe VALUES (2, 'x')`), `${me.service} INSERT ${other.schema}`);
                await expectDenied(c.query(`CREATE TABLE ${other.schema}.intruder (id int)`), `${me.service} CREATE ${other.schema}`);
                checked++;
            }
        }
        assert.strictEqual(checked, SCHEMAS.length * (SCHEMAS.length - 1));
    });

    it("denies CREATE in schema public to every service", async () => {
        for (const s of plan.services) await expectDenied(asService(s.service).query(`CREATE TABLE public.x_${s.service} (id int)`), `${s.service} CREATE public`);
    });

    it("applies connection limit, statement_timeout and search_path to each service role", async () => {
        for (const s of plan.services) {
            const c = asService(s.service);
            const { rows } = await c.query(`SELECT current_setting('statement_timeout') AS st, current_setting('search_path') AS sp, (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user) AS cl`);
            assert.deepStrictEqual(rows[0], { st: "30s", sp: `${s.schema}, ${OPTIONS.extensionsSchema}`, cl: OPTIONS.connectionLimit });
        }
    });

    it("lets the read-only role SELECT tables created after bootstrap, and nothing more", async () => {
        const admin = await pg.connect({ database: OPTIONS.database });
        try {
            for (const s of plan.services) {
                const key = plan.schemas.find((x) => x.service === s.service)!.key;
                const reader = plan.roles.find((r) => r.kind === "readonly" && r.schema === key)!;
                const user = `tmp_reader_${s.service}`;
                await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD 'r' IN ROLE ${reader.name}`);
                await asService(s.service).query(`CREATE TABLE later (id int)`);
                await asService(s.service).query(`INSERT INTO later VALUES (7)`);
                const r = await pg.connect({ user, password: "r", database: OPTIONS.database });
                try {
                    assert.deepStrictEqual((await r.query(`SELECT id FROM ${s.schema}.later`)).rows, [{ id: 7 }]);
                    await expectDenied(r.query(`INSERT INTO ${s.schema}.later VALUES (8)`), `${user} INSERT`);
                    await expectDenied(r.query(`CREATE TABLE ${s.schema}.x (id int)`), `${user} CREATE`);
                    const other = plan.services.find((o) => o.service !== s.service)!;
                    await expectDenied(r.query(`SELECT * FROM ${other.schema}.probe`), `${user} SELECT ${other.schema}`);
                } finally {
                    await r.end();
                }
            }
        } finally {
            await admin.end();
        }
    });

    it("runs a realistic migration as each service role, with row-level security that filters", async () => {
        for (const s of plan.services) {
            const c = asService(s.service);
            await c.query("BEGIN");
            await c.query(migration);
            await c.query("COMMIT");
            for (const tenant of ["t1", "t2"]) {
                await c.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenant]);
                await c.query(`INSERT INTO items (tenant_id, name, doc) VALUES ($1, 'openssl 3.0.13', '{"purl": "pkg:deb/openssl"}'), ($1, 'zlib', '{}')`, [tenant]);
            }
            await c.query(`SELECT set_config('app.tenant_id', 't1', false)`);
            const seen = await c.query(`SELECT DISTINCT tenant_id FROM items`);
            assert.deepStrictEqual(seen.rows, [{ tenant_id: "t1" }], `${s.service}: RLS must hide other tenants`);
            await assert.rejects(c.query(`INSERT INTO items (tenant_id, name) VALUES ('t2', 'sneaky')`), /row-level security/);
            const fuzzy = await c.query(`SELECT name FROM items WHERE name % 'openssl 3.0' ORDER BY name`);
            assert.deepStrictEqual(fuzzy.rows, [{ name: "openssl 3.0.13" }]);
            const before = await c.query(`SELECT updated_at FROM items WHERE name = 'zlib'`);
            await c.query(`UPDATE items SET state = 'running' WHERE name = 'zlib'`);
            const after = await c.query(`SELECT updated_at, state, fingerprint FROM items WHERE name = 'zlib'`);
            assert.ok(after.rows[0].updated_at > before.rows[0].updated_at, "trigger must touch updated_at");
            assert.strictEqual(after.rows[0].fingerprint.length, 64, "pgcrypto digest() unqualified through search_path");
            assert.deepStrictEqual((await c.query(`SELECT state::text, n::int FROM items_by_state ORDER BY 1`)).rows, [{ state: "queued", n: 1 }, { state: "running", n: 1 }]);
        }
    });
});
