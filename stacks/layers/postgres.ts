/**
 * PostgreSQL access on a server a platform stood up (or points at): a PostgreSQL provider wired
 * to it as its admin, the ServiceSchemas on top, and per-service connection settings.
 */
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { PostgresPlan } from "../../components/postgres/plan";
import type { RotationPlan } from "../../components/rotation";
import { ServiceSchemas } from "../../components/postgres/service-schemas";
import type { PostgresConfig } from "../config";
import type { Deployed, PerService, PostgresConnection, Published } from "./types";

/** A PostgreSQL server as the access layer needs it. */
export interface PostgresServer {
    /** Where services connect. */
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    /** Where the Pulumi provider connects, as whom. */
    readonly admin: { readonly host: pulumi.Input<string>; readonly port: pulumi.Input<number>; readonly user: pulumi.Input<string>; readonly password: pulumi.Input<string>; readonly superuser: boolean };
    /** sslmode of the admin connection and of the services' settings. */
    readonly sslMode: string;
    /** Resources that must be ready (health check passed) before the provider connects. */
    readonly ready: pulumi.Resource[];
    /** dev: where the Docker host reaches it. */
    readonly published?: Published;
    /** Where the migrator connects when services go through a pooler (the read-write server). @default host and port */
    readonly migratorEndpoint?: { readonly host: pulumi.Input<string>; readonly port: pulumi.Input<number> };
}

/** The admin address: `postgres.adminHost`/`adminPort` (a tunnel) when set, else the server's own. */
export function adminAddress(pg: Partial<Pick<PostgresConfig, "adminHost" | "adminPort">>, host: pulumi.Input<string>, port: pulumi.Input<number>) {
    return { host: pg.adminHost ?? host, port: pg.adminPort ?? port };
}

export interface PostgresAccess extends Pick<Deployed, "postgres" | "postgresMigrator"> {
    /** The provider connected as the admin, for more database objects (the backup role). */
    readonly provider: postgresql.Provider;
    readonly schemas: ServiceSchemas;
}

/** `rotation`: the stack's plan (stacks/plans.ts); the login roles' passwords follow it. */
export function postgresAccess(plan: PostgresPlan, server: PostgresServer, rotation: RotationPlan): PostgresAccess {
    const provider = new postgresql.Provider(
        "postgres-provider",
        {
            host: server.admin.host,
            port: server.admin.port,
            username: server.admin.user,
            password: server.admin.password,
            database: "postgres",
            sslmode: server.sslMode,
            superuser: server.admin.superuser,
            connectTimeout: 30,
        },
        { dependsOn: server.ready },
    );
    const access = new ServiceSchemas(
        "postgres-access",
        { plan, host: server.host, port: server.port, sslMode: server.sslMode, rotation, ...(server.migratorEndpoint && { migratorEndpoint: server.migratorEndpoint }) },
        { providers: [provider] },
    );
    return { ...postgresConnections(plan, access, server), provider, schemas: access };
}

/** Per-service settings and the migrator from what made the roles (ServiceSchemas or the bootstrap Job). */
export function postgresConnections(plan: PostgresPlan, access: Pick<ServiceSchemas, "services" | "migrator">, server: Pick<PostgresServer, "host" | "port" | "published">): Pick<Deployed, "postgres" | "postgresMigrator"> {
    const postgres: PerService<PostgresConnection> = {};
    for (const [name, a] of Object.entries(access.services)) {
        postgres[name] = {
            host: server.host,
            port: server.port,
            database: plan.database,
            schema: a.schema,
            role: a.role,
            dsn: a.dsn,
            connectionString: a.connectionString,
            password: a.password,
            ...(server.published && { published: server.published }),
        };
    }
    const m = access.migrator;
    return { postgres, postgresMigrator: { role: m.role, password: m.password, dsn: m.dsn } };
}
