/**
 * The deployment profiles as data: one row per profile, read by config validation, the layers,
 * the outputs, the tools (plan, render, snapshots, bench) and the PR workflow. A capability is a
 * field of the row, never a comparison with a profile's name; a new profile is a new row plus
 * its `Pulumi.<name>.yaml` and plan snapshot.
 */

/** Where a profile's servers live. */
export type PlatformKind = "docker" | "kubernetes" | "aws" | "none";

/** Config sections under `stellaops:` besides `profile`. */
export const SECTIONS = ["postgres", "valkey", "objectStore", "nats", "backup", "images", "docker", "kubernetes", "aws", "rotation", "services"] as const;
export type Section = (typeof SECTIONS)[number];

/** Secret config keys: read only with getSecret, never parsed, refused when set in plaintext. */
export const SECRET_KEYS = ["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey", "natsTlsCert", "natsTlsKey", "valkeyTlsCert", "valkeyTlsKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export interface ProfileDescriptor {
    readonly name: string;
    /** What one line of docs says about it. */
    readonly summary: string;
    readonly platform: PlatformKind;
    /** runs: the stack runs its own servers; managed: a cloud provider runs them; existing: they exist already. */
    readonly servers: "runs" | "managed" | "existing";
    /** shared: one bucket with a prefix per purpose; perPurpose: the documented bucket per purpose. */
    readonly bucketLayout: "shared" | "perPurpose";
    /** Bucket names must be globally unique (AWS S3): `objectStore.bucketPrefix` is required and prepended. */
    readonly globalBucketNames: boolean;
    /** Every image must be `<mirror>/<repository>@sha256:<digest>` and nothing may name a public host. */
    readonly mirroredImages: boolean;
    /** The PostgreSQL admin the stack uses: a superuser (own server), a managed-service admin (never a superuser), or `postgres.adminIsSuperuser`. */
    readonly postgresAdmin: "superuser" | "managed" | "configured";
    /** Whether NATS can be enabled (aws has no managed NATS). */
    readonly nats: boolean;
    /** Whether published addresses differ from in-network ones (Docker publishes ports on the host). */
    readonly hostAddresses: boolean;
    /** Example stacks of this profile: `Pulumi.<stack>.yaml` files, each with a plan snapshot. */
    readonly stacks: readonly string[];
    /** What a real `pulumi preview` of it needs in CI besides the Pulumi token. */
    readonly previewCredentials: readonly ("aws" | "kubeconfig")[];
    /** Secrets the profile cannot generate: credentials of servers that already exist. */
    readonly requiredSecrets: readonly SecretKey[];
    /** Config keys the profile reads, per section; anything else set there is refused. */
    readonly keys: { readonly [S in Section]?: readonly string[] };
    /** Keys the profile cannot do without (no default makes sense). */
    readonly required: { readonly [S in Section]?: readonly string[] };
    /** Keys read only with `kubernetes.topology: ha` (listed in `keys` too); refused with `single`. */
    readonly haKeys?: { readonly [S in Section]?: readonly string[] };
}

/** PostgreSQL keys every profile reads: the role model. */
const PG_COMMON = ["database", "rolePrefix", "schemaNames", "extensions", "extensionsSchema", "connectionLimit", "statementTimeoutMs", "adminHost", "adminPort"] as const;
/** Valkey keys every profile reads: namespaces, TTLs, shared keys. */
const VALKEY_COMMON = ["nonceTtlSeconds", "cacheTtlSeconds", "cacheTtlOverrides", "rateLimitWindowSeconds", "keyPrefixes", "userPrefix", "router"] as const;
/** Valkey keys of servers the stack runs itself. */
const VALKEY_SERVER = ["maxmemoryMb", "cacheMaxmemoryMb", "evictionPolicy", "split", "tls"] as const;
const OBJECT_COMMON = ["objectLock", "evidenceRetention", "replayExpirationDays", "buckets"] as const;
const NATS_SERVER = ["enabled", "queueTransport", "maxMemoryStoreMb", "maxFileStoreMb", "accounts", "tls"] as const;
/** Rotation applies to every profile: each generates credentials. */
const ROTATION = ["epoch", "services"] as const;

