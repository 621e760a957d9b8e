/**
 * The one catalog of StellaOps services and what each needs from the dependency layer, with the
 * names the real StellaOps clients use (StellaOps' public documentation). Plain data: every plan (PostgreSQL roles,
 * Valkey ACLs, buckets, NATS accounts) is derived from it. A deployment adds services in stack
 * config (`stellaops:services`); `extendCatalog` (./catalog-extend.ts) merges them in.
 */

/** A service name: lowercase letters and digits, so it is also a role, user and account name. */
export type ServiceName = string;

/** The services every deployment has. */
export const SERVICE_NAMES = ["authority", "scanner", "concelier", "excititor", "scheduler", "notify", "policy", "orchestrator", "gateway"] as const;

/** Valkey usage patterns: they decide command categories and published prefixes. */
export const VALKEY_PATTERNS = ["dpop", "stream", "queue", "cache", "ratelimit"] as const;
export type ValkeyPattern = (typeof VALKEY_PATTERNS)[number];

export interface SchemaSpec {
    /** PostgreSQL schema name; also the stem of its roles. */
    readonly name: string;
    /** The only service whose login role may use (and migrate) this schema. */
    readonly owner: ServiceName;
    /** What the schema holds, for docs and comments. */
    readonly holds: string;
}

/**
 * A Valkey stream used as a work queue with a consumer group. Idempotency keys live under
 * `<stream>:idemp:` and dead letters in the stream `<stream>:dead` (Scanner and Scheduler queue docs).
 */
export interface ValkeyQueue {
    readonly stream: string;
    readonly group: string;
}

/** One kind of object the platform stores, and the bucket and key prefix StellaOps' manifests give it. */
export interface BucketPurposeSpec {
    /** Key in config and outputs (`objectStore.buckets.<purpose>`). */
    readonly purpose: string;
    /** Bucket name in StellaOps' manifests. */
    readonly bucket: string;
    /** Key prefix inside the bucket ("" for the whole bucket). */
    readonly prefix: string;
    /** Tamper evidence: object lock with default retention (when the backend has it). */
    readonly objectLock: boolean;
    /** Objects expire after `objectStore.replayExpirationDays` (replayable outputs). */
    readonly expires: boolean;
    /** Where the name comes from. */
    readonly source: string;
}

export type BucketAccess = "readwrite" | "readonly";

export interface BucketUse {
    readonly purpose: string;
    /** Read-only consumers may fetch artifacts but never write or delete them. */
    readonly access: BucketAccess;
}

/** A JetStream stream a service creates itself when the NATS transport is chosen. */
export interface NatsStreamSpec {
    readonly name: string;
    readonly subject: string;
    /** Durable consumer the service's workers use, if any. */
    readonly consumer?: string;
}

/** Settings a service can read from its environment (what the per-service Secret carries). */
export const SETTINGS = ["postgresConnectionString", "valkeyConfiguration", "s3Endpoint"] as const;
export type Setting = (typeof SETTINGS)[number];

export interface ServiceSpec {
    readonly name: ServiceName;
    /** Human name as StellaOps documentation spells it. */
    readonly title: string;
    /** Valkey patterns the service uses inside its own key namespace (`<service>:`). */
    readonly valkey: readonly ValkeyPattern[];
    /** Work queues (streams with consumer groups) inside the service's namespace. */
    readonly queues?: readonly ValkeyQueue[];
    /** Object-storage purposes the service reads or writes. */
    readonly buckets: readonly BucketUse[];
    /** NATS subject root and streams, used only when NATS is enabled and chosen. */
    readonly nats?: { readonly subjects: string; readonly streams: readonly NatsStreamSpec[] };
    /** Behind the Router: it gets a request queue and the gateway's queues (default true). */
    readonly routed?: boolean;
    /** .NET configuration keys (environment form, `:` as `__`) the service reads each setting from. */
    readonly env?: Partial<Record<Setting, readonly string[]>>;
}

/**
 * Keys the platform shares between services on purpose (and only these): granted to exactly
 * `users`, declared with an owner so a reader knows whose data it is.
 */
