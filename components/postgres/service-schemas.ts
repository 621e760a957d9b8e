/**
 * ServiceSchemas: the database, one schema shell per owning service, and the roles, grants and
 * memberships that make each schema a security boundary, plus the release-migration login.
 * Never creates tables: services migrate their own.
 */
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceName } from "../catalog";
import { generatedPassword } from "../credentials";
import { generationOf, RotationPlan } from "../rotation";
import { npgsqlConnectionString, NpgsqlParts, postgresUrl } from "./connection-string";
import { Limitation, PlannedGrant, PostgresPlan } from "./plan";

export const SERVICE_SCHEMAS_TYPE = "stellaops:postgres:ServiceSchemas";

/** Where services connect; goes into the DSNs and connection strings. */
export interface ServiceSchemasEndpoint {
    /** Host services connect to. */
    readonly host: pulumi.Input<string>;
    /** Port services connect to. */
    readonly port: pulumi.Input<number>;
    /** libpq sslmode (disable, require, verify-ca, verify-full); mapped to Npgsql's `SSL Mode`. */
    readonly sslMode: string;
    /**
     * Where the migrator connects, when services go through a pooler that drops the `options`
     * startup parameter (PgBouncer): the server's read-write address. @default host and port
     */
    readonly migratorEndpoint?: { readonly host: pulumi.Input<string>; readonly port: pulumi.Input<number> };
}

/** Which generation each login's password is at (components/rotation.ts). */
export interface ServiceSchemasRotation {
    /** Raising a service's generation replaces its RandomPassword; its Role is updated in place (ALTER ROLE ... PASSWORD). @default no rotation */
    readonly rotation?: RotationPlan;
}

/** The plan computed once by the caller (stacks/plans.ts: planPostgres), like every component's. */
export type ServiceSchemasArgs = ServiceSchemasEndpoint & ServiceSchemasRotation & { readonly plan: PostgresPlan };

export interface ServiceDatabaseAccess {
    readonly role: string;
    readonly schema: string;
    /** Secret. */
    readonly password: pulumi.Output<string>;
    /** postgres://role:password@host:port/db?sslmode=... (secret). */
    readonly dsn: pulumi.Output<string>;
    /** Npgsql: Host=...;Port=...;Database=...;Username=...;Password=...;Search Path=<schema>,<extensions>;SSL Mode=... (secret). */
    readonly connectionString: pulumi.Output<string>;
}

export interface MigratorAccess {
    /** Login role for release migrations (`stella system migrations-run`); NOINHERIT, may SET ROLE to each service role. */
    readonly role: string;
    /** Secret. */
    readonly password: pulumi.Output<string>;
    /** postgres://... without a role switch (secret): SET ROLE <service role> before migrating. */
    readonly dsn: pulumi.Output<string>;
    /** Per service: Npgsql string that logs in as the migrator and starts as that service (`Options=-c role=...`), its search_path (secret). */
    readonly connectionStrings: Readonly<Record<ServiceName, pulumi.Output<string>>>;
}

/**
 * @example
 * const plan = planPostgres({ ...options, adminSuperuser: false });
 * new ServiceSchemas("postgres-access", { plan, host: rds.host, port: rds.port, sslMode: "require" }, { providers: [pgProvider] });
 */
