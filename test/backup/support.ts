/**
 * Helpers of the backup/restore tier: the PostgreSQL client tools per server major (installed by
 * install-pg-clients.sh), the backup bucket and identities on versitygw, running
 * stellaops-backup.sh as the profiles do, and the state a restore must give back.
 */
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectLockConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { BACKUP_SCRIPT_PATH } from "../../components/backup/script";
import type { BucketSpec } from "../../components/objectstore/plan";
import type { PgVersion } from "../support/postgres";

/** The client major that dumps and restores each server major, and why. */
export const CLIENT_FOR: Record<PgVersion, { major: string; why: string }> = {
    "16": { major: "17", why: "no PostgreSQL 16 client package is reachable here; pg_dump 17 dumps a 16 server and pg_restore 17 restores into it" },
    "17": { major: "17", why: "same major (Debian trixie)" },
    "18": { major: "18", why: "same major (Debian sid)" },
};

export const PG_CLIENTS_DIR = process.env.STELLAOPS_PG_CLIENTS ?? path.join(os.homedir(), ".cache", "stellaops-pg-clients");

/** The bin dir holding pg_dump, pg_restore and psql of the client for `server`; skips locally, fails under CI. */
export function requirePgClient(ctx: Mocha.Context, server: PgVersion): string {
    const bin = path.join(PG_CLIENTS_DIR, CLIENT_FOR[server].major, "bin");
    if (["pg_dump", "pg_restore"].every((t) => fs.existsSync(path.join(bin, t)))) return bin;
    const why = `pg_dump ${CLIENT_FOR[server].major} is not installed in ${bin} (run test/backup/install-pg-clients.sh)`;
    if (process.env.CI === "true") throw new Error(`${why}; CI must install it (see .ci/run)`);
    ctx.skip();
}

/** Creates the planned backup bucket as StorageBucket would: object lock at creation, versioning, default retention. */
export async function createBackupBucket(s3: S3Client, spec: BucketSpec): Promise<void> {
    await s3.send(new CreateBucketCommand({ Bucket: spec.name, ObjectLockEnabledForBucket: true }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: spec.name, VersioningConfiguration: { Status: "Enabled" } }));
    const rule = { DefaultRetention: { Mode: spec.objectLock!.mode, Days: spec.objectLock!.days } };
    await s3.send(new PutObjectLockConfigurationCommand({ Bucket: spec.name, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: rule } }));
}

export interface ScriptRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs stellaops-backup.sh as a job does: `sh <script> <args>` with only the given environment (plus PATH). */
export function runBackupScript(args: readonly string[], env: Record<string, string>, pathDirs: readonly string[]): ScriptRun {
    const r = spawnSync("sh", [BACKUP_SCRIPT_PATH, ...args], { encoding: "utf8", env: { PATH: [...pathDirs, "/usr/local/bin", "/usr/bin", "/bin"].join(":"), HOME: os.tmpdir(), ...env }, timeout: 120000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function mustRun(args: readonly string[], env: Record<string, string>, pathDirs: readonly string[]): string {
    const r = runBackupScript(args, env, pathDirs);
    if (r.status !== 0) throw new Error(`stellaops-backup.sh ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
}

/**
 * Every row of every table in the given schemas, read as the superuser (who bypasses RLS),
 * in primary-key order; and the sequences' positions.
 */
export async function dataState(c: Client, schemas: readonly string[]): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    const tables = await c.query(`SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = ANY($1) ORDER BY 1, 2`, [schemas]);
    for (const t of tables.rows) {
        const rows = await c.query(`SELECT to_jsonb(t) AS r FROM ${t.nspname}.${t.relname} t ORDER BY 1`);
        out[`${t.nspname}.${t.relname}`] = rows.rows.map((r) => r.r).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    const seqs = await c.query(`SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE schemaname = ANY($1) ORDER BY 1, 2`, [schemas]);
    out.sequences = seqs.rows;
    return out;
}

/**
 * What pg_dump carries besides rows, in the services' schemas: relations with owner, ACL and
 * RLS flags, policies, indexes, enum values, functions and triggers.
 */
export async function objectState(c: Client, schemas: readonly string[]): Promise<string[]> {
    const q = async (sql: string) => (await c.query(sql, [schemas])).rows.map((r) => Object.values(r).map(String).join(" "));
    return [
        ...(await q(
            `SELECT n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner), coalesce(c.relacl::text, '-'), c.relrowsecurity, c.relforcerowsecurity
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1) ORDER BY 1, 2`,
        )),
        ...(await q(`SELECT schemaname, tablename, policyname, permissive, roles::text, cmd, coalesce(qual, '-'), coalesce(with_check, '-') FROM pg_policies WHERE schemaname = ANY($1) ORDER BY 1, 2, 3`)),
        ...(await q(`SELECT schemaname, indexname, indexdef FROM pg_indexes WHERE schemaname = ANY($1) ORDER BY 1, 2`)),
        ...(await q(`SELECT n.nspname, t.typname, e.enumlabel, e.enumsortorder FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY($1) ORDER BY 1, 2, 4`)),
        ...(await q(`SELECT n.nspname, p.proname, pg_get_userbyid(p.proowner), md5(p.prosrc) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY($1) ORDER BY 1, 2`)),
        ...(await q(`SELECT n.nspname, c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = ANY($1) ORDER BY 1, 2, 3`)),
        ...(await q(`SELECT extname, n.nspname, extversion FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname <> 'plpgsql' AND $1::text[] IS NOT NULL ORDER BY 1`)),
    ];
}
