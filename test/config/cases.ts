/**
 * The bad-config corpus: every case a stack file a person could write, what the error line must
 * name (the key) and say (what was expected). Over the four profiles; every silent accept that
 * issue 14 lists has a case here.
 */

export interface BadCase {
    readonly name: string;
    /** Config keyed `stellaops:<key>` (or another namespace), as a stack file sets it. */
    readonly config: Record<string, unknown>;
    /** Keys to set as secrets (the rest are plaintext). */
    readonly secrets?: readonly string[];
    /** Every line the error must contain: the key path, then what was expected. */
    readonly expect: readonly [key: string, expected: RegExp][];
}

export const EXTERNAL_SECRETS = ["stellaops:postgresAdminPassword", "stellaops:valkeyAdminPassword", "stellaops:objectStoreAccessKey", "stellaops:objectStoreSecretKey"];
const secretValues = Object.fromEntries(EXTERNAL_SECRETS.map((k) => [k, "x"]));
const DIGEST = "a".repeat(64);

export const DEV = { "stellaops:profile": "dev" };
export const EXTERNAL = {
    "stellaops:profile": "external",
    "stellaops:postgres": { host: "db.internal" },
    "stellaops:valkey": { host: "valkey.internal" },
    "stellaops:objectStore": { endpoint: "https://s3.internal:9000" },
    ...secretValues,
};
export const AIRGAP = {
    "stellaops:profile": "airgap",
    "stellaops:kubernetes": { mirrorRegistry: "mirror.local:5000" },
    "stellaops:images": {
        postgres: `mirror.local:5000/library/postgres@sha256:${DIGEST}`,
        valkey: `mirror.local:5000/valkey/valkey@sha256:${DIGEST}`,
        rustfs: `mirror.local:5000/rustfs/rustfs@sha256:${DIGEST}`,
        nats: `mirror.local:5000/library/nats@sha256:${DIGEST}`,
        backup: `mirror.local:5000/curlimages/curl@sha256:${DIGEST}`,
        mc: `mirror.local:5000/minio/mc@sha256:${DIGEST}`,
    },
};
export const AWS = {
    "stellaops:profile": "aws",
    "stellaops:aws": { region: "eu-west-1", vpcId: "vpc-0abc12345", subnetIds: ["subnet-0abc12345", "subnet-0abc12346"], allowedSecurityGroupIds: ["sg-0abc12345"] },
    "stellaops:objectStore": { bucketPrefix: "acme-stellaops" },
};

const dev = (section: string, value: unknown) => ({ ...DEV, [`stellaops:${section}`]: value });
const airgap = (section: string, value: unknown) => ({ ...AIRGAP, [`stellaops:${section}`]: value });
const aws = (section: string, value: unknown) => ({ ...AWS, [`stellaops:${section}`]: value });
const external = (section: string, value: unknown) => ({ ...EXTERNAL, [`stellaops:${section}`]: value });
const images = (over: Record<string, string>) => ({ ...AIRGAP["stellaops:images"], ...over });
const notUsed = (profile: string) => new RegExp(`not used by the ${profile} profile`);
const natsOn = { enabled: true, maxMemoryStoreMb: 256, maxFileStoreMb: 1024 };

