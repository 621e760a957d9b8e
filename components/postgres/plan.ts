/**
 * Pure PostgreSQL access plan: from the catalog and options to the roles, schemas, grants,
 * memberships and default privileges the infrastructure owns. Both the Pulumi component and
 * bootstrap.sql are built from this one value, so what a real server accepts is what Pulumi creates.
 */
import { Catalog, CATALOG, ServiceName } from "../catalog";
import { adminLimitations, Limitation } from "./limitations";

export type { Limitation };

export interface PostgresPlanOptions {
    /** Database holding every schema. */
    readonly database: string;
    /** Whether the plan creates the database (false: it exists already). */
    readonly createDatabase: boolean;
    /** Prefix of every role name. */
    readonly rolePrefix: string;
    /** Physical schema names keyed by catalog schema name (missing: the catalog name). */
    readonly schemaNames?: Readonly<Record<string, string | undefined>>;
    /** Extensions the infrastructure creates in `extensionsSchema` (services only use them). */
    readonly extensions: readonly string[];
    /** Schema holding the extensions; on every role's search_path after its own. */
    readonly extensionsSchema: string;
    /** Connection limit of each service login role and of the migrator. */
    readonly connectionLimit: number;
    /** statement_timeout of each service login role, in milliseconds. */
    readonly statementTimeoutMs: number;
    /**
     * Whether the role that applies the plan (the Pulumi provider's user, bootstrap.sql's psql
     * user) is a superuser. false for managed services (RDS, Cloud SQL, Azure), whose admin has
     * LOGIN CREATEROLE CREATEDB only: bootstrap.sql then leaves out superuser-only attributes and
     * holds owner roles only while it needs them, and `limitations` lists what it cannot do.
     * @default true
     */
    readonly adminSuperuser?: boolean;
}

export type RoleKind = "owner" | "service" | "readonly" | "migrator";

export interface PlannedRole {
    /** Stable key for child resource names. */
    readonly key: string;
    readonly name: string;
    readonly kind: RoleKind;
    readonly login: boolean;
    /** INHERIT attribute; false for the migrator, which must SET ROLE to act as a service. */
    readonly inherit: boolean;
    /** Catalog schema the role belongs to (not for the migrator). */
    readonly schema?: string;
    /** Service that logs in with this role (service roles only). */
    readonly service?: ServiceName;
    readonly connectionLimit: number;
    readonly statementTimeoutMs?: number;
    readonly searchPath?: readonly string[];
}

export interface PlannedSchema {
    readonly key: string;
    /** Physical schema name. */
    readonly name: string;
    /** Owner role name (NOLOGIN). */
    readonly owner: string;
    readonly service: ServiceName;
}

/** A grant with "exactly these privileges" semantics, as the provider's Grant has. */
export interface PlannedGrant {
    readonly key: string;
    readonly role: string;
    readonly on: "database" | "schema" | "table" | "sequence";
    /** Physical schema name (schema, table, sequence grants). */
    readonly schema?: string;
    readonly privileges: readonly string[];
}

/** `member` is granted membership in `role` (no ADMIN option; INHERIT follows the member's attribute). */
export interface PlannedMembership {
    readonly key: string;
    readonly role: string;
    readonly member: string;
}

export interface PlannedDefaultPrivileges {
    readonly key: string;
    /** Role whose future objects the rule covers (the service login role creates its tables). */
    readonly owner: string;
    readonly schema: string;
    readonly on: "table" | "sequence";
    readonly role: string;
    readonly privileges: readonly string[];
}

export interface PlannedService {
    readonly service: ServiceName;
    /** Login role. */
    readonly role: string;
    /** Physical schema. */
    readonly schema: string;
    /** search_path the service connects with. */
    readonly searchPath: readonly string[];
}

