/**
 * What CREATE on the database gives a service role, and nothing more, on PostgreSQL 16, 17 and
 * 18 (the docs: "allows new schemas and publications to be created within the database, and
 * allows trusted extensions to be installed"), and what the release-migration login can do.
 */
import * as assert from "assert";
import { Client } from "pg";
import { pgVersions, requirePostgres } from "../support/postgres";
import { Bootstrapped, bootstrap, expectDenied, npgsqlToPg } from "./fixture";

for (const version of pgVersions()) {
    describe(`CREATE on the database and the migrator on PostgreSQL ${version}`, function () {
        this.timeout(120000);
        let b: Bootstrapped;
        let scanner: Client;
        let policy: Client;

        before(async function () {
            b = await bootstrap(requirePostgres(this, version), "superuser");
            b.apply();
            scanner = await b.asService("scanner");
            policy = await b.asService("policy");
            await policy.query(`CREATE TABLE IF NOT EXISTS exceptions (id int)`);
        });
        after(async () => b?.stop());

        it("is what `CREATE SCHEMA IF NOT EXISTS <own schema>` needs, even though the schema exists", async () => {
            const su = await b.pg.connect({ database: b.plan.database });
            try {
                await su.query(`REVOKE CREATE ON DATABASE stellaops FROM stellaops_scanner`);
                await expectDenied(scanner.query(`CREATE SCHEMA IF NOT EXISTS scanner`), "without CREATE on the database");
                await su.query(`GRANT CREATE ON DATABASE stellaops TO stellaops_scanner`);
                await scanner.query(`CREATE SCHEMA IF NOT EXISTS scanner`);
                const { rows } = await su.query(`SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'scanner'`);
                assert.deepStrictEqual(rows, [{ owner: "stellaops_scanner_owner" }], "the shell keeps its owner");
            } finally {
                await su.end();
            }
        });

        it("creates new schemas owned by the service itself, which no other service can use", async () => {
            await scanner.query(`CREATE SCHEMA scanner_scratch`);
            await scanner.query(`CREATE TABLE scanner_scratch.t (id int)`);
            const { rows } = await scanner.query(`SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'scanner_scratch'`);
            assert.deepStrictEqual(rows, [{ owner: "stellaops_scanner" }]);
            await expectDenied(policy.query(`SELECT * FROM scanner_scratch.t`), "policy reads scanner's new schema");
            await expectDenied(policy.query(`CREATE TABLE scanner_scratch.x (id int)`), "policy creates in scanner's new schema");
        });

        it("cannot create a schema for another role (AUTHORIZATION of a service, owner, reader, the migrator or the admin)", async () => {
            for (const role of ["stellaops_policy", "stellaops_policy_owner", "stellaops_scanner_owner", "stellaops_scanner_read", "stellaops_migrator", "postgres"]) {
                await expectDenied(scanner.query(`CREATE SCHEMA giveaway_${role} AUTHORIZATION ${role}`), `AUTHORIZATION ${role}`);
            }
        });

        it("cannot rename, re-own or drop another service's schema, or its own schema shell", async () => {
            for (const schema of ["policy", "scanner", "extensions", "public"]) {
                await expectDenied(scanner.query(`ALTER SCHEMA ${schema} RENAME TO ${schema}_x`), `RENAME ${schema}`);
                await expectDenied(scanner.query(`ALTER SCHEMA ${schema} OWNER TO stellaops_scanner`), `OWNER ${schema}`);
                await expectDenied(scanner.query(`DROP SCHEMA ${schema} CASCADE`), `DROP ${schema}`);
            }
            await expectDenied(scanner.query(`ALTER SCHEMA scanner_scratch OWNER TO stellaops_policy`), "give its own new schema away");
        });

        it("cannot create untrusted extensions", async () => {
            for (const ext of ["dblink", "postgres_fdw", "file_fdw"]) await expectDenied(scanner.query(`CREATE EXTENSION ${ext} SCHEMA scanner`), `CREATE EXTENSION ${ext}`);
        });

        it("may install a trusted extension in its own schema (owned by it, objects by the bootstrap superuser)", async () => {
            await scanner.query(`CREATE EXTENSION hstore SCHEMA scanner`);
            const { rows } = await scanner.query(`SELECT pg_get_userbyid(extowner) AS owner, extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'hstore'`);
            assert.deepStrictEqual(rows, [{ owner: "stellaops_scanner", schema: "scanner" }]);
        });

        it("KNOWN GAP: may also place a trusted extension's objects in another service's schema (PostgreSQL checks no schema privilege for trusted extensions)", async () => {
            // Documented in README and reported: closing it needs an event trigger (superuser only).
            await scanner.query(`CREATE EXTENSION citext SCHEMA policy`);
            const { rows } = await policy.query(`SELECT count(*)::int AS n FROM pg_proc WHERE pronamespace = 'policy'::regnamespace`);
            assert.ok(rows[0].n > 0, "citext functions landed in schema policy");
            await expectDenied(policy.query(`DROP EXTENSION citext`), "policy cannot even drop it (scanner owns the extension)");
            await scanner.query(`DROP EXTENSION citext`);
        });

        it("can publish only tables it owns; FOR ALL TABLES, FOR TABLES IN SCHEMA and others' tables are refused", async () => {
            await scanner.query(`CREATE TABLE pub_me (id int PRIMARY KEY)`);
            await scanner.query(`CREATE PUBLICATION scanner_own FOR TABLE scanner.pub_me`);
            await expectDenied(scanner.query(`CREATE PUBLICATION p_all FOR ALL TABLES`), "FOR ALL TABLES");
            await expectDenied(scanner.query(`CREATE PUBLICATION p_own_schema FOR TABLES IN SCHEMA scanner`), "FOR TABLES IN SCHEMA own");
            await expectDenied(scanner.query(`CREATE PUBLICATION p_other FOR TABLE policy.exceptions`), "FOR TABLE of policy's");
            // nobody can stream it: no REPLICATION, no subscription rights
            const { rows } = await scanner.query(`SELECT rolreplication, pg_has_role('pg_create_subscription', 'MEMBER') AS sub FROM pg_roles WHERE rolname = current_user`);
            assert.deepStrictEqual(rows, [{ rolreplication: false, sub: false }]);
        });

        it("gives nothing else: no TEMP tables, databases, roles or event triggers", async () => {
            await expectDenied(scanner.query(`CREATE TEMP TABLE t (id int)`), "TEMP");
            await expectDenied(scanner.query(`CREATE DATABASE scanner_db`), "CREATE DATABASE");
            await expectDenied(scanner.query(`CREATE ROLE scanner_friend`), "CREATE ROLE");
            await expectDenied(scanner.query(`CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION pg_catalog.pg_backend_pid()`), "CREATE EVENT TRIGGER");
        });

        it("the migrator is a member of exactly the service roles: SET yes, INHERIT no, ADMIN no", async () => {
            const su = await b.pg.connect();
            try {
                const { rows } = await su.query(
                    `SELECT pg_get_userbyid(roleid) AS role, admin_option, inherit_option, set_option FROM pg_auth_members WHERE member = 'stellaops_migrator'::regrole ORDER BY 1`,
                );
                const services = b.plan.services.map((s) => s.role).sort();
                assert.deepStrictEqual(rows, services.map((role) => ({ role, admin_option: false, inherit_option: false, set_option: true })));
                const attrs = await su.query(`SELECT rolcanlogin, rolinherit, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = 'stellaops_migrator'`);
                assert.deepStrictEqual(attrs.rows, [{ rolcanlogin: true, rolinherit: false, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false }]);
            } finally {
                await su.end();
            }
        });

        it("the migrator holds nothing until it SETs ROLE to one service, then migrates as that service", async () => {
            const m = new Client({ host: "127.0.0.1", port: b.pg.port, database: b.plan.database, user: b.logins.migrator.role, password: b.logins.migrator.password });
            await m.connect();
            try {
                await expectDenied(m.query(`SELECT * FROM policy.exceptions`), "migrator without SET ROLE");
                await expectDenied(m.query(`CREATE TABLE policy.x (id int)`), "migrator CREATE without SET ROLE");
                for (const role of ["stellaops_policy_owner", "stellaops_policy_read", "postgres"]) await expectDenied(m.query(`SET ROLE ${role}`), `SET ROLE ${role}`);
                await m.query(`SET ROLE stellaops_policy`);
                await m.query(`ALTER TABLE policy.exceptions ADD COLUMN IF NOT EXISTS reason text`);
                await m.query(`CREATE TABLE policy.release_only (id int)`);
                await expectDenied(m.query(`SELECT * FROM scanner.pub_me`), "as policy, scanner's table");
                const { rows } = await m.query(`SELECT tableowner FROM pg_tables WHERE schemaname = 'policy' AND tablename = 'release_only'`);
                assert.deepStrictEqual(rows, [{ tableowner: "stellaops_policy" }], "what a release migration creates belongs to the service");
                await expectDenied(m.query(`CREATE ROLE sneaky`), "CREATE ROLE as policy");
            } finally {
                await m.end();
            }
        });

        it("the migrator's per-service connection string starts the session as that service", async () => {
            const c = new Client(npgsqlToPg(b.logins.migrator.connectionStrings.scanner));
            await c.connect();
            try {
                const { rows } = await c.query(`SELECT session_user::text AS s, current_user::text AS u, current_setting('search_path') AS sp`);
                assert.deepStrictEqual(rows, [{ s: "stellaops_migrator", u: "stellaops_scanner", sp: "scanner,extensions" }]);
                await c.query(`ALTER TABLE pub_me ADD COLUMN IF NOT EXISTS note text`);
                await expectDenied(c.query(`SELECT * FROM policy.exceptions`), "as scanner, policy's table");
            } finally {
                await c.end();
            }
        });
    });
}
