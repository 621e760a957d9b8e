/**
 * `stellaops:postgres`: every key any profile reads, with its rule, default and description.
 * Which keys a profile reads (and requires) is the profile descriptor's business (../profiles.ts);
 * rules that need the catalog (unique schema names) belong to the PostgreSQL plan.
 */
import { z } from "zod";
import { bool, host, identifier, int, oneOf, port, quantity } from "./rules";

export const postgresFields = {
    database: identifier.default("stellaops").describe("database holding every schema (external: the one that exists when `createDatabase` is false)"),
    createDatabase: bool.default(true).describe("whether the stack creates the database; false when a DBA created it already"),
    rolePrefix: z
        .string({ error: "expected a role prefix" })
        .regex(/^[a-z_][a-z0-9_]{0,20}$/, { error: "expected a lowercase identifier prefix of at most 21 characters" })
        .default("stellaops_")
        .describe("prefix of every role name, so several installations can share a server"),
    schemaNames: z.record(z.string(), identifier).default({}).describe("physical schema name per catalog schema (`schemaNames.vuln: advisories`); default the catalog name"),
    extensions: z
        .array(identifier)
        .superRefine((list, ctx) => list.forEach((e, i) => list.indexOf(e) !== i && ctx.addIssue({ code: "custom", path: [i], input: e, message: "expected each extension once" })))
        .default(["pgcrypto", "pg_trgm"])
        .describe("extensions the infrastructure creates, since service roles cannot"),
    extensionsSchema: identifier.default("extensions").describe("schema holding the extensions; on every role's search_path after its own schema"),
    connectionLimit: int(1, 10000).default(20).describe("connection limit of each service login role"),
    statementTimeoutMs: int(1).default(30000).describe("statement_timeout of each service login role, in milliseconds"),
    version: oneOf(["16", "17", "18"] as const).optional().describe("major version: of the RDS engine (aws, default 17); airgap `ha`: of `images.postgres`, required (single and dev: the image decides)"),
    instances: int(1).optional().describe("airgap `ha`: CloudNativePG instances, one primary and hot standbys (default 3, 3 to 9)"),
    synchronous: z
        .strictObject({ method: oneOf(["any", "first"] as const).optional(), number: int(0).optional(), dataDurability: oneOf(["required", "preferred"] as const).optional() })
        .optional()
        .describe("airgap `ha`: synchronous replication (`method` any, `number` 1, `dataDurability` required by default)"),
    walStorageSize: quantity.optional().describe("airgap `ha`: a separate WAL volume per instance"),
    pooler: z
        .strictObject({ instances: int(1).optional(), mode: oneOf(["session", "transaction"] as const).optional(), maxClientConnections: int(1).optional() })
        .optional()
        .describe("airgap `ha`: the PgBouncer Pooler (`instances` 2, `mode` session, `maxClientConnections` 1000 by default; transaction mode is refused, see README)"),
    backupSchedule: z.string({ error: "expected a schedule" }).optional().describe('airgap `ha`: CloudNativePG base backups, six cron fields with seconds first (default "0 0 2 * * *")'),
    backupRetention: z.string({ error: "expected a retention" }).optional().describe("airgap `ha`: recovery window of the base backups and WAL, e.g. 30d (default)"),
    storageSize: quantity.default("20Gi").describe("volume size: the airgap PVC, the RDS allocated storage"),
    host: host.optional().describe("the existing server's host"),
    port: port.default(5432).describe("the existing server's port"),
    adminHost: host.optional().describe("where `pulumi up` reaches the server when not directly (a tunnel or port-forward); default the server itself"),
    adminPort: port.optional().describe("port of `adminHost`"),
    adminUser: identifier.default("postgres").describe("the admin role the stack connects as"),
    adminIsSuperuser: bool.default(true).describe("whether `adminUser` is a superuser; false for managed servers (RDS, Cloud SQL, Azure) whose admin only has CREATEROLE and CREATEDB"),
    sslMode: oneOf(["disable", "require", "verify-ca", "verify-full"] as const).default("require").describe("sslmode of the admin connection and of every service's connection settings"),
    instanceClass: z
        .string({ error: "expected an RDS instance class" })
        .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: "expected an RDS instance class such as db.t4g.medium" })
        .default("db.t4g.medium")
        .describe("RDS instance class"),
    multiAz: bool.default(false).describe("RDS Multi-AZ standby"),
    backupRetentionDays: int(1, 35).default(7).describe("RDS automated backup retention in days"),
};
