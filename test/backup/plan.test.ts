/**
 * The backup plan (pure): role by admin kind, the dedicated locked bucket with expiry after its
 * retention, put-only writer and list/read reader policies, validation naming each key, the role
 * SQL, the cron to systemd conversion and the rendered files (no secret in any of them).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import { BACKUP_SCRIPT_PATH } from "../../components/backup/script";
import { requireBinary } from "../support/servers";
import { FORBIDDEN_ACTIONS } from "../../components/objectstore/access-policy";
import { cronProblem, planBackup } from "../../components/backup/plan";
import { onCalendar, renderBackupFiles } from "../../components/backup/render";
import { renderBackupRoleSql } from "../../components/backup/role-sql";
import { backupScript } from "../../components/backup/script";
import { planPostgres } from "../../components/postgres/plan";
import { PlanError } from "../../components/problems";
import { OPTIONS } from "../postgres/plan.test";

const pg = (adminSuperuser: boolean) => planPostgres({ ...OPTIONS, adminSuperuser });
const plan = (adminSuperuser = true, opts = {}) => planBackup(pg(adminSuperuser), { bucket: "stellaops-backups", ...opts }, OPTIONS.rolePrefix);
const actions = (p: { Statement: readonly { Action: readonly string[] }[] }) => p.Statement.flatMap((s) => s.Action);

describe("backup plan", () => {
    it("gives the backup role pg_read_all_data and BYPASSRLS under a superuser, and no limitation", () => {
        const p = plan();
        assert.deepStrictEqual(p.role, { name: "stellaops_backup", memberOf: ["pg_read_all_data"], bypassRls: true, connectionLimit: 2 });
        assert.deepStrictEqual(p.limitations, []);
    });

    it("under a managed admin joins every read-only role instead, without BYPASSRLS, and says what follows", () => {
        const p = plan(false);
        assert.deepStrictEqual(p.role.memberOf, pg(false).roles.filter((r) => r.kind === "readonly").map((r) => r.name));
        assert.strictEqual(p.role.memberOf.length, 8);
        assert.strictEqual(p.role.bypassRls, false);
        assert.match(p.limitations[0], /BYPASSRLS/);
    });

    it("plans a dedicated versioned bucket locked for the retention, expiring after it, under postgres/<database>/", () => {
        const p = plan(true, { retentionDays: 30, retentionMode: "COMPLIANCE" });
        assert.strictEqual(p.prefix, "postgres/stellaops/");
        assert.deepStrictEqual(p.bucket.objectLock, { mode: "COMPLIANCE", days: 30 });
        assert.deepStrictEqual(p.bucket.lifecycle, [{ id: "backups-expiry", prefix: "postgres/stellaops/", expirationDays: 30, noncurrentDays: 1 }]);
        assert.strictEqual(p.bucket.versioning, true);
        assert.deepStrictEqual([p.schedule, p.intervalSeconds, p.partSizeMb], ["17 2 * * *", 86400, 1024]);
    });

    it("lets the writer only put under the prefix and the reader only list and get it; neither gets a forbidden action", () => {
        const p = plan();
        assert.deepStrictEqual(actions(p.writerPolicy), ["s3:PutObject"]);
        assert.deepStrictEqual(p.writerPolicy.Statement[0].Resource, ["arn:aws:s3:::stellaops-backups/postgres/stellaops/*"]);
        assert.deepStrictEqual(actions(p.readerPolicy).sort(), ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"]);
        assert.deepStrictEqual(p.readerPolicy.Statement[0].Condition, { StringLike: { "s3:prefix": ["postgres/stellaops/*"] } });
        for (const a of [...actions(p.writerPolicy), ...actions(p.readerPolicy)]) assert.ok(!(FORBIDDEN_ACTIONS as readonly string[]).includes(a), a);
    });

    it("refuses bad options, naming every key under stellaops:backup", () => {
        assert.throws(
            () => plan(true, { bucket: "Bad_Bucket", prefix: "/x", schedule: "daily", intervalMinutes: 1, retentionDays: 0, partSizeMb: 9000 }),
            (e: PlanError) => {
                assert.deepStrictEqual(e.problems.map((p) => p.path.join(".")), ["bucket", "prefix", "schedule", "intervalMinutes", "retentionDays", "partSizeMb"]);
                assert.match(e.message, /^invalid backup options:\n {2}backup\.bucket: expected/);
                return true;
            },
        );
    });

    it("accepts cron fields with ranges, lists and steps, and converts them to systemd calendar events", () => {
        assert.strictEqual(cronProblem("*/15 1-5 * * 1,3"), undefined);
        assert.match(cronProblem("0 2 * *")!, /5 cron fields/);
        assert.deepStrictEqual(
            ["17 2 * * *", "*/15 * * * *", "0 3 * * 1-5", "30 4 1 */2 0"].map(onCalendar),
            ["*-*-* 2:17:00", "*-*-* *:0/15:00", "Mon..Fri *-*-* 3:0:00", "Sun *-1/2-1 4:30:00"],
        );
    });

    it("renders the role SQL with the password only as a psql variable, attributes only a superuser may set", () => {
        const su = renderBackupRoleSql(plan(), true);
        assert.match(su, /ALTER ROLE stellaops_backup WITH LOGIN NOSUPERUSER NOREPLICATION BYPASSRLS NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT 2;/);
        assert.match(su, /GRANT pg_read_all_data TO stellaops_backup;\nGRANT CONNECT ON DATABASE stellaops TO stellaops_backup;/);
        assert.match(su, /:'backup_password'/);
        const managed = renderBackupRoleSql(plan(false), false);
        const statements = managed.split("\n").filter((l) => !l.startsWith("--"));
        assert.ok(statements.every((l) => !/BYPASSRLS|SUPERUSER|pg_read_all_data/.test(l)), "nothing a managed admin cannot do");
        assert.match(managed, /GRANT stellaops_vuln_read TO stellaops_backup;/);
    });

    it("renders the external job definition from the same script, with no secret value", () => {
        const files = renderBackupFiles(plan(), {
            adminSuperuser: true,
            images: { postgres: "postgres:17.6", upload: "curlimages/curl:8.16.0" },
            target: { pgHost: "db.example.internal", pgPort: 5432, sslMode: "require", s3Endpoint: "https://s3.example.internal", s3Region: "us-east-1" },
        });
        assert.strictEqual(files["backup/stellaops-backup.sh"], backupScript());
        assert.match(files["backup/stellaops-backup.timer"], /OnCalendar=\*-\*-\* 2:17:00/);
        assert.match(files["backup/backup.env"], /PGUSER=stellaops_backup\n/);
        const cron = JSON.parse(files["backup/cronjob.json"]);
        assert.strictEqual(cron.spec.concurrencyPolicy, "Forbid");
        const env = JSON.stringify(cron.spec.jobTemplate.spec.template.spec);
        assert.match(env, /"secretKeyRef":\{"name":"stellaops-backup","key":"PGPASSWORD"\}/);
        for (const [name, text] of Object.entries(files)) assert.doesNotMatch(text, /PGPASSWORD=[^.\n]|AWS_SECRET_ACCESS_KEY=[^.\n]/, name);
    });

    it("the script is POSIX sh that shellcheck passes (it runs in busybox images as well as in the postgres image)", function () {
        const shellcheck = requireBinary(this, "shellcheck");
        const r = spawnSync(shellcheck, ["-s", "sh", BACKUP_SCRIPT_PATH], { encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    });
});
