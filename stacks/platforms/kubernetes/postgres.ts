/**
 * PostgreSQL on Kubernetes: one StatefulSet (`topology: single`), or a CloudNativePG cluster
 * behind a PgBouncer pooler with continuous archiving to the object store (`ha`). The role
 * model goes on top through the server's read-write address either way.
 */
import { CnpgCluster } from "../../../components/postgres/cnpg-cluster";
import { CnpgPoolerAuth } from "../../../components/postgres/cnpg-pooler-auth";
import { PostgresStatefulSet } from "../../../components/postgres/kubernetes";
import type { ServiceCredentials } from "../../../components/objectstore/settings";
import { generatedPassword } from "../../../components/credentials";
import * as pulumi from "@pulumi/pulumi";
import { PostgresAccess, adminAddress, postgresAccess } from "../../layers/postgres";
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

export interface KubernetesPostgres {
    readonly access: PostgresAccess;
    /** Where in-cluster jobs (backups) reach the server, and with which sslmode. */
    readonly host: pulumi.Output<string>;
    readonly port: number;
    readonly sslMode: string;
}

export function kubernetesPostgres(ctx: K8sContext, archive?: ArchiveTarget): KubernetesPostgres {
    const { input, plans, namespace, clients, on } = ctx;
    const cfg = input.config;
    const superuserPassword = generatedPassword("postgres-superuser-password");
    if (plans.cnpg) {
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
        // Services through the pooler; the provider and the migrator on the read-write service
        // (PgBouncer drops the `options` startup parameter the migrator's strings use).
        const access = postgresAccess(plans.postgres, {
            host: pg.pooler.host,
            port: pg.pooler.port,
            admin: { ...adminAddress(cfg.postgres, pg.rwHost, pg.port), user: "postgres", password: superuserPassword, superuser: true },
            // Both PostgreSQL and PgBouncer refuse plain TCP in this topology.
            sslMode: "require",
            ready: [pg.cluster],
            migratorEndpoint: { host: pg.rwHost, port: pg.port },
        });
        new CnpgPoolerAuth("postgres-pooler-login", { plan: plans.cnpg, access: plans.postgres, database: access.schemas.database, password: pg.pooler.authPassword }, { providers: [access.provider] });
        return { access, host: pg.rwHost, port: pg.port, sslMode: "require" };
    }
    const pg = new PostgresStatefulSet("postgres", { namespace, image: cfg.images.postgres, storageSize: cfg.postgres.storageSize, storageClass: cfg.kubernetes.storageClass, superuserPassword, clients }, on);
    const access = postgresAccess(plans.postgres, {
        host: pg.host,
        port: pg.port,
        admin: { ...adminAddress(cfg.postgres, pg.host, pg.port), user: "postgres", password: superuserPassword, superuser: true },
        sslMode: "disable",
        ready: [pg.server.statefulSet],
    });
    return { access, host: pg.host, port: pg.port, sslMode: "disable" };
}
