/**
 * The one catalog of StellaOps services and what each needs from the dependency layer.
 * Plain data: every plan (PostgreSQL roles, Valkey ACLs, buckets, NATS accounts) is derived
 * from it, so adding a service or a schema happens here and nowhere else.
 */

export const SERVICE_NAMES = [
    "authority",
    "scanner",
    "concelier",
    "excititor",
    "scheduler",
    "notify",
    "policy",
    "orchestrator",
    "gateway",
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Valkey usage patterns (DESIGN.md §1). */
export const VALKEY_PATTERNS = ["dpop", "stream", "queue", "cache", "ratelimit"] as const;
export type ValkeyPattern = (typeof VALKEY_PATTERNS)[number];

/** Object storage purposes; the bucket layout per profile maps them to buckets or prefixes. */
export const BUCKET_PURPOSES = ["sboms", "evidence", "replay"] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/** JetStream streams that StellaOps services create when the NATS transport is chosen. */
export const NATS_STREAMS = [
    "SCANNER_JOBS",
    "SCANNER_JOBS_DEAD",
    "SCHEDULER_PLANNER",
    "SCHEDULER_PLANNER_DEAD",
    "SCHEDULER_RUNNER",
    "SCHEDULER_RUNNER_DEAD",
] as const;
export type NatsStream = (typeof NATS_STREAMS)[number];

export interface SchemaSpec {
    /** PostgreSQL schema name; also the stem of its roles. */
    readonly name: string;
    /** The only service whose login role may use (and migrate) this schema. */
    readonly owner: ServiceName;
    /** What the schema holds, for docs and comments. */
    readonly holds: string;
}

export interface BucketUse {
    readonly purpose: BucketPurpose;
    /** Read-only consumers may fetch artifacts but never write or delete them. */
    readonly access: "readwrite" | "readonly";
}

export interface ServiceSpec {
    readonly name: ServiceName;
    /** Human name as StellaOps documentation spells it. */
    readonly title: string;
    /** Valkey patterns the service uses; each gets a key prefix owned by this service. */
    readonly valkey: readonly ValkeyPattern[];
    /** Object-storage purposes the service reads or writes. */
    readonly buckets: readonly BucketUse[];
    /** NATS subject root and streams, used only when NATS is enabled. */
    readonly nats?: { readonly subjects: string; readonly streams: readonly NatsStream[] };
}

/** DESIGN.md §1: one schema per owning service. */
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

const rw = (purpose: BucketPurpose): BucketUse => ({ purpose, access: "readwrite" });
const ro = (purpose: BucketPurpose): BucketUse => ({ purpose, access: "readonly" });

export const SERVICES: readonly ServiceSpec[] = [
    { name: "authority", title: "Authority", valkey: ["dpop", "cache", "ratelimit"], buckets: [] },
    {
        name: "scanner",
        title: "Scanner",
        valkey: ["stream", "queue", "cache"],
        buckets: [rw("sboms"), rw("evidence"), rw("replay")],
        nats: { subjects: "scanner", streams: ["SCANNER_JOBS", "SCANNER_JOBS_DEAD"] },
    },
    { name: "concelier", title: "Concelier", valkey: ["cache"], buckets: [] },
    { name: "excititor", title: "Excititor", valkey: ["cache"], buckets: [rw("evidence")] },
    {
        name: "scheduler",
        title: "Scheduler",
        valkey: ["stream", "cache"],
        buckets: [],
        nats: {
            subjects: "scheduler",
            streams: ["SCHEDULER_PLANNER", "SCHEDULER_PLANNER_DEAD", "SCHEDULER_RUNNER", "SCHEDULER_RUNNER_DEAD"],
        },
    },
    {
        name: "notify",
        title: "Notify",
        valkey: ["stream", "queue", "cache"],
        buckets: [],
        nats: { subjects: "notify", streams: [] },
    },
    { name: "policy", title: "Policy", valkey: ["cache"], buckets: [ro("sboms"), rw("evidence")] },
    { name: "orchestrator", title: "Orchestrator", valkey: ["cache"], buckets: [rw("replay")] },
    { name: "gateway", title: "Gateway", valkey: ["cache", "ratelimit"], buckets: [] },
];

/** The catalog as one value, so plans can take a (test-modified) catalog as an argument. */
export interface Catalog {
    readonly services: readonly ServiceSpec[];
    readonly schemas: readonly SchemaSpec[];
}

export const CATALOG: Catalog = { services: SERVICES, schemas: SCHEMAS };

export function service(name: ServiceName, catalog: Catalog = CATALOG): ServiceSpec {
    const found = catalog.services.find((s) => s.name === name);
    if (!found) throw new Error(`unknown service "${name}"`);
    return found;
}

/** The schema a service owns, if any (gateway owns none). */
export function schemaOf(name: ServiceName, catalog: Catalog = CATALOG): SchemaSpec | undefined {
    return catalog.schemas.find((s) => s.owner === name);
}
