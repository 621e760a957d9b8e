import { z } from "zod";
import { SERVICE_NAMES } from "../../components/catalog";
import { bool, host, int, oneOf, port, quantity } from "./rules";

export const EVICTION_POLICIES = [
    "volatile-lru",
    "volatile-lfu",
    "volatile-ttl",
    "volatile-random",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
] as const;

/** `stellaops:valkey`: server sizing, eviction, TTLs and (external/aws) where it is. */
export const valkeySection = z.strictObject({
    /** maxmemory in MiB; below 64 MiB Valkey cannot hold streams and caches sensibly. */
    maxmemoryMb: int(64).default(512),
    /** Eviction policy; a volatile-* policy evicts only keys with a TTL (caches). */
    evictionPolicy: oneOf(EVICTION_POLICIES).default("volatile-lru"),
    /** DPoP nonce TTL in seconds (RFC 9449 nonces live minutes). */
    nonceTtlSeconds: int(1, 3600).default(300),
    /** Default cache TTL in seconds, overridable per service. */
    cacheTtlSeconds: int(1).default(3600),
    cacheTtlOverrides: z.partialRecord(oneOf(SERVICE_NAMES), int(1)).default({}),
    /** Token-bucket window for rate limits, in seconds. */
    rateLimitWindowSeconds: int(1).default(60),
    /** Split into a coordination instance (noeviction) and a cache instance (allkeys-lru). */
    split: bool.default(false),
    /** TLS on the server port (certificates supplied by the platform). */
    tls: bool.default(false),
    /** Volume size (airgap PVC). */
    storageSize: quantity.default("8Gi"),
    /** external: the existing server. */
    host: host.optional(),
    port: port.default(6379),
    /** external: the ACL user with ACL rights the stack connects as. */
    adminUser: z.string().default("default"),
    /** aws: ElastiCache node type and replicas. */
    nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "expected an ElastiCache node type such as cache.t4g.small" }).default("cache.t4g.small"),
    replicas: int(0, 5).default(1),
});

export type ValkeyConfig = z.infer<typeof valkeySection>;
