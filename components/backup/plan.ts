/**
 * Pure backup plan: from the PostgreSQL plan and the backup options to the backup login role,
 * the dedicated backup bucket (versioned, object-locked, expiring after its retention), the S3
 * identity policies (the writer may only put objects; the restorer may only read and list), the
 * schedule and the non-secret environment of stellaops-backup.sh. Feeds the Docker, Kubernetes
 * and rendered (external) jobs alike, and the real-server restore test.
 */
import type { PolicyDocument } from "../objectstore/access-policy";
import { bucketNameProblem } from "../objectstore/bucket-name";
import type { BucketSpec, RetentionMode } from "../objectstore/plan";
import type { PostgresPlan } from "../postgres/plan";
import { Problems } from "../problems";

export interface BackupOptions {
    /** Physical name of the dedicated backup bucket (never shared with service data). */
    readonly bucket: string;
    /**
     * Key prefix of every backup object.
     * @default "postgres/<database>/"
     */
    readonly prefix?: string;
    /**
     * Cron schedule (5 fields, the cluster's or host's time zone) of the Kubernetes CronJob and the systemd timer.
     * @default "17 2 * * *"
     */
    readonly schedule?: string;
    /**
     * Minutes between two dumps in the dev profile's loop container (Docker has no scheduler).
     * @default 1440
     */
    readonly intervalMinutes?: number;
    /**
     * Days every backup object is locked (object lock default retention) and then kept; it expires after.
     * @default 35
     */
    readonly retentionDays?: number;
    /**
     * GOVERNANCE: a principal with s3:BypassGovernanceRetention may still delete early; COMPLIANCE: nobody can.
     * @default "GOVERNANCE"
     */
    readonly retentionMode?: RetentionMode;
    /**
     * Size of each uploaded part (single PUTs, so at most 5120 on AWS).
     * @default 1024
     */
    readonly partSizeMb?: number;
}

/** The backup login: reads everything, writes nothing. */
export interface BackupRole {
    readonly name: string;
    /** Roles it is a member of: pg_read_all_data (superuser admin) or every read-only role (managed admin). */
    readonly memberOf: readonly string[];
    /** BYPASSRLS: pg_dump must see every tenant's rows; only a superuser can give it. */
    readonly bypassRls: boolean;
    readonly connectionLimit: number;
}

export interface BackupPlan {
    readonly database: string;
    readonly role: BackupRole;
    /** The dedicated bucket, in the shape StorageBucket takes. */
    readonly bucket: BucketSpec;
    readonly prefix: string;
    readonly schedule: string;
    readonly intervalSeconds: number;
    readonly retentionDays: number;
    readonly partSizeMb: number;
    /** What the backup job's S3 identity may do: PutObject under the prefix, nothing else. */
    readonly writerPolicy: PolicyDocument;
    /** What a restore's S3 identity may do: list the prefix and read objects and versions. */
    readonly readerPolicy: PolicyDocument;
    /** Environment of stellaops-backup.sh without endpoint, host and secrets. */
    readonly environment: Readonly<Record<string, string>>;
    /** What the applying admin cannot give the backup role, and what follows. */
    readonly limitations: readonly string[];
}

const CRON_FIELD = /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/;

/** Five cron fields of digits, ranges, lists and steps (what CronJob and the systemd renderer accept). */
export function cronProblem(schedule: string): string | undefined {
    const fields = schedule.trim().split(/\s+/);
    if (fields.length !== 5) return "expected 5 cron fields (minute hour day-of-month month day-of-week)";
    const bad = fields.find((f) => !CRON_FIELD.test(f));
    return bad === undefined ? undefined : `expected cron fields of digits, *, ranges, lists and steps ("${bad}" is not one)`;
}

const arn = (resource: string) => `arn:aws:s3:::${resource}`;

export function writerPolicy(bucket: string, prefix: string): PolicyDocument {
    // No DeleteObject, no version or retention actions, no multipart (the script uses single PUTs).
    return { Version: "2012-10-17", Statement: [{ Sid: "BackupPut", Effect: "Allow", Action: ["s3:PutObject"], Resource: [arn(`${bucket}/${prefix}*`)] }] };
}