export class ServiceSchemas extends pulumi.ComponentResource {
    /** Name of the database holding the schemas. */
    public readonly database: pulumi.Output<string>;
    /** Per owning service: login role, schema, password, DSN and Npgsql connection string. */
    public readonly services: Record<ServiceName, ServiceDatabaseAccess>;
    /** The release-migration login. */
    public readonly migrator: MigratorAccess;
    /** What the admin cannot do because it is not a superuser (empty for a superuser). */
    public readonly limitations: readonly Limitation[];
    /** Every planned role's name as an Output of its Role: other components that grant these roles depend on them through it. */
    public readonly roleNames: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: ServiceSchemasArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SERVICE_SCHEMAS_TYPE, name, {}, opts);
        const plan = args.plan;
        const child = { parent: this };
        // Stateful: dropping the database, a schema or a login role (which owns the service's
        // tables) loses data, so none of them may be deleted or replaced without intent.
        const stateful = { parent: this, protect: true, retainOnDelete: true };

        this.database = plan.createDatabase ? new postgresql.Database(`${name}-database`, { name: plan.database }, stateful).name : pulumi.output(plan.database);
        const database = this.database;

        const extSchema = new postgresql.Schema(`${name}-schema-${plan.extensionsSchema}`, { name: plan.extensionsSchema, database, ifNotExists: true }, stateful);
        for (const e of plan.extensions) {
            new postgresql.Extension(`${name}-extension-${e}`, { name: e, schema: extSchema.name, database }, child);
        }

        const passwords = new Map<string, pulumi.Output<string>>();
        const roles = new Map<string, postgresql.Role>();
        const roleName = (n: string): pulumi.Input<string> => roles.get(n)?.name ?? n;
        for (const r of plan.roles) {
            let password: pulumi.Output<string> | undefined;
            if (r.login) {
                // Original child names, so existing stacks keep their passwords. A raised generation
                // replaces only the RandomPassword (keepers); the Role takes the new one in place.
                password = generatedPassword(`${name}-password-${r.service ?? r.kind}`, child, 32, generationOf(args.rotation, r.service));
                passwords.set(r.name, password);
            }
            // The upstream provider revokes every membership a Role does not list whenever it updates
            // the Role (revokeRoles, then grantRoles, in one transaction): the migrator lists the
            // roles it joins, or a password rotation would leave it a member of nothing. The
            // GrantRole resources stay: they are the memberships bootstrap.sql is compared with.
            const memberOf = plan.memberships.filter((m) => m.member === r.name).map((m) => roleName(m.role));
            const role = new postgresql.Role(
                `${name}-role-${r.key}`,
                {
                    name: r.name,
                    login: r.login,
                    password,
                    connectionLimit: r.connectionLimit,
                    statementTimeout: r.statementTimeoutMs,
                    searchPaths: r.searchPath ? [...r.searchPath] : undefined,
                    inherit: r.inherit,
                    ...(memberOf.length > 0 && { roles: memberOf }),
                },
                // Login roles are kept: service roles own the services' tables, and dropping the
                // migrator would break release migrations mid-operation.
                r.login ? stateful : child,
            );
            roles.set(r.name, role);
        }

        const schemas = new Map<string, pulumi.Output<string>>([[plan.extensionsSchema, extSchema.name]]);
        for (const s of plan.schemas) {
            const schema = new postgresql.Schema(`${name}-schema-${s.key}`, { name: s.name, owner: roleName(s.owner), database, ifNotExists: true }, stateful);
            schemas.set(s.name, schema.name);
        }
        const schemaName = (n: string | undefined): pulumi.Input<string> | undefined => (n === undefined ? undefined : (schemas.get(n) ?? n));

        // Grants revoke what they granted when deleted: a replacement must delete first, or the
        // old grant's deletion would revoke the privileges the new one just granted.
        const replaceSafely = { parent: this, deleteBeforeReplace: true };
        plan.grants.forEach((g: PlannedGrant) => {
            new postgresql.Grant(`${name}-grant-${g.key}`, { database, role: roleName(g.role), objectType: g.on, schema: schemaName(g.schema), privileges: [...g.privileges] }, replaceSafely);
        });
        for (const m of plan.memberships) {
            new postgresql.GrantRole(`${name}-membership-${m.key}`, { role: roleName(m.member), grantRole: roleName(m.role) }, replaceSafely);
        }
        for (const d of plan.defaultPrivileges) {
            new postgresql.DefaultPrivileges(
                `${name}-defaults-${d.key}`,
                { database, owner: roleName(d.owner), role: roleName(d.role), schema: schemaName(d.schema), objectType: d.on, privileges: [...d.privileges] },
                replaceSafely,
            );
        }

        const connect = (login: string, extra: Partial<NpgsqlParts> = {}, searchPath: readonly string[] = [], at: { host: pulumi.Input<string>; port: pulumi.Input<number> } = args) =>
            pulumi.all([at.host, at.port, passwords.get(login)!]).apply(([host, port, password]) => {
                const parts = { host, port, database: plan.database, username: login, password, sslMode: args.sslMode, searchPath, ...extra };
                return { dsn: postgresUrl(parts), npgsql: npgsqlConnectionString(parts) };
            });
        this.services = {};
        const migratorStrings: Record<ServiceName, pulumi.Output<string>> = {};
        for (const s of plan.services) {
            const c = connect(s.role, {}, s.searchPath);
            const password = passwords.get(s.role)!;
            this.services[s.service] = { role: s.role, schema: s.schema, password, dsn: pulumi.secret(c.dsn), connectionString: pulumi.secret(c.npgsql) };
            migratorStrings[s.service] = pulumi.secret(connect(plan.migrator.role, { options: `-c role=${s.role}` }, s.searchPath, args.migratorEndpoint).npgsql);
        }
        const m = connect(plan.migrator.role, {}, [], args.migratorEndpoint);
        this.migrator = { role: plan.migrator.role, password: passwords.get(plan.migrator.role)!, dsn: pulumi.secret(m.dsn), connectionStrings: migratorStrings };
        this.limitations = plan.limitations;
        this.roleNames = Object.fromEntries([...roles].map(([n, r]) => [n, r.name]));
        this.registerOutputs({ database: this.database, services: this.services, migrator: this.migrator, limitations: this.limitations, roleNames: this.roleNames });
    }
}