export interface PostgresPlan {
    readonly database: string;
    readonly createDatabase: boolean;
    readonly adminSuperuser: boolean;
    readonly extensionsSchema: string;
    readonly extensions: readonly string[];
    readonly roles: readonly PlannedRole[];
    readonly schemas: readonly PlannedSchema[];
    readonly grants: readonly PlannedGrant[];
    readonly memberships: readonly PlannedMembership[];
    readonly defaultPrivileges: readonly PlannedDefaultPrivileges[];
    /** Per service: login role, physical schema, search_path (what outputs and connection strings use). */
    readonly services: readonly PlannedService[];
    /** The release-migration (operator) login: SET ROLE to any service role, no privileges of its own. */
    readonly migrator: { readonly role: string };
    /** What the applying admin cannot do that a superuser could (empty for a superuser). */
    readonly limitations: readonly Limitation[];
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

function checkIdent(field: string, value: string): void {
    if (!IDENT.test(value)) throw new Error(`${field}: expected a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters), got ${JSON.stringify(value)}`);
}

function checkOptions(opts: PostgresPlanOptions): void {
    checkIdent("database", opts.database);
    checkIdent("extensionsSchema", opts.extensionsSchema);
    opts.extensions.forEach((e, i) => checkIdent(`extensions[${i}]`, e));
    if (!Number.isInteger(opts.connectionLimit) || opts.connectionLimit < 1) {
        throw new Error(`connectionLimit: expected an integer >= 1, got ${opts.connectionLimit}`);
    }
    if (!Number.isInteger(opts.statementTimeoutMs) || opts.statementTimeoutMs < 1) {
        throw new Error(`statementTimeoutMs: expected an integer >= 1, got ${opts.statementTimeoutMs}`);
    }
}

/** Validates options and derives the plan; throws naming the offending field. */
export function planPostgres(opts: PostgresPlanOptions, catalog: Catalog = CATALOG): PostgresPlan {
    checkOptions(opts);
    const roles: PlannedRole[] = [];
    const schemas: PlannedSchema[] = [];
    const grants: PlannedGrant[] = [];
    const memberships: PlannedMembership[] = [];
    const defaults: PlannedDefaultPrivileges[] = [];
    const services: PlannedService[] = [];
    const seen = new Map<string, string>();
    const migrator = `${opts.rolePrefix}migrator`;
    checkIdent("rolePrefix (migrator role)", migrator);

    // PUBLIC keeps nothing: no CONNECT/TEMP on the database, no CREATE (or USAGE) on schema public.
    grants.push({ key: "public-database", role: "public", on: "database", privileges: [] });
    grants.push({ key: "public-schema-public", role: "public", on: "schema", schema: "public", privileges: [] });

    for (const spec of catalog.schemas) {
        const schema = opts.schemaNames?.[spec.name] ?? spec.name;
        checkIdent(`schemaNames.${spec.name}`, schema);
        const clash = seen.get(schema);
        if (clash) throw new Error(`schemaNames.${spec.name}: expected a schema name used once, "${schema}" is also used by ${clash}`);
        if (schema === opts.extensionsSchema || schema === "public") {
            throw new Error(`schemaNames.${spec.name}: expected a schema name other than public and ${opts.extensionsSchema}, got "${schema}"`);
        }
        seen.set(schema, spec.name);

        const owner = `${opts.rolePrefix}${spec.name}_owner`;
        const login = `${opts.rolePrefix}${spec.owner}`;
        const reader = `${opts.rolePrefix}${spec.name}_read`;
        for (const [field, name] of [["rolePrefix (owner role)", owner], ["rolePrefix (service role)", login], ["rolePrefix (read-only role)", reader]]) {
            checkIdent(field, name);
        }
        const searchPath = [schema, opts.extensionsSchema];
        roles.push({ key: `${spec.name}-owner`, name: owner, kind: "owner", login: false, inherit: true, schema: spec.name, connectionLimit: -1 });
        roles.push({
            key: `${spec.name}-service`,
            name: login,
            kind: "service",
            login: true,
            inherit: true,
            schema: spec.name,
            service: spec.owner,
            connectionLimit: opts.connectionLimit,
            statementTimeoutMs: opts.statementTimeoutMs,
            searchPath,
        });
        roles.push({ key: `${spec.name}-read`, name: reader, kind: "readonly", login: false, inherit: true, schema: spec.name, connectionLimit: -1, searchPath });
        schemas.push({ key: spec.name, name: schema, owner, service: spec.owner });
        services.push({ service: spec.owner, role: login, schema, searchPath });

        // The service migrates itself at start-up: `CREATE SCHEMA IF NOT EXISTS <own>` checks CREATE
        // on the database before it looks whether the schema exists, so the service gets CREATE on
        // the database (README: what that allows), and USAGE + CREATE in its own schema only.
        grants.push({ key: `${spec.name}-service-database`, role: login, on: "database", privileges: ["CONNECT", "CREATE"] });
        grants.push({ key: `${spec.name}-service-schema`, role: login, on: "schema", schema, privileges: ["CREATE", "USAGE"] });
        grants.push({ key: `${spec.name}-service-extensions`, role: login, on: "schema", schema: opts.extensionsSchema, privileges: ["USAGE"] });
        grants.push({ key: `${spec.name}-read-database`, role: reader, on: "database", privileges: ["CONNECT"] });
        grants.push({ key: `${spec.name}-read-schema`, role: reader, on: "schema", schema, privileges: ["USAGE"] });
        grants.push({ key: `${spec.name}-read-extensions`, role: reader, on: "schema", schema: opts.extensionsSchema, privileges: ["USAGE"] });
        grants.push({ key: `${spec.name}-read-tables`, role: reader, on: "table", schema, privileges: ["SELECT"] });
        grants.push({ key: `${spec.name}-read-sequences`, role: reader, on: "sequence", schema, privileges: ["SELECT"] });
        // Tables the service creates later are readable by the read-only role without a new grant.
        defaults.push({ key: `${spec.name}-read-tables`, owner: login, schema, on: "table", role: reader, privileges: ["SELECT"] });
        defaults.push({ key: `${spec.name}-read-sequences`, owner: login, schema, on: "sequence", role: reader, privileges: ["SELECT"] });
        // Release migrations (`stella system migrations-run`) run as the service they migrate, so
        // what they create is owned by that service: the migrator may SET ROLE to it, nothing more.
        memberships.push({ key: `migrator-${spec.name}`, role: login, member: migrator });
    }

    // NOINHERIT: the migrator holds no privilege until it SETs ROLE to one service at a time.
    roles.push({ key: "migrator", name: migrator, kind: "migrator", login: true, inherit: false, connectionLimit: opts.connectionLimit });
    grants.push({ key: "migrator-database", role: migrator, on: "database", privileges: ["CONNECT"] });

    const names = roles.map((r) => r.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`rolePrefix: expected role names used once, "${dup}" is planned twice`);

    const adminSuperuser = opts.adminSuperuser ?? true;
    return {
        database: opts.database,
        createDatabase: opts.createDatabase,
        adminSuperuser,
        extensionsSchema: opts.extensionsSchema,
        extensions: [...opts.extensions],
        roles,
        schemas,
        grants,
        memberships,
        defaultPrivileges: defaults,
        services,
        migrator: { role: migrator },
        limitations: adminSuperuser ? [] : adminLimitations(opts.extensions),
    };
}
