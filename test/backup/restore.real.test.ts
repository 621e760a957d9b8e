/**
 * Backups with a proven restore (issue 18): on real PostgreSQL 16/17/18 bootstrapped from the
 * plan, every service migrates its schema as its own login and writes tenant rows under RLS;
 * stellaops-backup.sh (the script every profile deploys) dumps as the backup role and uploads with
 * a put-only identity into a versioned, object-locked bucket on versitygw; then the database AND
 * every StellaOps role are dropped (a lost server), and the docs/operations.md procedure
 * (bootstrap.sql, backup-role.sql, `stellaops-backup.sh restore` with a read-only identity) gives
 * back identical rows, objects, roles and grants, the privilege matrix and RLS.
 */
import { DeleteObjectCommand, GetObjectLockConfigurationCommand, ListObjectsV2Command, ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { BackupPlan, planBackup } from "../../components/backup/plan";
import { BACKUP_PASSWORD_VARIABLE, renderBackupRoleSql } from "../../components/backup/role-sql";
import { Credentials } from "../objectstore/iam-api";
import { Gateway, outcome, startGateway, VERSITYGW_CANDIDATES } from "../objectstore/s3-support";
import { liveState } from "../postgres/catalog-state";
import { Client } from "pg";
import { Bootstrapped, bootstrap, expectDenied, npgsqlToPg } from "../postgres/fixture";
import { moduleMigrations, runStartupMigrations } from "../postgres/migration-runner";
import { OPTIONS } from "../postgres/plan.test";
import { pgVersions, requirePostgres } from "../support/postgres";
import { requireBinary, tempDir } from "../support/servers";
import { CLIENT_FOR, createBackupBucket, dataState, mustRun, objectState, requirePgClient, runBackupScript } from "./support";

const TENANTS = ["tenant-a", "tenant-b"];

for (const version of pgVersions()) {
    describe(`backup and restore on PostgreSQL ${version} (pg_dump ${CLIENT_FOR[version].major}: ${CLIENT_FOR[version].why})`, function () {
        this.timeout(180000);
        let b: Bootstrapped;
        let gw: Gateway;
        let plan: BackupPlan;
        let clientBin: string;
        let spool: string;
        let writer: Credentials;
        let reader: Credentials;
        const backupPassword = `backup-${Math.random().toString(36).slice(2)}`;
        const schemas = () => b.plan.services.map((s) => s.schema);
        const s3Env = (c: Credentials) => ({ S3_ENDPOINT: gw.url, S3_REGION: "us-east-1", AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, BACKUP_DIR: spool });
        const pgEnv = (user: string, password: string) => ({ PGHOST: "127.0.0.1", PGPORT: String(b.pg.port), PGSSLMODE: "disable", PGUSER: user, PGPASSWORD: password });
        const roleSql = () => path.join(b.pg.dir, "backup-role.sql");
        const applyRoleSql = () => b.pg.psql(["-v", "ON_ERROR_STOP=1", "-v", `${BACKUP_PASSWORD_VARIABLE}=${backupPassword}`, "-d", b.plan.database, "-q", "-f", roleSql()], b.pg.admin);
        const snapshot = async () => {
            const c = await b.pg.connect({ database: b.plan.database });
            try {
                return { access: await b.state(), live: await liveState(c, b.plan.database, OPTIONS.rolePrefix), objects: await objectState(c, schemas()), data: await dataState(c, schemas()) };
            } finally {
                await c.end();
            }
        };
        let saved: Awaited<ReturnType<typeof snapshot>>;
        let backupName: string;

        before(async function () {
            const install = requirePostgres(this, version);
            clientBin = requirePgClient(this, version);
            gw = await startGateway(requireBinary(this, "versitygw", VERSITYGW_CANDIDATES));
            b = await bootstrap(install, "superuser");
            b.apply();
            plan = planBackup(b.plan, { bucket: "stellaops-backups", partSizeMb: 5, retentionDays: 2 }, OPTIONS.rolePrefix);
            fs.writeFileSync(roleSql(), renderBackupRoleSql(plan, true));
            applyRoleSql();
            spool = tempDir("backup-spool");
            await createBackupBucket(gw.client(), plan.bucket);
            writer = await gw.createIdentity("pgbackup", plan.writerPolicy);
            reader = await gw.createIdentity("pgrestore", plan.readerPolicy);
            // As the services would: each migrates its own schema as its login, then writes rows per tenant under RLS.
            for (const s of b.plan.services) {
                // Own clients, closed before the database is dropped (the fixture's live until stop()).
                const c = new Client(npgsqlToPg(b.logins.services[s.service].connectionString));
                await c.connect();
                await runStartupMigrations(c, s.schema, moduleMigrations(s.schema));
                for (const tenant of TENANTS) {
                    await c.query(`SELECT set_config('app.current_tenant', $1, false), set_config('app.tenant_id', $1, false)`, [tenant]);
                    for (let i = 0; i < 3; i++) await c.query(`INSERT INTO ${s.schema}.jobs (kind, priority, payload) VALUES ('scan', $1, $2)`, [i, { tenant, n: i, blob: randomBytes(150000).toString("base64") }]);
                    await c.query(`INSERT INTO ${s.schema}.legacy_items (tenant_id, name) VALUES ($1, $2)`, [tenant, `${s.service}-${tenant}`]);
                }
                await c.end();
            }
            saved = await snapshot();
        });
        after(async () => {
            await b?.stop();
            await gw?.stop();
            if (spool) fs.rmSync(spool, { recursive: true, force: true });
        });

        it("the backup role reads every tenant's rows (pg_read_all_data + BYPASSRLS) and has no other power", async () => {
            const c = await b.pg.connect({ database: b.plan.database, user: plan.role.name, password: backupPassword });
            try {
                const s = b.plan.services[0].schema;
                assert.strictEqual((await c.query(`SELECT count(*)::int AS n FROM ${s}.jobs`)).rows[0].n, 6, "both tenants' rows");
                await expectDenied(c.query(`INSERT INTO ${s}.job_kinds VALUES ('x', 'y')`), "backup role writes");
                await expectDenied(c.query(`CREATE TABLE ${s}.evil (id int)`), "backup role creates");
            } finally {
                await c.end();
            }
        });

        it("stellaops-backup.sh run: pg_dump as the backup role, uploaded in parts with a put-only identity, locked and versioned", async () => {
            mustRun(["run"], { ...plan.environment, ...pgEnv(plan.role.name, backupPassword), ...s3Env(writer) }, [clientBin]);
            assert.deepStrictEqual(fs.readdirSync(spool), [], "the spool is emptied after the upload");
            const listed = mustRun(["list"], { ...plan.environment, ...s3Env(reader) }, [clientBin]).trim().split("\n");
            assert.strictEqual(listed.length, 1);
            backupName = listed[0];
            assert.match(backupName, /^\d{8}T\d{6}Z$/);
            const keys = ((await gw.client(reader).send(new ListObjectsV2Command({ Bucket: plan.bucket.name, Prefix: plan.prefix }))).Contents ?? []).map((o) => o.Key!);
            assert.ok(keys.filter((k) => k.includes("/part-")).length >= 2, `split into 5 MiB parts: ${keys.join(", ")}`);
            const manifestKey = `${plan.prefix}${backupName}/manifest`;
            // versitygw applies the bucket's default retention when a version is deleted rather than
            // stamping it on each version (as S3 does): the lock shows in the refusals below.
            const lock = await gw.client().send(new GetObjectLockConfigurationCommand({ Bucket: plan.bucket.name }));
            assert.deepStrictEqual(lock.ObjectLockConfiguration?.Rule?.DefaultRetention, { Mode: "GOVERNANCE", Days: 2 });
            // The writer can add backups but neither read, list, delete nor shorten them.
            assert.strictEqual(await outcome(gw.client(writer).send(new DeleteObjectCommand({ Bucket: plan.bucket.name, Key: manifestKey }))), "AccessDenied");
            assert.strictEqual(await outcome(gw.client(writer).send(new ListObjectsV2Command({ Bucket: plan.bucket.name }))), "AccessDenied");
            assert.notStrictEqual(runBackupScript(["fetch", backupName], { ...plan.environment, ...s3Env(writer) }, [clientBin]).status, 0, "the writer cannot fetch");
            // The reader can fetch but not delete, and nobody erases a locked version without bypassing governance.
            assert.strictEqual(await outcome(gw.client(reader).send(new DeleteObjectCommand({ Bucket: plan.bucket.name, Key: manifestKey }))), "AccessDenied");
            const versions = await gw.client().send(new ListObjectVersionsCommand({ Bucket: plan.bucket.name, Prefix: manifestKey }));
            const delVersion = (creds?: Credentials, bypass?: boolean) =>
                outcome(gw.client(creds).send(new DeleteObjectCommand({ Bucket: plan.bucket.name, Key: manifestKey, VersionId: versions.Versions![0].VersionId, BypassGovernanceRetention: bypass })));
            assert.strictEqual(await delVersion(writer, true), "AccessDenied", "the writer asking for a bypass");
            assert.strictEqual(await delVersion(undefined), "AccessDenied", "the root without a bypass");
        });

        it("a lost server (database and every StellaOps role dropped) comes back through the documented procedure, identical", async () => {
            const su = await b.pg.connect();
            try {
                await su.query(`DROP DATABASE ${b.plan.database} WITH (FORCE)`);
                const roles = (await su.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1`, [`${OPTIONS.rolePrefix.replace(/_/g, "\\_")}%`])).rows.map((r) => r.rolname as string);
                assert.ok(roles.length > 20);
                for (const r of roles) await su.query(`DROP ROLE ${r}`);
            } finally {
                await su.end();
            }
            // docs/operations.md, "Restore": 1. bootstrap.sql, 2. backup-role.sql, 3. stellaops-backup.sh restore.
            b.apply();
            applyRoleSql();
            mustRun(["restore", backupName], { ...plan.environment, ...pgEnv(b.pg.admin.user, b.pg.admin.password), ...s3Env(reader) }, [clientBin]);
            const after = await snapshot();
            assert.deepStrictEqual(after.access, saved.access, "roles, memberships, schema owners, database/schema grants, default privileges");
            assert.deepStrictEqual(after.live, saved.live);
            assert.deepStrictEqual(after.objects, saved.objects, "tables, owners, ACLs, RLS flags, policies, indexes, enums, functions, triggers, extensions");
            assert.deepStrictEqual(after.data, saved.data, "every row and sequence");
        });

        it("after the restore every service logs in with its old password, migrates nothing, reads only its own schema, and RLS filters by tenant", async () => {
            const services = b.plan.services;
            for (const [i, s] of services.entries()) {
                const c = await b.asService(s.service);
                assert.deepStrictEqual((await runStartupMigrations(c, s.schema, moduleMigrations(s.schema))).applied, [], `${s.service}: history restored`);
                await c.query(`SELECT set_config('app.current_tenant', 'tenant-a', false), set_config('app.tenant_id', 'tenant-a', false)`);
                const own = await c.query(`SELECT DISTINCT tenant_id FROM ${s.schema}.jobs`);
                assert.deepStrictEqual(own.rows.map((r) => r.tenant_id), ["tenant-a"], `${s.service}: RLS filters jobs`);
                const legacy = await c.query(`SELECT name FROM ${s.schema}.legacy_items`);
                assert.deepStrictEqual(legacy.rows.map((r) => r.name), [`${s.service}-tenant-a`], `${s.service}: RLS filters legacy_items`);
                await c.query(`SELECT set_config('app.current_tenant', '', false)`);
                assert.strictEqual((await c.query(`SELECT count(*)::int AS n FROM ${s.schema}.jobs`)).rows[0].n, 0, `${s.service}: no tenant, no rows`);
                const other = services[(i + 1) % services.length];
                await expectDenied(c.query(`SELECT 1 FROM ${other.schema}.jobs LIMIT 1`), `${s.service} reads ${other.schema}`);
            }
        });
    });
}
