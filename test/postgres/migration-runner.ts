/**
 * A start-up migration runner shaped like StellaOps' (docs/db/MIGRATION_STRATEGY.md and
 * MIGRATION_CONVENTIONS.md): advisory-lock coordinated, history in `<schema>.schema_migrations`
 * (migration_name, category, checksum, applied_at, applied_by, duration_ms), checksums verified
 * on every start, only the allowed statements, non-transactional ones (CREATE INDEX
 * CONCURRENTLY, ALTER TYPE ... ADD VALUE) outside a transaction.
 */
import { createHash } from "crypto";
import { Client } from "pg";

export interface Migration {
    readonly name: string;
    readonly category: "startup" | "release";
    /** false: must run outside a transaction block. */
    readonly transactional: boolean;
    readonly sql: string;
}

/** The migrations a module ships, for schema `s` (qualified, as StellaOps writes them). */
export function moduleMigrations(s: string): Migration[] {
    return [
        {
            name: "001_initial_schema.sql",
            category: "startup",
            transactional: true,
            sql: `
DO $$ BEGIN CREATE TYPE ${s}.job_state AS ENUM ('queued', 'running', 'done'); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE IF NOT EXISTS ${s}.jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL DEFAULT current_setting('app.current_tenant'),
    kind text NOT NULL,
    state ${s}.job_state NOT NULL DEFAULT 'queued',
    payload jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS jobs_tenant_state ON ${s}.jobs (tenant_id, state);
ALTER TABLE ${s}.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${s}.jobs FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS jobs_tenant ON ${s}.jobs;
CREATE POLICY jobs_tenant ON ${s}.jobs USING (tenant_id = current_setting('app.current_tenant', true)) WITH CHECK (tenant_id = current_setting('app.current_tenant', true));
-- an older module's table, keyed on app.tenant_id
CREATE TABLE IF NOT EXISTS ${s}.legacy_items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id text NOT NULL, name text NOT NULL);
ALTER TABLE ${s}.legacy_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${s}.legacy_items FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS legacy_tenant ON ${s}.legacy_items;
CREATE POLICY legacy_tenant ON ${s}.legacy_items USING (tenant_id = current_setting('app.tenant_id', true));
CREATE TABLE IF NOT EXISTS ${s}.job_kinds (kind text PRIMARY KEY, description text NOT NULL);`,
        },
        { name: "002_add_priority.sql", category: "startup", transactional: true, sql: `ALTER TABLE ${s}.jobs ADD COLUMN IF NOT EXISTS priority int NOT NULL DEFAULT 0;` },
        { name: "003_state_cancelled.sql", category: "startup", transactional: false, sql: `ALTER TYPE ${s}.job_state ADD VALUE IF NOT EXISTS 'cancelled';` },
        { name: "004_jobs_payload_gin.sql", category: "startup", transactional: false, sql: `CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_payload_gin ON ${s}.jobs USING gin (payload jsonb_path_ops);` },
        {
            name: "005_seed_job_kinds.sql",
            category: "startup",
            transactional: true,
            sql: `INSERT INTO ${s}.job_kinds (kind, description) VALUES ('scan', 'scan an image'), ('export', 'export evidence') ON CONFLICT DO NOTHING;`,
        },
    ];
}

const checksum = (sql: string) => createHash("sha256").update(sql).digest("hex");

/** A stable 64-bit advisory lock key per schema, as the runner derives it from the schema name. */
export const lockKey = (schema: string) => BigInt.asIntN(64, BigInt(`0x${checksum(`${schema}.schema_migrations`).slice(0, 16)}`)).toString();

export interface RunReport {
    readonly applied: string[];
    readonly lockedAt: number;
    readonly unlockedAt: number;
}

/** One service start: lock, ensure schema and history, apply what is missing, verify checksums, unlock. */
export async function runStartupMigrations(c: Client, schema: string, migrations: readonly Migration[], holdMs = 0): Promise<RunReport> {
    // Poll with pg_try_advisory_lock rather than block in pg_advisory_lock: a session blocked in
    // that call holds a snapshot, and the other instance's CREATE INDEX CONCURRENTLY waits for
    // every older snapshot, so the two deadlock (measured on 16, 17 and 18).
    while (!(await c.query(`SELECT pg_try_advisory_lock($1::bigint) AS got`, [lockKey(schema)])).rows[0].got) await new Promise((r) => setTimeout(r, 50));
    const lockedAt = Date.now();
    const applied: string[] = [];
    try {
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await c.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
            migration_name text PRIMARY KEY, category text NOT NULL, checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user, duration_ms integer NOT NULL)`);
        const done = new Map((await c.query(`SELECT migration_name, checksum FROM ${schema}.schema_migrations`)).rows.map((r) => [r.migration_name as string, r.checksum as string]));
        if (holdMs > 0) await c.query(`SELECT pg_sleep($1)`, [holdMs / 1000]);
        for (const m of migrations) {
            const sum = checksum(m.sql);
            if (done.has(m.name)) {
                if (done.get(m.name) !== sum) throw new Error(`${schema}: checksum of applied migration ${m.name} changed`);
                continue;
            }
            const start = Date.now();
            if (m.transactional) await c.query("BEGIN");
            try {
                await c.query(m.sql);
                await c.query(
                    `INSERT INTO ${schema}.schema_migrations (migration_name, category, checksum, duration_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
                    [m.name, m.category, sum, Date.now() - start],
                );
                if (m.transactional) await c.query("COMMIT");
            } catch (err) {
                if (m.transactional) await c.query("ROLLBACK");
                throw err;
            }
            applied.push(m.name);
        }
    } finally {
        await c.query(`SELECT pg_advisory_unlock($1::bigint)`, [lockKey(schema)]);
    }
    return { applied, lockedAt, unlockedAt: Date.now() };
}
