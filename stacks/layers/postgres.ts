/**
 * PostgreSQL layer: the server the profile runs (container, StatefulSet, RDS, or an existing
 * one), a PostgreSQL provider wired to it, and the ServiceSchemas on top.
 */
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PostgresContainer } from "../../components/postgres/docker";
import { PostgresStatefulSet } from "../../components/postgres/kubernetes";
import { RdsPostgres } from "../../components/postgres/aws";
import { ServiceSchemas } from "../../components/postgres/service-schemas";
import { mebibytes } from "../config/rules";
import type { StackConfig, StackSecrets } from "../config";
import { awsNetwork, Platform } from "../platform";
import type { Endpoint, PerService, PostgresConnection } from "./types";

interface Server {
    /** Where services connect. */
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    /** Where the Pulumi provider connects, as whom. */
    readonly admin: { host: pulumi.Input<string>; port: pulumi.Input<number>; user: string; password: pulumi.Input<string>; sslMode: string; superuser: boolean };
    readonly ready: pulumi.Resource[];
    /** sslmode services use. */
    readonly sslMode: string;
}

function superuserPassword(): pulumi.Output<string> {
    return pulumi.secret(new random.RandomPassword("postgres-superuser-password", { length: 32, special: false }).result);
}

function server(cfg: StackConfig, secrets: StackSecrets, platform: Platform): Server {
    const pg = cfg.postgres;
    switch (platform.kind) {
        case "dev": {
            const password = superuserPassword();
            const c = new PostgresContainer(
                "postgres",
                { containerName: `${platform.namePrefix}-postgres`, image: cfg.images.postgres, networkName: platform.network.name, bindAddress: platform.bindAddress, hostPort: platform.ports.postgres, superuserPassword: password },
                { providers: [platform.provider] },
            );
            const admin = { host: pg.adminHost ?? c.adminHost, port: pg.adminPort ?? c.adminPort, user: "postgres", password, sslMode: "disable", superuser: true };
            return { host: c.host, port: c.port, admin, ready: [c.server.container], sslMode: "disable" };
        }
        case "airgap": {
            const password = superuserPassword();
            const s = new PostgresStatefulSet(
                "postgres",
                { namespace: platform.namespace, image: cfg.images.postgres, storageSize: pg.storageSize, storageClass: platform.storageClass, superuserPassword: password, clients: platform.clients },
                { providers: [platform.provider] },
            );
            const admin = { host: pg.adminHost ?? s.host, port: pg.adminPort ?? s.port, user: "postgres", password, sslMode: "disable", superuser: true };
            return { host: s.host, port: s.port, admin, ready: [s.server.statefulSet], sslMode: "disable" };
        }
        case "aws": {
            const rds = new RdsPostgres(
                "postgres",
                {
                    identifier: `${platform.namePrefix}-postgres`,
                    version: pg.version,
                    instanceClass: pg.instanceClass,
                    storageGb: Math.ceil(mebibytes(pg.storageSize) / 1024),
                    multiAz: pg.multiAz,
                    backupRetentionDays: pg.backupRetentionDays,
                    ...awsNetwork(platform),
                },
                { providers: [platform.provider] },
            );
            const admin = { host: pg.adminHost ?? rds.host, port: pg.adminPort ?? rds.port, user: rds.masterUsername, password: rds.masterPassword, sslMode: "require", superuser: false };
            return { host: rds.host, port: rds.port, admin, ready: [rds.instance], sslMode: "require" };
        }
        case "external": {
            // Presence is checked by config validation; the value stays a secret Output.
            const password = secrets.postgresAdminPassword!;
            const admin = { host: pg.host!, port: pg.port, user: pg.adminUser, password, sslMode: pg.sslMode, superuser: true };
            return { host: pg.host!, port: pg.port, admin, ready: [], sslMode: pg.sslMode };
        }
    }
}

export function deployPostgres(cfg: StackConfig, secrets: StackSecrets, platform: Platform): { endpoint: Endpoint; services: PerService<PostgresConnection> } {
    const pg = cfg.postgres;
    const srv = server(cfg, secrets, platform);
    const provider = new postgresql.Provider(
        "postgres-provider",
        {
            host: srv.admin.host,
            port: srv.admin.port,
            username: srv.admin.user,
            password: srv.admin.password,
            database: "postgres",
            sslmode: srv.admin.sslMode,
            superuser: srv.admin.superuser,
            connectTimeout: 30,
        },
        // The server must be up (health check passed) before the provider connects.
        { dependsOn: srv.ready },
    );
    const access = new ServiceSchemas(
        "postgres-access",
        {
            database: pg.database,
            createDatabase: pg.createDatabase,
            rolePrefix: pg.rolePrefix,
            schemaNames: pg.schemaNames,
            extensions: pg.extensions,
            extensionsSchema: pg.extensionsSchema,
            connectionLimit: pg.connectionLimit,
            statementTimeoutMs: pg.statementTimeoutMs,
            host: srv.host,
            port: srv.port,
            sslMode: srv.sslMode,
        },
        { providers: [provider] },
    );
    const services: PerService<PostgresConnection> = {};
    for (const [name, a] of Object.entries(access.services)) {
        services[name as keyof typeof services] = { host: srv.host, port: srv.port, database: pg.database, schema: a.schema, role: a.role, dsn: a.dsn, password: a.password };
    }
    return { endpoint: { host: srv.host, port: srv.port, ready: srv.ready }, services };
}
