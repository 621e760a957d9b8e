/**
 * The slice of the CloudNativePG API (postgresql.cnpg.io/v1, operator 1.26 or later) and of its
 * Barman Cloud plugin (barmancloud.cnpg.io/v1, plugin 0.5 or later) that this project writes.
 * The API is not served here as a Go module: every field below was read from the public API
 * types and documentation of those versions (`api/v1/cluster_types.go`, `pooler_types.go`,
 * `scheduledbackup_types.go`, `imagecatalog_types.go`; the plugin's `objectstore_types.go`), and
 * only the fields this project sets are typed. Constants name what CNPG itself creates.
 */
import type * as k8s from "@pulumi/kubernetes";

export const CNPG_API_VERSION = "postgresql.cnpg.io/v1";
export const BARMAN_API_VERSION = "barmancloud.cnpg.io/v1";
export const KIND = { cluster: "Cluster", pooler: "Pooler", scheduledBackup: "ScheduledBackup", imageCatalog: "ImageCatalog", objectStore: "ObjectStore" } as const;

/** The CRDs the stack needs, read before anything is created (a missing operator fails the preview). */
export const CNPG_CRDS = ["clusters.postgresql.cnpg.io", "poolers.postgresql.cnpg.io", "scheduledbackups.postgresql.cnpg.io", "imagecatalogs.postgresql.cnpg.io", "objectstores.barmancloud.cnpg.io"] as const;

/** Name of the Barman Cloud plugin in `spec.plugins` and `pluginConfiguration`. */
export const BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io";

/** Labels CNPG puts on what it creates (pkg/utils/labels_annotations.go). */
export const CNPG_LABEL = { cluster: "cnpg.io/cluster", podRole: "cnpg.io/podRole", pooler: "cnpg.io/poolerName" } as const;

/** Ports (CNPG's security docs, "Exposed Ports"). PgBouncer listens on 5432 as PostgreSQL does. */
export const CNPG_PORT = { postgres: 5432, status: 8000, metrics: 9187, pgbouncer: 5432, pgbouncerMetrics: 9127 } as const;

/** Label of the operator's pod in the upstream manifests and Helm chart. */
export const CNPG_OPERATOR_POD_LABEL = { "app.kubernetes.io/name": "cloudnative-pg" } as const;

/** uid/gid of `postgres` in the CloudNativePG operand images (the Cluster's own default). */
export const CNPG_POSTGRES_UID = 26;

type Resources = k8s.types.input.core.v1.ResourceRequirements;
type Spread = k8s.types.input.core.v1.TopologySpreadConstraint;
type SecretKeyRef = { readonly name: string; readonly key: string };

/** ImageCatalog: the major version is declared, so an image referenced by digest alone works. */
export interface ImageCatalogSpec {
    readonly images: readonly { readonly major: number; readonly image: string }[];
}

export interface StorageSpec {
    readonly size: string;
    readonly storageClass?: string;
}

export interface SynchronousSpec {
    /** any: quorum-based; first: priority list. */
    readonly method: "any" | "first";
    /** Standbys every commit waits for. */
    readonly number: number;
    /** required: writes wait while too few standbys are up; preferred: they go on with fewer. */
    readonly dataDurability: "required" | "preferred";
}

export interface ClusterSpec {
    readonly description: string;
    readonly instances: number;
    readonly imageCatalogRef: { readonly apiGroup: "postgresql.cnpg.io"; readonly kind: "ImageCatalog"; readonly name: string; readonly major: number };
    readonly imagePullPolicy: "IfNotPresent";
    readonly postgresUID: number;
    readonly postgresGID: number;
    /** Labels copied onto every object CNPG creates (pods, PVCs, Services, PDBs). */
    readonly inheritedMetadata: { readonly labels: Readonly<Record<string, string>> };
    readonly postgresql: {
        readonly parameters: Readonly<Record<string, string>>;
        readonly synchronous: SynchronousSpec;
        /** Lines placed before CNPG's default rules (after its fixed ones). */
        readonly pg_hba: readonly string[];
    };
    readonly bootstrap: { readonly initdb: { readonly database: string; readonly owner: string; readonly dataChecksums: boolean; readonly postInitSQL: readonly string[] } };
    readonly enableSuperuserAccess: true;
    /** A `kubernetes.io/basic-auth` Secret with username `postgres`. */
    readonly superuserSecret: { readonly name: string };
    readonly storage: StorageSpec;
    readonly walStorage?: StorageSpec;
    readonly affinity: { readonly enablePodAntiAffinity: true; readonly podAntiAffinityType: "required" | "preferred"; readonly topologyKey: string };
    readonly topologySpreadConstraints: readonly Spread[];
    readonly resources: Resources;
    readonly primaryUpdateStrategy: "unsupervised" | "supervised";
    readonly primaryUpdateMethod: "switchover" | "restart";
    /** CNPG's own PodDisruptionBudgets (primary, and replicas from 3 instances). */
    readonly enablePDB: true;
    readonly seccompProfile: { readonly type: "RuntimeDefault" };
    readonly plugins: readonly { readonly name: string; readonly isWALArchiver: boolean; readonly parameters: Readonly<Record<string, string>> }[];
}

export interface PoolerSpec {
    readonly cluster: { readonly name: string };
    readonly type: "rw";
    readonly instances: number;
    readonly pgbouncer: {
        readonly poolMode: "session" | "transaction";
        /** Set: the operator does not integrate the pooler (no `cnpg_pooler_pgbouncer`); the stack owns the auth role. */
        readonly authQuerySecret: { readonly name: string };
        readonly authQuery: string;
        readonly parameters: Readonly<Record<string, string>>;
        /** PgBouncer's hba lines, before the operator's `host all all 0.0.0.0/0 md5`. */
        readonly pg_hba: readonly string[];
    };
    readonly template: {
        readonly metadata: { readonly labels: Readonly<Record<string, string>> };
        readonly spec: { readonly containers: readonly { readonly name: "pgbouncer"; readonly image: string; readonly resources: Resources }[]; readonly topologySpreadConstraints: readonly Spread[] };
    };
}

export interface ScheduledBackupSpec {
    /** robfig/cron with seconds: six fields, seconds first. */
    readonly schedule: string;
    readonly immediate: boolean;
    readonly cluster: { readonly name: string };
    readonly method: "plugin";
    readonly pluginConfiguration: { readonly name: string };
    /** self: the ScheduledBackup owns the Backup objects it creates. */
    readonly backupOwnerReference: "self";
    readonly target: "prefer-standby" | "primary";
}

/** `Endpoint`: string, or `pulumi.Input<string>` while the endpoint is an Output. */
export interface ObjectStoreSpec<Endpoint = string> {
    readonly configuration: {
        readonly destinationPath: string;
        readonly endpointURL: Endpoint;
        readonly s3Credentials: { readonly accessKeyId: SecretKeyRef; readonly secretAccessKey: SecretKeyRef; readonly region: SecretKeyRef };
        readonly wal: { readonly compression: "gzip" };
        readonly data: { readonly compression: "gzip" };
    };
    /** `<n>[dwm]`: a recovery window, enforced by barman-cloud-backup-delete. */
    readonly retentionPolicy: string;
    readonly instanceSidecarConfiguration: { readonly env: readonly { readonly name: string; readonly value: string }[] };
}
