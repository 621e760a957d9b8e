/**
 * What each service may touch in Valkey, from the catalog (StellaOps' public documentation): its namespace
 * `<root>:*`, the documented prefixes and TTLs of its patterns, its queues (stream, group,
 * `:idemp:` keys, `:dead` stream) and exactly the shared keys whose users include it. Pure.
 */
import type { Catalog, ServiceName, ServiceSpec, SharedKeySpec, ValkeyPattern } from "../catalog";
import type { ValkeyOptions } from "./options";
import { namespaceRoot } from "./validate";

/** Key segment per pattern: `<root>:<segment>:`. */
export const PATTERN_SEGMENT: Readonly<Record<ValkeyPattern, string>> = { dpop: "dpop", stream: "stream", queue: "queue", cache: "cache", ratelimit: "rl" };

/** A work queue as its service uses it. */
export interface QueuePlan {
    /** Stream key, e.g. `scanner:jobs`. */
    readonly stream: string;
    /** Consumer group, e.g. `scanner`. */
    readonly group: string;
    /** Idempotency keys (`SET <prefix><id> 1 NX EX <ttl>`): `<stream>:idemp:`. */
    readonly idempotencyPrefix: string;
    /** Dead-letter stream: `<stream>:dead`. */
    readonly deadLetterStream: string;
}

/** What a service's connection settings publish, and what its ACL user is derived from. */
export interface ServiceKeys {
    readonly service: ServiceName;
    /** The service's namespace `<root>:`; its ACL user may touch every key under it. */
    readonly namespace: string;
    /** Documented key prefix per pattern the service uses (`<root>:<segment>:`). */
    readonly prefixes: Partial<Record<ValkeyPattern, string>>;
    /** Pub/sub channel prefixes (its namespace, when it uses streams and events). */
    readonly channels: readonly string[];
    /** TTLs the service applies, in seconds: dpopNonce, cache, rateLimitWindow. Streams and queues have none. */
    readonly ttls: Readonly<Record<string, number>>;
    readonly queues: readonly QueuePlan[];
    /** Shared keys the service is a user of: key id to key prefix (the ACL grants `<prefix>*`). */
    readonly sharedKeys: Readonly<Record<string, string>>;
}

/** `<root>:<segment>:` per pattern the service uses (the cache prefix continues with `<tenant>:`). */
export function servicePrefixes(root: string, patterns: readonly ValkeyPattern[]): Partial<Record<ValkeyPattern, string>> {
    const out: Partial<Record<ValkeyPattern, string>> = {};
    for (const p of patterns) out[p] = `${root}:${PATTERN_SEGMENT[p]}:`;
    return out;
}

export function queuePlan(q: { readonly stream: string; readonly group: string }): QueuePlan {
    return { stream: q.stream, group: q.group, idempotencyPrefix: `${q.stream}:idemp:`, deadLetterStream: `${q.stream}:dead` };
}

function ttlsFor(service: ServiceName, patterns: readonly ValkeyPattern[], opts: ValkeyOptions): Record<string, number> {
    const ttls: Record<string, number> = {};
    if (patterns.includes("dpop")) ttls.dpopNonce = opts.nonceTtlSeconds;
    if (patterns.includes("cache")) ttls.cache = opts.cacheTtlOverrides?.[service] ?? opts.cacheTtlSeconds;
    if (patterns.includes("ratelimit")) ttls.rateLimitWindow = opts.rateLimitWindowSeconds;
    return ttls;
}

/** The shared keys `service` is a user of. */
export function sharedKeysOf(service: ServiceName, catalog: Catalog): SharedKeySpec[] {
    return catalog.sharedKeys.filter((k) => k.users.includes(service));
}

/** Patterns a service uses in its own namespace: its `valkey` list, plus `queue` when it has queues. */
export function ownPatterns(spec: ServiceSpec): ValkeyPattern[] {
    return (spec.queues?.length ?? 0) > 0 && !spec.valkey.includes("queue") ? [...spec.valkey, "queue"] : [...spec.valkey];
}

export function serviceKeys(spec: ServiceSpec, opts: ValkeyOptions, catalog: Catalog): ServiceKeys {
    const root = namespaceRoot(spec.name, opts);
    const prefixes = servicePrefixes(root, spec.valkey);
    return {
        service: spec.name,
        namespace: `${root}:`,
        prefixes,
        channels: spec.valkey.includes("stream") ? [`${root}:`] : [],
        ttls: ttlsFor(spec.name, spec.valkey, opts),
        queues: (spec.queues ?? []).map(queuePlan),
        sharedKeys: Object.fromEntries(sharedKeysOf(spec.name, catalog).map((k) => [k.key, k.prefix])),
    };
}
