/**
 * ServiceSchemas: the database, one schema shell per owning service, and the roles and grants
 * that make each schema a security boundary. Never creates tables: services migrate their own.
 */
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ServiceName } from "../catalog";
import { PlannedGrant, PostgresPlanOptions, planPostgres } from "./plan";

export const SERVICE_SCHEMAS_TYPE = "stellaops:postgres:ServiceSchemas";

export interface ServiceSchemasArgs extends PostgresPlanOptions {
    /** Host services connect to (goes into the DSNs). */
    readonly host: pulumi.Input<string>;
    /** Port services connect to. */
    readonly port: pulumi.Input<number>;
    /** sslmode in the DSNs. */
    readonly sslMode: string;
}

export interface ServiceDatabaseAccess {
    readonly role: string;
    readonly schema: string;
    /** Secret. */
    readonly password: pulumi.Output<string>;
    /** postgres://role:password@host:port/db?sslmode=... (secret). */
    readonly dsn: pulumi.Output<string>;
}

export class ServiceSchemas extends pulumi.ComponentResource {
    /** Name of the database holding the schemas. */
    public readonly database: pulumi.Output<string>;
    /** Per owning service: login role, schema, password and DSN. */
    public readonly services: Partial<Record<ServiceName, ServiceDatabaseAccess>>;

    constructor(name: string, args: ServiceSchemasArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SERVICE_SCHEMAS_TYPE, name, {}, opts);
        const plan = planPostgres(args);
        const child = { parent: this };
        // Stateful: dropping the database, a schema or a login role (which owns the service's
        // tables) loses data, so none of them may be deleted or replaced without intent.
        const stateful = { parent: this, protect: true, retainOnDelete: true };

        this.database = plan.createDatabase
            ? new postgresql.Database(`${name}-database`, { name: plan.database }, stateful).name
            : pulumi.output(plan.database);
        const database = this.database;

        const extSchema = new postgresql.Schema(`${name}-schema-${plan.extensionsSchema}`, { name: plan.extensionsSchema, database, ifNotExists: true }, stateful);
        for (const e of plan.extensions) {
            new postgresql.Extension(`${name}-extension-${e}`, { name: e, schema: extSchema.name, database }, child);
        }

        const passwords: Partial<Record<ServiceName, pulumi.Output<string>>> = {};
        const roles = new Map<string, postgresql.Role>();
        for (const r of plan.roles) {
            let password: pulumi.Output<string> | undefined;
            if (r.login && r.service) {
                const pw = new random.RandomPassword(`${name}-password-${r.service}`, { length: 32, special: false }, child);
                password = passwords[r.service] = pulumi.secret(pw.result);
            }
            const role = new postgresql.Role(
                `${name}-role-${r.key}`,
                {
                    name: r.name,
                    login: r.login,
                    password,
                    connectionLimit: r.connectionLimit,
                    statementTimeout: r.statementTimeoutMs,
                    searchPaths: r.searchPath ? [...r.searchPath] : undefined,
                    inherit: true,
                },
                r.kind === "service" ? stateful : child,
            );
            roles.set(r.name, role);
        }
        const roleName = (n: string): pulumi.Input<string> => roles.get(n)?.name ?? n;

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
            new postgresql.Grant(
                `${name}-grant-${g.key}`,
                { database, role: roleName(g.role), objectType: g.on, schema: schemaName(g.schema), privileges: [...g.privileges] },
                replaceSafely,
            );
        });
        for (const d of plan.defaultPrivileges) {
            new postgresql.DefaultPrivileges(
                `${name}-defaults-${d.key}`,
                { database, owner: roleName(d.owner), role: roleName(d.role), schema: schemaName(d.schema), objectType: d.on, privileges: [...d.privileges] },
                replaceSafely,
            );
        }

        this.services = {};
        for (const s of plan.services) {
            const password = passwords[s.service]!;
            const dsn = pulumi.secret(pulumi.interpolate`postgres://${s.role}:${password}@${args.host}:${args.port}/${plan.database}?sslmode=${args.sslMode}`);
            this.services[s.service] = { role: s.role, schema: s.schema, password, dsn };
        }
        this.registerOutputs({ database: this.database, services: this.services });
    }
}
