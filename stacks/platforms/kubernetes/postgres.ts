/**
 * PostgreSQL on Kubernetes: one StatefulSet (`topology: single`), or a CloudNativePG cluster
 * behind a PgBouncer pooler with continuous archiving to the object store (`ha`). The role model
 * goes on top through the server's read-write address, made by an in-cluster Job
 * (`bootstrap: job`, the runner needs only the Kubernetes API) or by the PostgreSQL provider from
 * the runner (`direct`).
 */
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_PASSWORD_VARIABLE, renderBackupRoleSql } from "../../../components/backup/role-sql";
import { generatedPassword } from "../../../components/credentials";
import type { ServiceCredentials } from "../../../components/objectstore/settings";
import { PostgresBootstrapJob, PostgresBootstrapJobArgs } from "../../../components/postgres/bootstrap-job";
import { CnpgCluster } from "../../../components/postgres/cnpg-cluster";
import { CnpgPoolerAuth } from "../../../components/postgres/cnpg-pooler-auth";
import { POOLER_AUTH_PASSWORD_VARIABLE, renderPoolerAuthSql } from "../../../components/postgres/cnpg-pooler-auth-sql";
import { PostgresStatefulSet } from "../../../components/postgres/kubernetes";
import type { ServiceSchemasEndpoint } from "../../../components/postgres/service-schemas";
import { PostgresAccess, adminAddress, postgresAccess, postgresConnections } from "../../layers/postgres";
import type { Deployed } from "../../layers/types";
import { K8sContext } from "./context";

/** Where the instances send base backups and WAL (ha): the backup bucket, its archiver identity. */
export interface ArchiveTarget {
    readonly bucket: string;
    readonly endpoint: pulumi.Input<string>;
    readonly region: string;
    readonly credentials: ServiceCredentials;
    /** Labels of the object store's pods, so a NetworkPolicy admits the instances to them. */
    readonly serverPodLabels: Readonly<Record<string, string>>;
}

export interface KubernetesPostgres extends Pick<Deployed, "postgres" | "postgresMigrator"> {
    /** `direct`: the provider and ServiceSchemas, for more database objects (the backup role). */
    readonly direct?: PostgresAccess;
    /** `job`: the backup role's password, set by the bootstrap Job (it made the role). */
    readonly backupPassword?: pulumi.Output<string>;
    /** Where in-cluster jobs (backups) reach the server, and with which sslmode. */
    readonly host: pulumi.Output<string>;
    readonly port: number;
    readonly sslMode: string;
}

/** The server: where services, the provider or Job, and in-cluster jobs connect. */
interface Server {
    readonly endpoint: ServiceSchemasEndpoint;
    readonly rw: { readonly host: pulumi.Output<string>; readonly port: number };
    readonly ready: pulumi.Resource[];
    readonly superuserPassword: pulumi.Output<string>;
    /** ha: the pooler's auth login password, whose role the stack creates. */
    readonly poolerAuthPassword?: pulumi.Output<string>;
}

function server(ctx: K8sContext, archive?: ArchiveTarget): Server {
    const { input, plans, namespace, clients, on } = ctx;
    const cfg = input.config;
    const superuserPassword = generatedPassword("postgres-superuser-password");
    if (!plans.cnpg) {
        const pg = new PostgresStatefulSet("postgres", { namespace, image: cfg.images.postgres, storageSize: cfg.postgres.storageSize, storageClass: cfg.kubernetes.storageClass, superuserPassword, clients }, on);
        return { endpoint: { host: pg.host, port: pg.port, sslMode: "disable" }, rw: { host: pg.host, port: pg.port }, ready: [pg.server.statefulSet], superuserPassword };
    }
    if (!archive) throw new Error("internal: topology ha needs the backup bucket for continuous archiving");
    const pg = new CnpgCluster(
        "postgres",
        {
            plan: plans.cnpg,
            namespace,
            superuserPassword,
            clients,
            operatorNamespace: cfg.kubernetes.operatorNamespace,
            backup: { bucket: archive.bucket, endpoint: archive.endpoint, region: archive.region, accessKeyId: archive.credentials.accessKeyId, secretAccessKey: archive.credentials.secretAccessKey, serverPodLabels: archive.serverPodLabels },
        },
        on,
    );
    // Services through the pooler; the admin and the migrator on the read-write service (PgBouncer
    // drops the `options` startup parameter the migrator's strings use). Plain TCP is refused.
    const rw = { host: pg.rwHost, port: pg.port };
    return { endpoint: { host: pg.pooler.host, port: pg.pooler.port, sslMode: "require", migratorEndpoint: rw }, rw, ready: [pg.cluster], superuserPassword, poolerAuthPassword: pg.pooler.authPassword };
}

