/**
 * Object storage on Kubernetes: RustFS as one StatefulSet (`topology: single`) or distributed
 * (`ha`), the planned buckets and per-service users on it, and the backup bucket with its
 * identities (with `ha`, one for CloudNativePG's continuous archiving too).
 */
import * as pulumi from "@pulumi/pulumi";
import { BackupStorage } from "../../../components/backup/storage";
import { generatedRootKeys } from "../../../components/credentials";
import { RustfsCluster } from "../../../components/objectstore/rustfs-cluster";
import { RustfsStatefulSet } from "../../../components/objectstore/rustfs-kubernetes";
import { S3CompatibleStore, s3CompatibleStore } from "../../layers/objectstore";
import { K8sContext } from "./context";

export interface KubernetesStorage {
    readonly store: S3CompatibleStore;
    /** In-cluster S3 URL. */
    readonly serviceUrl: pulumi.Output<string>;
    /** The RustFS pods' labels (NetworkPolicies of clients that reach it from this namespace). */
    readonly podLabels: Readonly<Record<string, string>>;
    readonly backup?: BackupStorage;
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
    const namePrefix = cfg.objectStore.bucketPrefix ?? "stellaops";
    const store = s3CompatibleStore(plans.objectStore, {
        serviceUrl,
        // In-cluster DNS works only when Pulumi runs in the cluster; otherwise a port-forward.
        providerUrl: cfg.objectStore.providerEndpoint ?? serviceUrl,
        accessKey: root.accessKey,
        secretKey: root.secretKey,
        region: cfg.objectStore.region,
        ready: [rustfs instanceof RustfsCluster ? rustfs.statefulSet : rustfs.server.statefulSet],
        users: true,
        policyPrefix: namePrefix,
    });
    const backup = plans.backup
        ? new BackupStorage("backup-storage", { plan: plans.backup, backend: "s3compatible", users: true, namePrefix, ...(plans.cnpg && { archiverPrefix: ARCHIVE_PREFIX }) }, { providers: [store.s3, store.admin!] })
        : undefined;
    return { store, serviceUrl, podLabels: { "app.kubernetes.io/name": "rustfs", "app.kubernetes.io/part-of": "stellaops-deps" }, ...(backup && { backup }) };
}