export const PROFILES = {
    dev: {
        name: "dev",
        stacks: ["dev"],
        previewCredentials: [],
        summary: "everything in Docker on one engine, ports published on loopback",
        platform: "docker",
        servers: "runs",
        bucketLayout: "shared",
        globalBucketNames: false,
        mirroredImages: false,
        postgresAdmin: "superuser",
        nats: true,
        hostAddresses: true,
        requiredSecrets: [],
        keys: {
            postgres: PG_COMMON,
            valkey: [...VALKEY_COMMON, ...VALKEY_SERVER],
            objectStore: [...OBJECT_COMMON, "sharedBucket", "region", "providerEndpoint"],
            nats: NATS_SERVER,
            backup: ["enabled", "bucket", "prefix", "intervalMinutes", "retentionDays", "retentionMode", "partSizeMb"],
            images: ["postgres", "valkey", "rustfs", "nats", "backup"],
            docker: ["host", "bindAddress", "exposeOnNetwork", "ports", "namePrefix"],
            rotation: ROTATION,
            services: ["*"],
        },
        required: {},
    },
    airgap: {
        name: "airgap",
        stacks: ["airgap", "airgap-ha"],
        previewCredentials: ["kubeconfig"],
        summary: "Kubernetes without internet access, every image from a mirror by digest",
        platform: "kubernetes",
        servers: "runs",
        bucketLayout: "perPurpose",
        globalBucketNames: false,
        mirroredImages: true,
        postgresAdmin: "superuser",
        nats: true,
        hostAddresses: false,
        requiredSecrets: [],
        keys: {
            postgres: [...PG_COMMON, "storageSize", "version", "instances", "synchronous", "walStorageSize", "pooler", "backupSchedule", "backupRetention"],
            valkey: [...VALKEY_COMMON, ...VALKEY_SERVER, "storageSize", "replicas"],
            objectStore: [...OBJECT_COMMON, "bucketPrefix", "region", "providerEndpoint", "storageSize", "nodes", "volumesPerNode", "parity"],
            nats: [...NATS_SERVER, "storageSize"],
            backup: ["enabled", "bucket", "prefix", "schedule", "retentionDays", "retentionMode", "partSizeMb"],
            images: ["postgres", "valkey", "rustfs", "nats", "backup", "pgbouncer", "mc"],
            kubernetes: ["namespace", "servicesNamespace", "createServicesNamespace", "mirrorRegistry", "storageClass", "context", "clientPodLabel", "bootstrap", "topology", "zoneSpread", "operatorNamespace"],
            rotation: ROTATION,
            services: ["*"],
        },
        required: { kubernetes: ["mirrorRegistry"] },
        haKeys: {
            postgres: ["version", "instances", "synchronous", "walStorageSize", "pooler", "backupSchedule", "backupRetention"],
            valkey: ["replicas"],
            objectStore: ["nodes", "volumesPerNode", "parity"],
            images: ["pgbouncer"],
            kubernetes: ["zoneSpread", "operatorNamespace"],
        },
    },
    aws: {
        name: "aws",
        stacks: ["aws"],
        previewCredentials: ["aws"],
        summary: "AWS managed services: RDS PostgreSQL, ElastiCache Valkey, S3",
        platform: "aws",
        servers: "managed",
        bucketLayout: "perPurpose",
        globalBucketNames: true,
        mirroredImages: false,
        postgresAdmin: "managed",
        nats: false,
        hostAddresses: false,
        requiredSecrets: [],
        keys: {
            postgres: [...PG_COMMON, "version", "instanceClass", "storageSize", "multiAz", "backupRetentionDays", "sslMode"],
            valkey: [...VALKEY_COMMON, "evictionPolicy", "split", "nodeType", "replicas"],
            objectStore: [...OBJECT_COMMON, "bucketPrefix"],
            nats: ["enabled"],
            aws: ["region", "vpcId", "subnetIds", "allowedCidrs", "allowedSecurityGroupIds", "kmsKeyArn", "namePrefix"],
            rotation: ROTATION,
            services: ["*"],
        },
        required: { aws: ["region", "vpcId"], objectStore: ["bucketPrefix"] },
    },
    external: {
        name: "external",
        stacks: ["external"],
        previewCredentials: [],
        summary: "servers that already exist: only schemas and roles, ACL users, buckets (and NATS accounts)",
        platform: "none",
        servers: "existing",
        bucketLayout: "perPurpose",
        globalBucketNames: false,
        mirroredImages: false,
        postgresAdmin: "configured",
        nats: true,
        hostAddresses: false,
        requiredSecrets: ["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"],
        keys: {
            postgres: [...PG_COMMON, "createDatabase", "host", "port", "adminUser", "adminIsSuperuser", "sslMode"],
            valkey: [...VALKEY_COMMON, "host", "port", "adminUser", "tls"],
            objectStore: [...OBJECT_COMMON, "bucketPrefix", "endpoint", "providerEndpoint", "region", "supportsUsers", "backendSupportsLock"],
            nats: ["enabled", "queueTransport", "maxMemoryStoreMb", "maxFileStoreMb", "accounts", "tls", "storageSize", "host", "port"],
            backup: ["enabled", "bucket", "prefix", "schedule", "retentionDays", "retentionMode", "partSizeMb"],
            images: ["postgres", "backup"],
            rotation: ROTATION,
            services: ["*"],
        },
        required: { postgres: ["host"], valkey: ["host"], objectStore: ["endpoint"] },
    },
} as const satisfies Record<string, ProfileDescriptor>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export function profile(name: ProfileName): ProfileDescriptor {
    return PROFILES[name];
}

/** Every example stack, in descriptor order: what snapshots, plan diffs, the bench and CI cover. */
export const EXAMPLE_STACKS: readonly { readonly stack: string; readonly profile: ProfileName }[] = PROFILE_NAMES.flatMap((profile) => PROFILES[profile].stacks.map((stack) => ({ stack, profile })));

/** The profiles whose row runs on platform K (what a platform module accepts). */
export type ProfilesOn<K extends PlatformKind> = { [N in ProfileName]: (typeof PROFILES)[N]["platform"] extends K ? N : never }[ProfileName];
