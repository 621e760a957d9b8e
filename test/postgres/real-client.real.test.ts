/**
 * The real-client tier for PostgreSQL (DESIGN.md §2a, issue 13): what StellaOps services do at
 * start-up, replayed as each service's own login (its Npgsql connection string from the
 * component) on PostgreSQL 16, 17 and 18 bootstrapped by a managed-service admin: the start-up
 * migration pattern, a restart, two instances starting at once, tenant RLS, and the denials
 * between services.
 */
import * as assert from "assert";
import { Client } from "pg";
import { pgVersions, requirePostgres } from "../support/postgres";
import { Bootstrapped, bootstrap, expectDenied, npgsqlToPg } from "./fixture";
import { lockKey, moduleMigrations, runStartupMigrations } from "./migration-runner";

for (const version of pgVersions()) {
    describe(`StellaOps services starting on PostgreSQL ${version} (bootstrapped by a managed admin)`, function () {
        this.timeout(120000);
        let b: Bootstrapped;
        const history = async (c: Client, schema: string) =>
            (await c.query(`SELECT migration_name, category, applied_by, duration_ms >= 0 AS timed FROM ${schema}.schema_migrations ORDER BY 1`)).rows;

        before(async function () {
            b = await bootstrap(requirePostgres(this, version), "managed");
            b.apply();
        });
        after(async () => b?.stop());

        it("two instances of one service start at once: the advisory lock lets one migrate while the other waits", async () => {
            const s = b.plan.services.find((x) => x.service === "scheduler")!;
            const [one, two] = [await b.asService("scheduler"), await b.asService("scheduler")];
            const migrations = moduleMigrations(s.schema);
            const [r1, r2] = await Promise.all([runStartupMigrations(one, s.schema, migrations, 400), runStartupMigrations(two, s.schema, migrations, 400)]);
            const [first, second] = r1.lockedAt <= r2.lockedAt ? [r1, r2] : [r2, r1];
            assert.ok(second.lockedAt >= first.unlockedAt, `the second instance held the lock only after the first released it (${second.lockedAt} >= ${first.unlockedAt})`);
            assert.deepStrictEqual([first.applied.length, second.applied.length], [migrations.length, 0], "one instance applied everything, the other nothing");
            assert.strictEqual((await history(one, s.schema)).length, migrations.length);
        });

        it("every service runs its start-up migrations as its own login: CREATE SCHEMA IF NOT EXISTS, history, enums, ADD VALUE, CONCURRENTLY, RLS, seeds", async () => {
            for (const s of b.plan.services) {
                const c = await b.asService(s.service);
                const report = await runStartupMigrations(c, s.schema, moduleMigrations(s.schema));
                if (s.service !== "scheduler") assert.strictEqual(report.applied.length, 5, s.service);
                const rows = await history(c, s.schema);
                assert.deepStrictEqual(rows.map((r) => [r.migration_name, r.category, r.applied_by, r.timed]), moduleMigrations(s.schema).map((m) => [m.name, "startup", s.role, true]));
                const enumValues = await c.query(`SELECT enum_range(NULL::${s.schema}.job_state)::text AS v`);
                assert.strictEqual(enumValues.rows[0].v, "{queued,running,done,cancelled}");
                const idx = await c.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'jobs' ORDER BY 1`, [s.schema]);
                assert.deepStrictEqual(idx.rows.map((r) => r.indexname), ["jobs_payload_gin", "jobs_pkey", "jobs_tenant_state"]);
                const valid = await c.query(`SELECT bool_and(indisvalid) AS ok FROM pg_index WHERE indrelid = $1::regclass`, [`${s.schema}.jobs`]);
                assert.strictEqual(valid.rows[0].ok, true, "CREATE INDEX CONCURRENTLY left a valid index");
            }
        });

        it("a restart runs the same migrations again without error, without duplicating history, checksums verified", async () => {
            for (const s of b.plan.services) {
                const c = await b.asService(s.service);
                const before = await history(c, s.schema);
                const report = await runStartupMigrations(c, s.schema, moduleMigrations(s.schema));
                assert.deepStrictEqual(report.applied, [], `${s.service} applied nothing on restart`);
                assert.deepStrictEqual(await history(c, s.schema), before);
                const seeds = await c.query(`SELECT count(*)::int AS n FROM ${s.schema}.job_kinds`);
                assert.strictEqual(seeds.rows[0].n, 2, "seeds ON CONFLICT DO NOTHING");
                const changed = moduleMigrations(s.schema).map((m) => (m.name === "002_add_priority.sql" ? { ...m, sql: `${m.sql} -- edited` } : m));
                await assert.rejects(runStartupMigrations(c, s.schema, changed), /checksum of applied migration 002_add_priority.sql changed/);
            }
        });

        it("tenant row-level security filters on app.current_tenant (and app.tenant_id for older modules)", async () => {
            for (const s of b.plan.services) {
                const c = await b.asService(s.service);
                for (const t of ["tenant-a", "tenant-b"]) {
                    await c.query(`SELECT set_config('app.current_tenant', $1, false), set_config('app.tenant_id', $1, false)`, [t]);
                    await c.query(`INSERT INTO ${s.schema}.jobs (kind, payload) VALUES ('scan', '{"image": "alpine"}')`);
                    await c.query(`INSERT INTO ${s.schema}.legacy_items (tenant_id, name) VALUES ($1, 'x')`, [t]);
                }
                await c.query(`SELECT set_config('app.current_tenant', 'tenant-a', false), set_config('app.tenant_id', 'tenant-b', false)`);
                assert.deepStrictEqual((await c.query(`SELECT DISTINCT tenant_id FROM ${s.schema}.jobs`)).rows, [{ tenant_id: "tenant-a" }]);
                assert.deepStrictEqual((await c.query(`SELECT DISTINCT tenant_id FROM ${s.schema}.legacy_items`)).rows, [{ tenant_id: "tenant-b" }]);
                await assert.rejects(c.query(`INSERT INTO ${s.schema}.jobs (tenant_id, kind) VALUES ('tenant-b', 'scan')`), /row-level security/);
            }
        });

        it("no service can read another's history or data, run another's migrations, or move another's enum", async () => {
            let checked = 0;
            for (const me of b.plan.services) {
                const c = await b.asService(me.service);
                for (const other of b.plan.services.filter((o) => o.service !== me.service)) {
                    await expectDenied(c.query(`SELECT * FROM ${other.schema}.schema_migrations`), `${me.service} reads ${other.schema} history`);
                    await expectDenied(c.query(`INSERT INTO ${other.schema}.schema_migrations VALUES ('x', 'startup', 'x', now(), 'x', 0)`), `${me.service} forges ${other.schema} history`);
                    await expectDenied(c.query(`ALTER TABLE ${other.schema}.jobs ADD COLUMN IF NOT EXISTS evil int`), `${me.service} alters ${other.schema}.jobs`);
                    await expectDenied(c.query(`CREATE INDEX IF NOT EXISTS evil ON ${other.schema}.jobs (kind)`), `${me.service} indexes ${other.schema}.jobs`);
                    await expectDenied(c.query(`ALTER TYPE ${other.schema}.job_state ADD VALUE IF NOT EXISTS 'evil'`), `${me.service} alters ${other.schema}.job_state`);
                    checked++;
                }
            }
            assert.strictEqual(checked, b.plan.services.length * (b.plan.services.length - 1));
        });

        it("a second instance blocked in pg_advisory_lock deadlocks with the first one's CREATE INDEX CONCURRENTLY (why the runner polls)", async () => {
            const s = b.plan.services.find((x) => x.service === "notify")!;
            const [one, two] = [await b.asService("notify"), await b.asService("notify")];
            const key = lockKey(`${s.schema}.cic`);
            await one.query(`SELECT pg_advisory_lock($1::bigint)`, [key]);
            const waiting = two.query(`SELECT pg_advisory_lock($1::bigint)`, [key]).then(() => "locked", (e: { code?: string }) => e.code);
            await new Promise((r) => setTimeout(r, 200)); // two is now waiting inside its statement's snapshot
            const building = await one.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_kind ON ${s.schema}.jobs (kind)`).then(() => "built", (e: { code?: string }) => e.code);
            const outcomes = [building, await waiting];
            await one.query(`SELECT pg_advisory_unlock_all()`);
            await two.query(`SELECT pg_advisory_unlock_all()`);
            assert.ok(outcomes.includes("40P01"), `expected a deadlock (40P01), got ${outcomes.join(", ")}`);
        });

        it("advisory locks are database-wide, not per schema: another service can take (and so hold up) a service's migration lock", async () => {
            // Documented in README: PostgreSQL has no privilege on advisory locks.
            const [scanner, policy] = [await b.asService("scanner"), await b.asService("policy")];
            const key = lockKey(b.plan.services.find((s) => s.service === "scanner")!.schema);
            assert.deepStrictEqual((await policy.query(`SELECT pg_try_advisory_lock($1::bigint) AS got`, [key])).rows, [{ got: true }]);
            assert.deepStrictEqual((await scanner.query(`SELECT pg_try_advisory_lock($1::bigint) AS got`, [key])).rows, [{ got: false }]);
            await policy.query(`SELECT pg_advisory_unlock($1::bigint)`, [key]);
        });

        it("connects with exactly the Npgsql parameters the component outputs (host, port, database, user, password, search path, SSL mode)", async () => {
            for (const s of b.plan.services) {
                const cs = b.logins.services[s.service].connectionString;
                assert.match(cs, /;SSL Mode=Disable$/);
                const c = new Client(npgsqlToPg(cs));
                await c.connect();
                try {
                    const { rows } = await c.query(`SELECT current_user::text AS u, current_database() AS d, current_setting('search_path') AS sp`);
                    assert.deepStrictEqual(rows, [{ u: s.role, d: b.plan.database, sp: `${s.schema},${b.plan.extensionsSchema}` }]);
                } finally {
                    await c.end();
                }
            }
        });
    });
}
