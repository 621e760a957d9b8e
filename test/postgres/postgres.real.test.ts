/**
 * bootstrap.sql on real PostgreSQL 16, 17 and 18 (started here, free loopback ports), applied by
 * a superuser and by a managed-service admin (LOGIN CREATEROLE CREATEDB, not a superuser): applied
 * twice, agreement with what the Pulumi component registers (roles, memberships, owners, grants,
 * default privileges), then the same privilege matrix for both admins.
 */
import * as assert from "assert";
import { ADMIN_KINDS, pgVersions, requirePostgres } from "../support/postgres";
import { Bootstrapped, bootstrap, expectDenied } from "./fixture";
import { migration } from "./migration";
import { OPTIONS } from "./plan.test";

for (const version of pgVersions()) {
    for (const admin of ADMIN_KINDS) {
        describe(`bootstrap.sql on PostgreSQL ${version}, applied by the ${admin} admin`, function () {
            this.timeout(120000);
            let b: Bootstrapped;
            let first: string[];

            before(async function () {
                b = await bootstrap(requirePostgres(this, version), admin);
            });
            after(async () => b?.stop());

            it("applies cleanly, and a second time changes nothing", async () => {
                b.apply();
                first = await b.state();
                b.apply();
                assert.deepStrictEqual(await b.state(), first);
            });

            it("agrees with the roles, memberships, owners, grants and default privileges ServiceSchemas registers", () => {
                assert.deepStrictEqual(first, b.logins.recorded);
                assert.ok(first.some((l) => l.startsWith("member ")), "memberships are part of the comparison");
            });

            it("refuses to run without the password variables", () => {
                assert.throws(() => b.pg.psql(["-v", "ON_ERROR_STOP=1", "-d", "postgres", "-q", "-f", b.sqlFile], b.pg.admin), /missing psql variable authority_password/);
            });

            it("leaves the admin holding no owner or service role (only PostgreSQL 16's ADMIN-only creator memberships)", async () => {
                const c = await b.pg.connect();
                try {
                    const { rows } = await c.query(
                        `SELECT count(*)::int AS n, bool_or(inherit_option OR set_option) AS usable, bool_and(admin_option) AS admin FROM pg_auth_members WHERE member = $1::regrole`,
                        [b.pg.admin.user],
                    );
                    // a managed admin is a member of every role it created (16+); a superuser of none
                    const created = b.plan.roles.length;
                    assert.deepStrictEqual(rows[0], admin === "managed" ? { n: created + 1, usable: true, admin: false } : { n: 0, usable: null, admin: null });
                    const usable = await c.query(`SELECT pg_get_userbyid(roleid) AS r FROM pg_auth_members WHERE member = $1::regrole AND (inherit_option OR set_option)`, [b.pg.admin.user]);
                    assert.deepStrictEqual(usable.rows.map((r) => r.r), admin === "managed" ? ["managed_superuser"] : []);
                } finally {
                    await c.end();
                }
            });

            it("lets each service create, write and read in its own schema", async () => {
                for (const s of b.plan.services) {
                    const c = await b.asService(s.service);
                    await c.query(`CREATE TABLE probe (id int PRIMARY KEY, note text)`); // unqualified: its search_path
                    await c.query(`INSERT INTO probe VALUES (1, $1)`, [s.service]);
                    assert.deepStrictEqual((await c.query(`SELECT note FROM ${s.schema}.probe`)).rows, [{ note: s.service }]);
                }
            });

            it("denies every service SELECT, INSERT and CREATE in every other schema and CREATE in public (42501)", async () => {
                let checked = 0;
                for (const me of b.plan.services) {
                    const c = await b.asService(me.service);
                    for (const other of b.plan.services.filter((o) => o.service !== me.service)) {
                        await expectDenied(c.query(`SELECT * FROM ${other.schema}.probe`), `${me.service} SELECT ${other.schema}`);
                        await expectDenied(c.query(`INSERT INTO ${other.schema}.probe VALUES (2, 'x')`), `${me.service} INSERT ${other.schema}`);
                        await expectDenied(c.query(`CREATE TABLE ${other.schema}.intruder (id int)`), `${me.service} CREATE ${other.schema}`);
                        checked++;
                    }
                    await expectDenied(c.query(`CREATE TABLE public.x_${me.service} (id int)`), `${me.service} CREATE public`);
                }
                assert.strictEqual(checked, b.plan.services.length * (b.plan.services.length - 1));
            });

            it("applies connection limit, statement_timeout and search_path to each service role (and the Npgsql Search Path to the session)", async () => {
                for (const s of b.plan.services) {
                    const c = await b.asService(s.service);
                    const { rows } = await c.query(
                        `SELECT current_setting('statement_timeout') AS st, current_setting('search_path') AS sp, rolconnlimit AS cl, rolconfig AS config FROM pg_roles WHERE rolname = current_user`,
                    );
                    const config = [`search_path=${s.schema}, ${OPTIONS.extensionsSchema}`, `statement_timeout=${OPTIONS.statementTimeoutMs}`];
                    assert.deepStrictEqual({ ...rows[0], config: [...rows[0].config].sort() }, { st: "30s", sp: `${s.schema},${OPTIONS.extensionsSchema}`, cl: OPTIONS.connectionLimit, config });
                }
            });

            it("lets the read-only role SELECT tables created after bootstrap, and nothing more", async () => {
                const su = await b.pg.connect({ database: OPTIONS.database });
                try {
                    for (const s of b.plan.services) {
                        const reader = b.plan.roles.find((r) => r.kind === "readonly" && r.searchPath?.[0] === s.schema)!;
                        const user = `tmp_reader_${s.service}`;
                        await su.query(`CREATE ROLE ${user} LOGIN PASSWORD 'r' IN ROLE ${reader.name}`);
                        const svc = await b.asService(s.service);
                        await svc.query(`CREATE TABLE later (id int)`);
                        await svc.query(`INSERT INTO later VALUES (7)`);
                        const r = await b.pg.connect({ user, password: "r", database: OPTIONS.database });
                        try {
                            assert.deepStrictEqual((await r.query(`SELECT id FROM ${s.schema}.later`)).rows, [{ id: 7 }]);
                            await expectDenied(r.query(`INSERT INTO ${s.schema}.later VALUES (8)`), `${user} INSERT`);
                            await expectDenied(r.query(`CREATE TABLE ${s.schema}.x (id int)`), `${user} CREATE`);
                            const other = b.plan.services.find((o) => o.service !== s.service)!;
                            await expectDenied(r.query(`SELECT * FROM ${other.schema}.probe`), `${user} SELECT ${other.schema}`);
                        } finally {
                            await r.end();
                        }
                    }
                } finally {
                    await su.end();
                }
            });

            it("runs a realistic migration as each service role, with row-level security that filters", async () => {
                for (const s of b.plan.services) {
                    const c = await b.asService(s.service);
                    await c.query("BEGIN");
                    await c.query(migration);
                    await c.query("COMMIT");
                    for (const tenant of ["t1", "t2"]) {
                        await c.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenant]);
                        await c.query(`INSERT INTO items (tenant_id, name, doc) VALUES ($1, 'openssl 3.0.13', '{"purl": "pkg:deb/openssl"}'), ($1, 'zlib', '{}')`, [tenant]);
                    }
                    await c.query(`SELECT set_config('app.tenant_id', 't1', false)`);
                    assert.deepStrictEqual((await c.query(`SELECT DISTINCT tenant_id FROM items`)).rows, [{ tenant_id: "t1" }], `${s.service}: RLS must hide other tenants`);
                    await assert.rejects(c.query(`INSERT INTO items (tenant_id, name) VALUES ('t2', 'sneaky')`), /row-level security/);
                    assert.deepStrictEqual((await c.query(`SELECT name FROM items WHERE name % 'openssl 3.0' ORDER BY name`)).rows, [{ name: "openssl 3.0.13" }]);
                    const before = await c.query(`SELECT updated_at FROM items WHERE name = 'zlib'`);
                    await c.query(`UPDATE items SET state = 'running' WHERE name = 'zlib'`);
                    const after = await c.query(`SELECT updated_at, state, fingerprint FROM items WHERE name = 'zlib'`);
                    assert.ok(after.rows[0].updated_at > before.rows[0].updated_at, "trigger must touch updated_at");
                    assert.strictEqual(after.rows[0].fingerprint.length, 64, "pgcrypto digest() unqualified through search_path");
                }
            });
        });
    }
}
