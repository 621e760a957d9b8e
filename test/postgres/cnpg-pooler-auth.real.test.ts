/**
 * Tier 3, on PostgreSQL 16, 17 and 18 bootstrapped with the role model: why the pooler's auth
 * cannot be CloudNativePG's automatic one, and that the stack's own works. CNPG's
 * `cnpg_pooler_pgbouncer` gets CONNECT only on the first database it reconciles and calls
 * `public.user_search`, both out of reach once PUBLIC has lost CONNECT on the StellaOps database
 * and USAGE on its schema public. The stack's auth login (what CnpgPoolerAuth declares, issued
 * here as SQL with the component's own function body) can run PgBouncer's auth query, which
 * answers for StellaOps service logins only; services cannot call it.
 */
import * as assert from "assert";
import { Client } from "pg";
import { planCnpg } from "../../components/postgres/cnpg-plan";
import * as fs from "fs";
import * as path from "path";
import { POOLER_AUTH_PASSWORD_VARIABLE, renderPoolerAuthSql } from "../../components/postgres/cnpg-pooler-auth-sql";
import { poolerSpec } from "../../components/postgres/cnpg-specs";
import { pgVersions, requirePostgres } from "../support/postgres";
import { BASE } from "./cnpg-plan.test";
import { Bootstrapped, bootstrap, expectDenied } from "./fixture";

for (const version of pgVersions()) {
    describe(`CloudNativePG pooler auth against the role model on PostgreSQL ${version}`, function () {
        this.timeout(120000);
        let b: Bootstrapped;
        let su: Client;
        const password = "pooler-auth-pw";

        before(async function () {
            b = await bootstrap(requirePostgres(this, version), "superuser");
            b.apply();
            const plan = planCnpg(BASE, b.plan);
            su = await b.pg.connect({ database: b.plan.database });
            // What the bootstrap Job runs (and CnpgPoolerAuth's resources amount to), applied twice: idempotent.
            const file = path.join(b.pg.dir, "pooler-auth.sql");
            fs.writeFileSync(file, renderPoolerAuthSql(plan, b.plan));
            for (let i = 0; i < 2; i++) b.pg.psql(["-v", "ON_ERROR_STOP=1", "-v", `${POOLER_AUTH_PASSWORD_VARIABLE}=${password}`, "-d", b.plan.database, "-q", "-f", file]);
        });
        after(async () => {
            await su?.end();
            await b?.stop();
        });

        const authQuery = () => poolerSpec(planCnpg(BASE, b.plan)).pgbouncer.authQuery;
        const asAuth = () => b.pg.connect({ user: "stellaops_pooler_auth", password, database: b.plan.database });

        it("runs the Pooler's auth query as the stack's login: a SCRAM verifier for each service login", async () => {
            const c = await asAuth();
            try {
                for (const s of b.plan.services) {
                    const { rows } = await c.query(authQuery(), [s.role]);
                    assert.strictEqual(rows.length, 1, s.role);
                    assert.strictEqual(rows[0].usename, s.role);
                    assert.match(rows[0].passwd, /^SCRAM-SHA-256\$/, s.role);
                }
            } finally {
                await c.end();
            }
        });

        it("answers nothing for the superuser, the migrator, the auth login itself or an unknown name, and reads nothing else", async () => {
            const c = await asAuth();
            try {
                for (const user of ["postgres", b.plan.migrator.role, "stellaops_pooler_auth", "stellaops_nobody"]) assert.deepStrictEqual((await c.query(authQuery(), [user])).rows, [], user);
                await expectDenied(c.query("SELECT passwd FROM pg_catalog.pg_shadow"), "pg_shadow directly");
                await expectDenied(c.query("SELECT * FROM scanner.schema_migrations"), "a service schema");
                await expectDenied(c.query("CREATE TABLE public.t (id int)"), "create in public");
            } finally {
                await c.end();
            }
        });

        it("is out of a service's reach: no USAGE on schema public", async () => {
            const scanner = await b.asService("scanner");
            await expectDenied(scanner.query(authQuery(), ["stellaops_policy"]), "scanner runs the lookup");
        });

        it("CNPG's automatic integration would fail here: cnpg_pooler_pgbouncer cannot connect to the StellaOps database", async () => {
            // What CNPG's instance manager does when the role is missing: create it, grant CONNECT on
            // the database it is reconciling (postgres comes first), create public.user_search in each.
            await su.query(`CREATE ROLE cnpg_pooler_pgbouncer LOGIN PASSWORD 'cnpg-pw'`);
            await su.query(`GRANT CONNECT ON DATABASE postgres TO cnpg_pooler_pgbouncer`);
            await su.query(`CREATE FUNCTION public.user_search(uname TEXT) RETURNS TABLE (usename name, passwd text) LANGUAGE sql SECURITY DEFINER AS 'SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename=$1;'`);
            await su.query(`REVOKE ALL ON FUNCTION public.user_search(text) FROM public`);
            await su.query(`GRANT EXECUTE ON FUNCTION public.user_search(text) TO cnpg_pooler_pgbouncer`);
            await expectDenied(b.pg.connect({ user: "cnpg_pooler_pgbouncer", password: "cnpg-pw", database: b.plan.database }), "CONNECT on the StellaOps database");
            await su.query(`GRANT CONNECT ON DATABASE ${b.plan.database} TO cnpg_pooler_pgbouncer`);
            const c = await b.pg.connect({ user: "cnpg_pooler_pgbouncer", password: "cnpg-pw", database: b.plan.database });
            try {
                await expectDenied(c.query("SELECT usename, passwd FROM public.user_search($1)", ["stellaops_scanner"]), "USAGE on schema public");
            } finally {
                await c.end();
            }
        });
    });
}