export function kubernetesPostgres(ctx: K8sContext, archive?: ArchiveTarget): KubernetesPostgres {
    const { input, plans, on } = ctx;
    const cfg = input.config;
    const srv = server(ctx, archive);
    const at = { host: srv.rw.host, port: srv.rw.port, sslMode: srv.endpoint.sslMode };
    if (cfg.kubernetes.bootstrap === "direct") {
        const access = postgresAccess(plans.postgres, {
            host: srv.endpoint.host,
            port: srv.endpoint.port,
            admin: { ...adminAddress(cfg.postgres, srv.rw.host, srv.rw.port), user: "postgres", password: srv.superuserPassword, superuser: true },
            sslMode: srv.endpoint.sslMode,
            ready: srv.ready,
            ...(srv.endpoint.migratorEndpoint && { migratorEndpoint: srv.endpoint.migratorEndpoint }),
        }, plans.rotation);
        if (plans.cnpg && srv.poolerAuthPassword) {
            new CnpgPoolerAuth("postgres-pooler-login", { plan: plans.cnpg, access: plans.postgres, database: access.schemas.database, password: srv.poolerAuthPassword }, { providers: [access.provider] });
        }
        return { postgres: access.postgres, postgresMigrator: access.postgresMigrator, direct: access, ...at };
    }
    // The Job makes the role model and, with it, the logins other parts need: the backup role
    // (single topology: pg_dump) and the pooler's auth login (ha).
    const backupPassword = plans.backup && !plans.cnpg ? generatedPassword("backup-role-password") : undefined;
    const extraSql: NonNullable<PostgresBootstrapJobArgs["extraSql"]> = [
        ...(backupPassword && plans.backup
            ? [{ file: "backup-role.sql", sql: renderBackupRoleSql(plans.backup, true), database: plans.postgres.database, logins: [{ role: plans.backup.role.name, variable: BACKUP_PASSWORD_VARIABLE }], passwords: { [BACKUP_PASSWORD_VARIABLE]: backupPassword } }]
            : []),
        ...(plans.cnpg && srv.poolerAuthPassword
            ? [{ file: "pooler-auth.sql", sql: renderPoolerAuthSql(plans.cnpg, plans.postgres), database: plans.postgres.database, logins: [{ role: plans.cnpg.pooler.authRole, variable: POOLER_AUTH_PASSWORD_VARIABLE }], passwords: { [POOLER_AUTH_PASSWORD_VARIABLE]: srv.poolerAuthPassword } }]
            : []),
    ];
    const job = new PostgresBootstrapJob(
        "postgres-bootstrap",
        { plan: plans.postgres, namespace: ctx.namespace, image: cfg.images.postgres, server: srv.endpoint, admin: { user: "postgres", password: srv.superuserPassword }, podLabel: cfg.kubernetes.clientPodLabel, ready: srv.ready, extraSql, rotation: plans.rotation },
        on,
    );
    return { ...postgresConnections(plans.postgres, job, srv.endpoint), ...(backupPassword && { backupPassword }), ...at };
}