/**
 * Continuous archiving (CloudNativePG's Barman Cloud): it writes base backups and WAL under its
 * prefix and deletes what falls out of its retention window (delete markers in a versioned,
 * locked bucket: the locked versions stay until their retention ends).
 */
export function archiverPolicy(bucket: string, prefix: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "ArchiveList", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [arn(bucket)], Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
            { Sid: "ArchiveObjects", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], Resource: [arn(`${bucket}/${prefix}*`)] },
        ],
    };
}

export function readerPolicy(bucket: string, prefix: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "BackupList", Effect: "Allow", Action: ["s3:ListBucket", "s3:ListBucketVersions"], Resource: [arn(bucket)], Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
            { Sid: "BackupRead", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: [arn(`${bucket}/${prefix}*`)] },
        ],
    };
}

/** Validates options (PlanError("backup") naming each key) and derives the plan. */
export function planBackup(pg: PostgresPlan, opts: BackupOptions, rolePrefix: string): BackupPlan {
    const problems = new Problems();
    const prefix = opts.prefix ?? `postgres/${pg.database}/`;
    const schedule = opts.schedule ?? "17 2 * * *";
    const intervalMinutes = opts.intervalMinutes ?? 1440;
    const retentionDays = opts.retentionDays ?? 35;
    const partSizeMb = opts.partSizeMb ?? 1024;
    const nameProblem = bucketNameProblem(opts.bucket);
    problems.need(nameProblem === undefined, ["bucket"], `${nameProblem} in a bucket name`, opts.bucket);
    problems.need(/^([a-z0-9][a-z0-9._-]*\/)*$/.test(prefix), ["prefix"], "expected a key prefix of lowercase path segments ending with /", prefix);
    const cron = cronProblem(schedule);
    problems.need(cron === undefined, ["schedule"], cron ?? "", schedule);
    problems.need(Number.isInteger(intervalMinutes) && intervalMinutes >= 5, ["intervalMinutes"], "expected an integer >= 5", intervalMinutes);
    problems.need(Number.isInteger(retentionDays) && retentionDays >= 1 && retentionDays <= 3650, ["retentionDays"], "expected an integer from 1 to 3650", retentionDays);
    problems.need(Number.isInteger(partSizeMb) && partSizeMb >= 5 && partSizeMb <= 5120, ["partSizeMb"], "expected an integer from 5 to 5120 (one S3 PUT)", partSizeMb);
    problems.throwIfAny("backup");

    const superuser = pg.adminSuperuser;
    const readRoles = pg.roles.filter((r) => r.kind === "readonly").map((r) => r.name);
    const role: BackupRole = {
        name: `${rolePrefix}backup`,
        // A managed admin cannot grant pg_read_all_data (no ADMIN option on it): the read-only
        // roles it created give SELECT on every table the services create (default privileges).
        memberOf: superuser ? ["pg_read_all_data"] : readRoles,
        bypassRls: superuser,
        connectionLimit: 2,
    };
    const limitations = superuser
        ? []
        : [
              `${role.name} cannot get BYPASSRLS from a managed admin: pg_dump stops at the first table with row-level security until the provider's superuser runs ALTER ROLE ${role.name} BYPASSRLS (on AWS, RDS snapshots are the backup)`,
          ];
    const bucket: BucketSpec = {
        key: "backups",
        name: opts.bucket,
        purposes: [{ purpose: "backups", prefix }],
        versioning: true,
        objectLock: { mode: opts.retentionMode ?? "GOVERNANCE", days: retentionDays },
        // Current versions expire when their lock ends; the version left behind goes a day later.
        lifecycle: [{ id: "backups-expiry", prefix, expirationDays: retentionDays, noncurrentDays: 1 }],
        owners: [],
        grants: [],
    };
    return {
        database: pg.database,
        role,
        bucket,
        prefix,
        schedule,
        intervalSeconds: intervalMinutes * 60,
        retentionDays,
        partSizeMb,
        writerPolicy: writerPolicy(opts.bucket, prefix),
        readerPolicy: readerPolicy(opts.bucket, prefix),
        environment: { PGDATABASE: pg.database, PGUSER: role.name, S3_BUCKET: opts.bucket, S3_PREFIX: prefix, BACKUP_PART_MB: String(partSizeMb) },
        limitations,
    };
}