export interface SharedKeySpec {
    /** Key in config and outputs (`valkey.sharedKeys.<key>`). */
    readonly key: string;
    /** Key prefix; the ACL grants `<prefix>*`. */
    readonly prefix: string;
    readonly pattern: ValkeyPattern;
    readonly owner: ServiceName;
    /** Every service that may touch these keys, the owner included. */
    readonly users: readonly ServiceName[];
    readonly source: string;
}

/** One schema per owning service. */
export const SCHEMAS: readonly SchemaSpec[] = [
    { name: "authority", owner: "authority", holds: "users, clients, tenants, keys, audit trails" },
    { name: "scanner", owner: "scanner", holds: "scan manifests, triage, scan result metadata" },
    { name: "vuln", owner: "concelier", holds: "raw advisories, linksets, observations" },
    { name: "vex", owner: "excititor", holds: "raw VEX documents, consensus, provider state" },
    { name: "scheduler", owner: "scheduler", holds: "jobs, runs, schedules, impact snapshots" },
    { name: "notify", owner: "notify", holds: "channels, templates, delivery history, digests" },
    { name: "policy", owner: "policy", holds: "exception objects, snapshots, unknowns" },
    { name: "orchestrator", owner: "orchestrator", holds: "sources, runs, jobs, DAGs, pack runs" },
];

/** Bucket names from StellaOps' manifests (docs/ops/scanner-rustfs-migration.md, surface-fs.md). */
export const PURPOSES: readonly BucketPurposeSpec[] = [
    { purpose: "artifacts", bucket: "scanner-artifacts", prefix: "scanner/", objectLock: false, expires: false, source: "ARCHITECTURE_SCANNER.md, scanner-rustfs-migration.md" },
    { purpose: "surfaceManifests", bucket: "surface-manifests", prefix: "", objectLock: false, expires: false, source: "modules/scanner/design/surface-fs.md" },
    { purpose: "surfaceCache", bucket: "surface-cache", prefix: "", objectLock: false, expires: false, source: "modules/scanner/design/surface-fs.md" },
    { purpose: "evidence", bucket: "evidence-locker", prefix: "", objectLock: true, expires: false, source: "EvidenceLocker docs (WORM checked at start-up)" },
    { purpose: "replay", bucket: "replay-outputs", prefix: "", objectLock: false, expires: true, source: "StellaOps replay (replayable outputs)" },
];

const rw = (purpose: string): BucketUse => ({ purpose, access: "readwrite" });
const ro = (purpose: string): BucketUse => ({ purpose, access: "readonly" });

export const SERVICES: readonly ServiceSpec[] = [
    { name: "authority", title: "Authority", valkey: ["dpop", "cache", "ratelimit"], buckets: [] },
    {
        name: "scanner",
        title: "Scanner",
        valkey: ["stream", "queue", "cache"],
        queues: [{ stream: "scanner:jobs", group: "scanner" }],
        buckets: [rw("artifacts"), rw("surfaceManifests"), rw("surfaceCache"), rw("replay")],
        nats: {
            subjects: "scanner",
            streams: [
                { name: "SCANNER_JOBS", subject: "scanner.jobs", consumer: "scanner-workers" },
                { name: "SCANNER_JOBS_DEAD", subject: "scanner.jobs.dead" },
            ],
        },
        env: { postgresConnectionString: ["ScannerStorage__Postgres"] },
    },
    { name: "concelier", title: "Concelier", valkey: ["cache"], buckets: [], env: { postgresConnectionString: ["Concelier__PostgresStorage__ConnectionString"] } },
    { name: "excititor", title: "Excititor", valkey: ["cache"], buckets: [rw("evidence")] },
    {
        name: "scheduler",
        title: "Scheduler",
        valkey: ["stream", "queue", "cache"],
        queues: [
            { stream: "scheduler:planner", group: "scheduler" },
            { stream: "scheduler:runner", group: "scheduler" },
        ],
        buckets: [],
        nats: {
            subjects: "scheduler",
            streams: [
                { name: "SCHEDULER_PLANNER", subject: "scheduler.planner", consumer: "scheduler-planners" },
                { name: "SCHEDULER_PLANNER_DEAD", subject: "scheduler.planner.dead" },
                { name: "SCHEDULER_RUNNER", subject: "scheduler.runner", consumer: "scheduler-runners" },
                { name: "SCHEDULER_RUNNER_DEAD", subject: "scheduler.runner.dead" },
            ],
        },
    },
    {
        // Notify has no NATS streams: it stays on Valkey whatever the queue transport.
        name: "notify",
        title: "Notify",
        valkey: ["stream", "queue", "cache"],
        queues: [{ stream: "notify:deliveries", group: "notifier" }],
        buckets: [],
        env: {
            postgresConnectionString: ["Postgres__Notify__ConnectionString", "notifier__storage__postgres__ConnectionString"],
            valkeyConfiguration: ["notifier__queue__Redis__ConnectionString"],
        },
    },
    { name: "policy", title: "Policy", valkey: ["cache"], buckets: [ro("artifacts"), rw("evidence")] },
    { name: "orchestrator", title: "Orchestrator", valkey: ["cache"], buckets: [rw("replay")] },
    { name: "gateway", title: "Gateway (Router)", valkey: ["cache", "ratelimit"], buckets: [], routed: false },
];