export const CASES: BadCase[] = [
    // Profile and namespace.
    { name: "missing profile", config: {}, expect: [["stellaops:profile", /expected one of dev, airgap, aws, external, got nothing/]] },
    { name: "unknown profile", config: { "stellaops:profile": "prod" }, expect: [["stellaops:profile", /expected one of .* got "prod"/]] },
    { name: "a one-letter namespace typo on aws (would reset RDS settings to defaults)", config: { ...AWS, "stelaops:postgres": { multiAz: true, allocatedStorage: 100 } }, expect: [["stelaops:postgres", /unknown namespace "stelaops" \(did you mean "stellaops:postgres"\?\)/]] },
    { name: "a namespace typo in capitals", config: { ...DEV, "StellaOps:valkey": { split: true } }, expect: [["StellaOps:valkey", /unknown namespace/]] },
    { name: "unknown top-level key with a suggestion", config: dev("postgress", { database: "x" }), expect: [["stellaops:postgress", /unknown key \(did you mean "postgres"\?\)/]] },
    { name: "unknown key with a suggestion", config: dev("postgres", { conectionLimit: 5 }), expect: [["stellaops:postgres.conectionLimit", /unknown key \(did you mean "connectionLimit"\?\)/]] },
    { name: "unknown key without a close match", config: dev("valkey", { zzzzzzz: 1 }), expect: [["stellaops:valkey.zzzzzzz", /unknown key$/]] },
    { name: "a misspelt secret key", config: { ...EXTERNAL, "stellaops:postgresAdminPasword": "x" }, secrets: [...EXTERNAL_SECRETS, "stellaops:postgresAdminPasword"], expect: [["stellaops:postgresAdminPasword", /unknown key \(did you mean "postgresAdminPassword"\?\)/]] },
    // Secrets.
    { name: "external without the admin password secret", config: { ...EXTERNAL, "stellaops:postgresAdminPassword": undefined }, expect: [["stellaops:postgresAdminPassword", /expected a secret \(pulumi config set --secret/]] },
    { name: "a plaintext PostgreSQL admin password", config: EXTERNAL, secrets: EXTERNAL_SECRETS.filter((k) => !k.endsWith("postgresAdminPassword")), expect: [["stellaops:postgresAdminPassword", /expected a secret, got plaintext \(pulumi config set --secret stellaops:postgresAdminPassword/]] },
    { name: "a plaintext S3 secret key", config: EXTERNAL, secrets: EXTERNAL_SECRETS.filter((k) => !k.endsWith("objectStoreSecretKey")), expect: [["stellaops:objectStoreSecretKey", /got plaintext/]] },
    { name: "a plaintext TLS key", config: { ...dev("valkey", { tls: true }), "stellaops:valkeyTlsCert": "pem", "stellaops:valkeyTlsKey": "pem" }, secrets: ["stellaops:valkeyTlsCert"], expect: [["stellaops:valkeyTlsKey", /got plaintext/]] },
    { name: "Valkey TLS on dev without its certificate", config: dev("valkey", { tls: true }), expect: [["stellaops:valkeyTlsCert", /expected a secret/], ["stellaops:valkeyTlsKey", /expected a secret/]] },
    { name: "an admin secret on a profile that generates its own", config: { ...DEV, "stellaops:postgresAdminPassword": "x" }, secrets: ["stellaops:postgresAdminPassword"], expect: [["stellaops:postgresAdminPassword", notUsed("dev")]] },
    // PostgreSQL values.
    { name: "negative connection limit", config: dev("postgres", { connectionLimit: -3 }), expect: [["stellaops:postgres.connectionLimit", /expected an integer from 1 to 10000, got -3/]] },
    { name: "fractional statement timeout", config: dev("postgres", { statementTimeoutMs: 1.5 }), expect: [["stellaops:postgres.statementTimeoutMs", /expected an integer >= 1, got 1.5/]] },
    { name: "database not an identifier", config: dev("postgres", { database: "Stella-Ops" }), expect: [["stellaops:postgres.database", /expected a lowercase SQL identifier/]] },
    { name: "schema name not an identifier", config: dev("postgres", { schemaNames: { vuln: "vuln;drop" } }), expect: [["stellaops:postgres.schemaNames.vuln", /expected a lowercase SQL identifier/]] },
    { name: "duplicate schemas", config: dev("postgres", { schemaNames: { vex: "scanner" } }), expect: [["stellaops:postgres.schemaNames.vex", /expected a schema name used once/]] },
    { name: "schema that is not in the catalog", config: dev("postgres", { schemaNames: { billing: "billing" } }), expect: [["stellaops:postgres.schemaNames.billing", /expected/]] },
    { name: "role prefix not an identifier", config: dev("postgres", { rolePrefix: "9ops" }), expect: [["stellaops:postgres.rolePrefix", /expected a lowercase identifier prefix/]] },
    { name: "duplicate extension", config: dev("postgres", { extensions: ["pgcrypto", "pgcrypto"] }), expect: [["stellaops:postgres.extensions[1]", /expected each extension once/]] },
    { name: "sslMode on dev (the container has no TLS)", config: dev("postgres", { sslMode: "require" }), expect: [["stellaops:postgres.sslMode", notUsed("dev")]] },
    { name: "version on dev (the image decides)", config: dev("postgres", { version: "18" }), expect: [["stellaops:postgres.version", notUsed("dev")]] },
    { name: "multiAz on dev", config: dev("postgres", { multiAz: true }), expect: [["stellaops:postgres.multiAz", /not used by the dev profile \(read by aws\)/]] },
    { name: "host on dev", config: dev("postgres", { host: "db" }), expect: [["stellaops:postgres.host", /not used by the dev profile \(read by external\)/]] },
    { name: "DSN host with a scheme", config: external("postgres", { host: "postgres://db.internal" }), expect: [["stellaops:postgres.host", /expected a host name or IP address without scheme/]] },
    { name: "host with a port", config: external("postgres", { host: "db.internal:5432" }), expect: [["stellaops:postgres.host", /without scheme, port or path/]] },
    { name: "port out of range", config: external("postgres", { host: "db.internal", port: 70000 }), expect: [["stellaops:postgres.port", /expected an integer from 1 to 65535, got 70000/]] },
    { name: "external without hosts", config: { "stellaops:profile": "external", ...secretValues }, secrets: EXTERNAL_SECRETS, expect: [["stellaops:postgres.host", /expected a host name/], ["stellaops:valkey.host", /expected a host name/], ["stellaops:objectStore.endpoint", /expected an http\(s\) URL/]] },
    // Valkey values.
    { name: "allkeys eviction with one instance", config: dev("valkey", { evictionPolicy: "allkeys-lru" }), expect: [["stellaops:valkey.evictionPolicy", /expected a volatile-\* policy or noeviction/]] },
    { name: "maxmemory below the floor", config: dev("valkey", { maxmemoryMb: 10 }), expect: [["stellaops:valkey.maxmemoryMb", /expected an integer >= 64/]] },
    { name: "a namespace that overlaps another service's", config: dev("valkey", { keyPrefixes: { concelier: "scanner:x" } }), expect: [["stellaops:valkey.keyPrefixes.concelier", /overlaps/]] },
    { name: "a cache TTL for a service not in the catalog", config: dev("valkey", { cacheTtlOverrides: { billing: 60 } }), expect: [["stellaops:valkey.cacheTtlOverrides.billing", /expected a catalog service/]] },
    { name: "a Router queue name without {service}", config: dev("valkey", { router: { serviceRequestQueue: "router:requests" } }), expect: [["stellaops:valkey.router.serviceRequestQueue", /expected a name containing \{service\}/]] },
    { name: "a rate-limit user that is not a service", config: dev("valkey", { router: { rateLimitUsers: ["billing"] } }), expect: [["stellaops:valkey.router.rateLimitUsers[0]", /expected a catalog service/]] },
    { name: "split on external (one existing server)", config: external("valkey", { host: "valkey.internal", split: true }), expect: [["stellaops:valkey.split", notUsed("external")]] },
    { name: "tls on aws (ElastiCache always encrypts)", config: aws("valkey", { tls: false }), expect: [["stellaops:valkey.tls", notUsed("aws")]] },
    { name: "maxmemory on aws (the node type decides)", config: aws("valkey", { maxmemoryMb: 1024 }), expect: [["stellaops:valkey.maxmemoryMb", notUsed("aws")]] },
    { name: "ElastiCache node type on airgap", config: airgap("valkey", { nodeType: "cache.t4g.small" }), expect: [["stellaops:valkey.nodeType", notUsed("airgap")]] },
    // Object storage values.
    { name: "bucketPrefix on dev (one shared bucket)", config: dev("objectStore", { bucketPrefix: "x-y" }), expect: [["stellaops:objectStore.bucketPrefix", notUsed("dev")]] },
    { name: "a shared bucket name S3 refuses", config: dev("objectStore", { sharedBucket: "Stella_Ops" }), expect: [["stellaops:objectStore.sharedBucket", /expected lowercase letters, digits and hyphens/]] },
    { name: "replay outputs expiring before the evidence in the shared bucket", config: dev("objectStore", { replayExpirationDays: 10, evidenceRetention: { days: 30 } }), expect: [["stellaops:objectStore.replayExpirationDays", /expected/]] },
    { name: "a new bucket purpose without a bucket name", config: dev("objectStore", { buckets: { attestations: { prefix: "att/" } } }), expect: [["stellaops:objectStore.buckets.attestations.name", /expected a bucket name/]] },
    { name: "a key prefix without a trailing slash", config: dev("objectStore", { buckets: { artifacts: { prefix: "scanner" } } }), expect: [["stellaops:objectStore.buckets.artifacts.prefix", /ending with "\/"/]] },
    { name: "aws without a bucket prefix (names are global)", config: { ...AWS, "stellaops:objectStore": {} }, expect: [["stellaops:objectStore.bucketPrefix", /expected a bucket name/]] },
    { name: "object lock on a backend without it", config: external("objectStore", { endpoint: "https://s3.internal", backendSupportsLock: false }), expect: [["stellaops:objectStore.objectLock", /expected false when objectStore.backendSupportsLock is false/]] },
    { name: "an existing endpoint on airgap", config: airgap("objectStore", { endpoint: "https://s3.internal" }), expect: [["stellaops:objectStore.endpoint", notUsed("airgap")]] },
    { name: "a volume size on external", config: external("objectStore", { endpoint: "https://s3.internal", storageSize: "10Gi" }), expect: [["stellaops:objectStore.storageSize", notUsed("external")]] },
    // NATS.
    { name: "NATS on without limits", config: dev("nats", { enabled: true }), expect: [["stellaops:nats.maxMemoryStoreMb", /expected the JetStream memory-store limit/], ["stellaops:nats.maxFileStoreMb", /expected the JetStream file-store limit/]] },
    { name: "queue transport nats while NATS is off", config: dev("nats", { queueTransport: "nats" }), expect: [["stellaops:nats.queueTransport", /expected valkey while nats.enabled is false/]] },
    { name: "a NATS account for a service without streams", config: dev("nats", { ...natsOn, accounts: { notify: {} } }), expect: [["stellaops:nats.accounts.notify", /expected/]] },
    { name: "NATS on aws", config: aws("nats", { enabled: true }), expect: [["stellaops:nats.enabled", /expected false: the aws profile has no NATS/]] },
    { name: "NATS limits on aws", config: aws("nats", { enabled: false, maxMemoryStoreMb: 64 }), expect: [["stellaops:nats.maxMemoryStoreMb", notUsed("aws")]] },
    { name: "NATS on external without its host", config: external("nats", natsOn), expect: [["stellaops:nats.host", /expected the host of the existing NATS server/]] },
    // Docker (dev).
    { name: "unpinned dev image", config: dev("images", { postgres: "postgres:latest" }), expect: [["stellaops:images.postgres", /expected a pinned image reference/]] },
    { name: "dev ports bound to a non-address", config: dev("docker", { bindAddress: "localhost" }), expect: [["stellaops:docker.bindAddress", /expected an IPv4 address/]] },
    { name: "dev ports on every interface without acknowledgement", config: dev("docker", { bindAddress: "0.0.0.0" }), expect: [["stellaops:docker.bindAddress", /docker.exposeOnNetwork: true/]] },
    { name: "dev Valkey on PostgreSQL's port", config: dev("docker", { ports: { valkey: 5432 } }), expect: [["stellaops:docker.ports.valkey", /5432 is also postgres's/]] },
    { name: "dev split Valkey's second port on RustFS's", config: { ...dev("docker", { ports: { valkey: 6379, rustfs: 6380 } }), "stellaops:valkey": { split: true } }, expect: [["stellaops:docker.ports.rustfs", /6380 is also valkey/]] },
    { name: "dev NATS on RustFS's port", config: { ...dev("docker", { ports: { nats: 8080 } }), "stellaops:nats": natsOn }, expect: [["stellaops:docker.ports.nats", /8080 is also rustfs's/]] },
    { name: "docker settings on aws", config: aws("docker", { bindAddress: "127.0.0.1" }), expect: [["stellaops:docker", /not used by the aws profile \(read by dev\)/]] },
    // Kubernetes (airgap).
    { name: "airgap without a mirror", config: { "stellaops:profile": "airgap" }, expect: [["stellaops:kubernetes.mirrorRegistry", /expected a registry host/]] },
    { name: "airgap image by tag", config: airgap("images", images({ valkey: "mirror.local:5000/valkey/valkey:8.1" })), expect: [["stellaops:images.valkey", /expected mirror.local:5000\/<repository>@sha256:<64 hex>/]] },
    { name: "airgap image from a public registry", config: airgap("images", images({ postgres: `docker.io/library/postgres@sha256:${DIGEST}` })), expect: [["stellaops:images.postgres", /pulls only from the mirror/]] },
    { name: "airgap mirror that is a public registry", config: airgap("kubernetes", { mirrorRegistry: "quay.io" }), expect: [["stellaops:kubernetes.mirrorRegistry", /expected a private mirror registry/]] },
    { name: "airgap mirror on Google's Docker Hub mirror", config: airgap("kubernetes", { mirrorRegistry: "mirror.gcr.io" }), expect: [["stellaops:kubernetes.mirrorRegistry", /expected a private mirror registry/]] },
    { name: "airgap mirror on Artifact Registry", config: airgap("kubernetes", { mirrorRegistry: "europe-docker.pkg.dev" }), expect: [["stellaops:kubernetes.mirrorRegistry", /expected a private mirror registry/]] },
    { name: "PostgreSQL version on airgap single (the image decides)", config: airgap("postgres", { version: "18" }), expect: [["stellaops:postgres.version", /not used with kubernetes.topology: single/]] },
    { name: "distributed RustFS sizes without topology ha", config: airgap("objectStore", { nodes: 4 }), expect: [["stellaops:objectStore.nodes", /not used with kubernetes.topology: single/]] },
    { name: "topology ha without backups (CloudNativePG archives into them)", config: { ...airgap("kubernetes", { mirrorRegistry: "mirror.local:5000", topology: "ha" }), "stellaops:backup": { enabled: false } }, expect: [["stellaops:backup.enabled", /expected true with kubernetes.topology: ha/]] },
    { name: "sslMode on airgap", config: airgap("postgres", { sslMode: "verify-full" }), expect: [["stellaops:postgres.sslMode", notUsed("airgap")]] },
    { name: "kubernetes settings on aws", config: aws("kubernetes", { namespace: "x" }), expect: [["stellaops:kubernetes", /not used by the aws profile \(read by airgap\)/]] },
    // AWS.
    { name: "aws without network settings", config: { "stellaops:profile": "aws", "stellaops:objectStore": { bucketPrefix: "acme" } }, expect: [["stellaops:aws.region", /expected an AWS region/], ["stellaops:aws.vpcId", /expected a VPC id/], ["stellaops:aws.subnetIds", /at least two private subnet ids/]] },
    { name: "aws with a malformed subnet", config: aws("aws", { ...AWS["stellaops:aws"], subnetIds: ["subnet-1", "x"] }), expect: [["stellaops:aws.subnetIds[0]", /expected a subnet id/]] },
    { name: "aws with nobody allowed in", config: aws("aws", { ...AWS["stellaops:aws"], allowedSecurityGroupIds: [] }), expect: [["stellaops:aws.allowedSecurityGroupIds", /expected at least one allowed security group or CIDR/]] },
    { name: "a superuser flag on aws (RDS never gives one)", config: aws("postgres", { adminIsSuperuser: true }), expect: [["stellaops:postgres.adminIsSuperuser", notUsed("aws")]] },
    // Catalog additions.
    { name: "an added service that is already in the catalog", config: dev("services", { scanner: { valkey: ["cache"] } }), expect: [["stellaops:services.scanner", /expected a service not already in the catalog/]] },
    { name: "an added service with a name that cannot be a role", config: dev("services", { "evidence-locker": {} }), expect: [["stellaops:services.evidence-locker", /expected a service name of lowercase letters and digits/]] },
    { name: "an added service using an unknown bucket purpose", config: dev("services", { evidencelocker: { buckets: [{ purpose: "worm" }] } }), expect: [["stellaops:services.evidencelocker.buckets[0].purpose", /expected a bucket purpose/]] },
    { name: "an added service claiming another's schema", config: dev("services", { evidencelocker: { schema: "vuln" } }), expect: [["stellaops:services.evidencelocker.schema", /expected a schema name no other service owns \("vuln" is concelier's\)/]] },
    { name: "an added service with an unknown Valkey pattern", config: dev("services", { evidencelocker: { valkey: ["queues"] } }), expect: [["stellaops:services.evidencelocker.valkey[0]", /expected one of dpop, stream, queue, cache, ratelimit/]] },
    // Rotation (every profile reads it; ranges and services are the rotation plan's).
    { name: "a negative rotation epoch", config: dev("rotation", { epoch: -1 }), expect: [["stellaops:rotation.epoch", /expected an integer from 0 to 1000000 \(raise it by one to rotate\), got -1/]] },
    { name: "a fractional rotation epoch", config: aws("rotation", { epoch: 1.5 }), expect: [["stellaops:rotation.epoch", /expected an integer from 0 to 1000000 .*got 1.5/]] },
    { name: "a rotation epoch that is not a number", config: external("rotation", { epoch: "x" }), expect: [["stellaops:rotation.epoch", /expected an integer from 0 to 1000000 .*got "x"/]] },
    { name: "rotation of a misspelt service, with a suggestion", config: airgap("rotation", { services: { scaner: 1 } }), expect: [["stellaops:rotation.services.scaner", /expected a catalog service \(.*scanner.*\) \(did you mean "scanner"\?\), got "scaner"/]] },
    { name: "rotation of a service added nowhere", config: external("rotation", { services: { evidencelocker: 1 } }), expect: [["stellaops:rotation.services.evidencelocker", /expected a catalog service/]] },
    { name: "a negative per-service counter", config: dev("rotation", { epoch: 2, services: { scanner: -1 } }), expect: [["stellaops:rotation.services.scanner", /expected an integer from 0 to 1000000/]] },
    { name: "an unknown rotation key, with a suggestion", config: aws("rotation", { epock: 1 }), expect: [["stellaops:rotation.epock", /unknown key \(did you mean "epoch"\?\)/]] },
];

/** A config that must be accepted, and the rotation plan it yields (stacks/plans.ts). */
export interface RotationCase {
    readonly name: string;
    readonly config: Record<string, unknown>;
    readonly rotation: { readonly epoch: number; readonly services: Readonly<Record<string, number>> };
}

export const ROTATION_ACCEPTED: RotationCase[] = [
    { name: "no rotation section: generation 0 everywhere", config: DEV, rotation: { epoch: 0, services: {} } },
    { name: "the documented example (epoch and one service)", config: airgap("rotation", { epoch: 1, services: { scanner: 1 } }), rotation: { epoch: 1, services: { scanner: 1 } } },
    { name: "an epoch alone", config: aws("rotation", { epoch: 3 }), rotation: { epoch: 3, services: {} } },
    {
        name: "a counter on a service added by stellaops:services",
        config: { ...external("services", { evidencelocker: { schema: "evidence" } }), "stellaops:rotation": { services: { evidencelocker: 2, scheduler: 0 } } },
        rotation: { epoch: 0, services: { evidencelocker: 2, scheduler: 0 } },
    },
];
