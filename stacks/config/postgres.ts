import { z } from "zod";
import { SCHEMAS } from "../../components/catalog";
import { bool, host, identifier, int, port, quantity } from "./rules";

const schemaKeys = SCHEMAS.map((s) => s.name) as [string, ...string[]];

/** `stellaops:postgres`: the database, its roles and the server (per profile). */
export const postgresSection = z
    .strictObject({
        /** Database the profile creates (or, for external, the one that exists). */
        database: identifier.default("stellaops"),
        /** Whether the stack creates the database; false when a DBA created it already. */
        createDatabase: bool.default(true),
        /** Prefix of every role name, so several installations can share a server. */
        rolePrefix: z
            .string({ error: "expected a role prefix" })
            .regex(/^[a-z_][a-z0-9_]{0,20}$/, { error: "expected a lowercase identifier prefix of at most 21 characters" })
            .default("stellaops_"),
        /** Physical schema names, keyed by catalog schema; defaults to the catalog names. */
        schemaNames: z.partialRecord(z.enum(schemaKeys, { error: `expected one of ${schemaKeys.join(", ")}` }), identifier).default({}),
        /** Extensions the infrastructure creates, since service roles cannot. */
        extensions: z.array(identifier).default(["pgcrypto", "pg_trgm"]),
        /** Schema that holds the extensions; on every role's search_path after its own. */
        extensionsSchema: identifier.default("extensions"),
        /** Connection limit of each service login role. */
        connectionLimit: int(1, 10000).default(20),
        /** statement_timeout of each service login role, in milliseconds. */
        statementTimeoutMs: int(1).default(30000),
        /** Major version of the server the profile runs (dev image, airgap image, RDS engine). */
        version: z.enum(["16", "17", "18"], { error: "expected one of 16, 17, 18" }).default("17"),
        /** Volume size (airgap PVC; aws allocated storage). */
        storageSize: quantity.default("20Gi"),
        /** external: the existing server. */
        host: host.optional(),
        port: port.default(5432),
        /** dev/airgap/aws: where `pulumi up` reaches the server when not directly (e.g. a port-forward); default the server itself. */
        adminHost: host.optional(),
        adminPort: port.optional(),
        /** external: the superuser (or CREATEROLE owner) the provider connects as. */
        adminUser: identifier.default("postgres"),
        sslMode: z.enum(["disable", "require", "verify-ca", "verify-full"], { error: "expected one of disable, require, verify-ca, verify-full" }).default("require"),
        /** aws: instance class and backups. */
        instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: "expected an RDS instance class such as db.t4g.medium" }).default("db.t4g.medium"),
        backupRetentionDays: int(1, 35).default(7),
        multiAz: bool.default(false),
    })
    .superRefine((pg, ctx) => {
        const names = SCHEMAS.map((s) => pg.schemaNames[s.name] ?? s.name);
        names.forEach((n, i) => {
            if (names.indexOf(n) !== i) {
                ctx.addIssue({ code: "custom", path: ["schemaNames", SCHEMAS[i].name], input: n, message: `expected a schema name used once, "${n}" is also used by ${SCHEMAS[names.indexOf(n)].name}` });
            }
            if (n === pg.extensionsSchema || n === "public") {
                ctx.addIssue({ code: "custom", path: ["schemaNames", SCHEMAS[i].name], input: n, message: "expected a schema name other than public and the extensions schema" });
            }
        });
        pg.extensions.forEach((e, i) => {
            if (pg.extensions.indexOf(e) !== i) ctx.addIssue({ code: "custom", path: ["extensions", i], input: e, message: "expected each extension once" });
        });
    });

export type PostgresConfig = z.infer<typeof postgresSection>;