/** Names of the Router's Valkey keys; `{service}` stands for each routed service. */
export interface RouterKeyNames {
    readonly rateLimitBucket: string;
    readonly gatewayRequestQueue: string;
    readonly gatewayResponseQueue: string;
    readonly serviceRequestQueue: string;
}

/** Defaults from docs/router/* (rate limiting and the Valkey messaging transport); configurable in `valkey.router`. */
export const ROUTER_KEY_NAMES: RouterKeyNames = {
    rateLimitBucket: "stella-router-rate-limit",
    gatewayRequestQueue: "stella:router:gateway:requests",
    gatewayResponseQueue: "stella:router:gateway:responses",
    serviceRequestQueue: "stella:router:{service}:requests",
};

/** The Router's shared keys: the rate-limit bucket (gateway only) and the messaging queues. */
export function routerSharedKeys(services: readonly ServiceSpec[], names: RouterKeyNames = ROUTER_KEY_NAMES): SharedKeySpec[] {
    const routed = services.filter((s) => s.routed !== false).map((s) => s.name);
    const source = "docs/router (Valkey messaging transport)";
    return [
        { key: "routerRateLimit", prefix: names.rateLimitBucket, pattern: "ratelimit", owner: "gateway", users: ["gateway"], source: "docs/router (rate limiting: fixed window)" },
        { key: "routerGatewayRequests", prefix: names.gatewayRequestQueue, pattern: "queue", owner: "gateway", users: ["gateway", ...routed], source },
        { key: "routerGatewayResponses", prefix: names.gatewayResponseQueue, pattern: "queue", owner: "gateway", users: ["gateway", ...routed], source },
        ...routed.map((s): SharedKeySpec => ({ key: `routerRequests-${s}`, prefix: names.serviceRequestQueue.replace("{service}", s), pattern: "queue", owner: "gateway", users: ["gateway", s], source })),
    ];
}

/** The catalog as one value, so plans take a (config-extended or test-modified) catalog. */
export interface Catalog {
    readonly services: readonly ServiceSpec[];
    readonly schemas: readonly SchemaSpec[];
    readonly purposes: readonly BucketPurposeSpec[];
    readonly sharedKeys: readonly SharedKeySpec[];
}

export const CATALOG: Catalog = { services: SERVICES, schemas: SCHEMAS, purposes: PURPOSES, sharedKeys: routerSharedKeys(SERVICES) };

export function service(name: ServiceName, catalog: Catalog = CATALOG): ServiceSpec {
    const found = catalog.services.find((s) => s.name === name);
    if (!found) throw new Error(`unknown service "${name}"`);
    return found;
}

/** The schema a service owns, if any (gateway owns none). */
export function schemaOf(name: ServiceName, catalog: Catalog = CATALOG): SchemaSpec | undefined {
    return catalog.schemas.find((s) => s.owner === name);
}

/** Services whose queues move to NATS when the transport is nats: those with streams there. */
export function natsCapable(s: ServiceSpec): boolean {
    return (s.nats?.streams.length ?? 0) > 0;
}
