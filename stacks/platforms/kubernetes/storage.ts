/**
 * Object storage on Kubernetes: RustFS as one StatefulSet (`topology: single`) or distributed
 * (`ha`); the planned buckets, per-service users and the backup bucket with its identities (with
 * `ha`, one for CloudNativePG's continuous archiving too), made by an in-cluster `mc` Job
 * (`bootstrap: job`) or by the S3 and MinIO-admin providers from the runner (`direct`).
 */
import * as pulumi from "@pulumi/pulumi";
import { archiverPolicy } from "../../../components/backup/plan";
import { BackupStorage } from "../../../components/backup/storage";
import { generatedRootKeys } from "../../../components/credentials";
import { ObjectStoreBootstrapJob } from "../../../components/objectstore/bootstrap-job";
import { RustfsCluster } from "../../../components/objectstore/rustfs-cluster";
import { RustfsStatefulSet } from "../../../components/objectstore/rustfs-kubernetes";
import { ServiceCredentials, s3Settings } from "../../../components/objectstore/settings";
import { s3CompatibleStore } from "../../layers/objectstore";
import type { ObjectStoreConnection, PerService } from "../../layers/types";
import { K8sContext } from "./context";

/** The backup bucket and its identities, however they were made. */
export interface BackupIdentities {
    readonly bucketName: pulumi.Output<string>;
    readonly writer?: ServiceCredentials;
    readonly reader?: ServiceCredentials;
    readonly archiver?: ServiceCredentials;
}

export interface KubernetesStorage {
    readonly services: PerService<ObjectStoreConnection>;
    /** In-cluster S3 URL. */
    readonly serviceUrl: pulumi.Output<string>;
    /** The RustFS pods' labels (NetworkPolicies of clients that reach it from this namespace). */
    readonly podLabels: Readonly<Record<string, string>>;
    readonly backup?: BackupIdentities;
}

/** Key prefix of CloudNativePG's archive in the backup bucket: its server name, the cluster's. */
export const ARCHIVE_PREFIX = "postgres/";

export function kubernetesStorage(ctx: K8sContext): KubernetesStorage {
    const { input, plans, namespace, clients, on } = ctx;
    const cfg = input.config;
    const k = cfg.kubernetes;
    const root = generatedRootKeys("objectstore-root");
    const args = { namespace, appName: "rustfs", image: cfg.images.rustfs, storageClass: k.storageClass, clients, rootAccessKey: root.accessKey, rootSecretKey: root.secretKey };
    const rustfs = plans.rustfs
        ? new RustfsCluster("objectstore-rustfs", { ...args, layout: plans.rustfs, volumeSize: cfg.objectStore.storageSize, zoneSpread: k.zoneSpread ?? "preferred" }, on)
        : new RustfsStatefulSet("objectstore-rustfs", { ...args, storageSize: cfg.objectStore.storageSize }, on);
    const serviceUrl = pulumi.interpolate`http://${rustfs.host}:${rustfs.port}`;
    const ready = [rustfs instanceof RustfsCluster ? rustfs.statefulSet : rustfs.server.statefulSet];
    const namePrefix = cfg.objectStore.bucketPrefix ?? "stellaops";
    const podLabels = { "app.kubernetes.io/name": "rustfs", "app.kubernetes.io/part-of": "stellaops-deps" };
    const backup = plans.backup;

    if (k.bootstrap === "direct") {
        const store = s3CompatibleStore(plans.objectStore, {
            serviceUrl,
            // In-cluster DNS works only when Pulumi runs in the cluster; otherwise a port-forward.
            providerUrl: cfg.objectStore.providerEndpoint ?? serviceUrl,
            accessKey: root.accessKey,
            secretKey: root.secretKey,
            region: cfg.objectStore.region,
            ready,
            users: true,
            policyPrefix: namePrefix,
        }, plans.rotation);
        const ids = backup && new BackupStorage("backup-storage", { plan: backup, backend: "s3compatible", users: true, namePrefix, ...(plans.cnpg && { archiverPrefix: ARCHIVE_PREFIX }) }, { providers: [store.s3, store.admin!] });
        return { services: store.services, serviceUrl, podLabels, ...(ids && { backup: ids }) };
    }

    // Same users as BackupStorage makes (same names and policies), in the same Job as the rest.
    const extraIdentities = backup
        ? [
              { user: `${namePrefix}-backup-w`, policy: backup.writerPolicy },
              { user: `${namePrefix}-backup-r`, policy: backup.readerPolicy },
              ...(plans.cnpg ? [{ user: `${namePrefix}-backup-a`, policy: archiverPolicy(backup.bucket.name, ARCHIVE_PREFIX) }] : []),
          ]
        : [];
    const job = new ObjectStoreBootstrapJob(
        "objectstore-bootstrap",
        {
            plan: plans.objectStore,
            namespace,
            image: cfg.images.mc,
            endpoint: serviceUrl,
            rootAccessKey: root.accessKey,
            rootSecretKey: root.secretKey,
            policyPrefix: namePrefix,
            podLabel: k.clientPodLabel,
            ready,
            ...(backup && { extraBuckets: [backup.bucket], extraIdentities }),
            rotation: plans.rotation,
        },
        on,
    );
    const names = new Map(Object.entries(job.bucketNames));
    const services = s3Settings(plans.objectStore, { endpoint: serviceUrl, region: cfg.objectStore.region, forcePathStyle: true }, (s) => job.credentials[s]!, names);
    const id = (user: string) => job.identities[user];
    const ids: BackupIdentities | undefined = backup && {
        bucketName: job.bucketNames[backup.bucket.name],
        writer: id(`${namePrefix}-backup-w`),
        reader: id(`${namePrefix}-backup-r`),
        ...(plans.cnpg && { archiver: id(`${namePrefix}-backup-a`) }),
    };
    return { services: services as PerService<ObjectStoreConnection>, serviceUrl, podLabels, ...(ids && { backup: ids }) };
}
