/**
 * The Valkey plan's options and their limits: plain types and constants, imported by the
 * validator, the plan and the config section (no other module of this layer), so nothing here
 * depends on the plan and the plan's modules have no import cycle.
 */
import type { ServiceName } from "../catalog";

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
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

/** Below this, one burst of cache writes can crowd out streams and queues. */
export const MIN_MAXMEMORY_MB = 64;

/** RFC 9449 nonces live minutes; longer widens the replay window. */
export const MAX_NONCE_TTL_SECONDS = 3600;

/** maxmemory when a profile has no say (ElastiCache sizes by node type; an existing server is its owners'). */
export const DEFAULT_MAXMEMORY_MB = 512;

export const DEFAULT_USER_PREFIX = "stellaops-";

/** Namespace roots: segments joined by ":", no glob characters (they would widen the ACL pattern). */
export const PREFIX_ROOT = /^[A-Za-z0-9][A-Za-z0-9_.-]*(:[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;
export const USER_PREFIX = /^[a-z][a-z0-9-]{0,20}$/;

export interface PlanLimits {
    /** Lowest accepted maxmemory in MiB (tests lower it to fill a server quickly). @default 64 */
    readonly maxmemoryFloorMb: number;
}

/** `stellaops:valkey` as the plan reads it; profiles that run no server leave the sizing keys out. */
export interface ValkeyOptions {
    /** maxmemory of the only (or the coordination) instance, in MiB. @default 512 */
    readonly maxmemoryMb?: number;
    /** split: maxmemory of the cache instance, in MiB. @default maxmemoryMb */
    readonly cacheMaxmemoryMb?: number;
    /** One instance: a volatile-* policy or noeviction. Split: the cache instance's policy. @default volatile-lru (one), allkeys-lru (split cache) */
    readonly evictionPolicy?: EvictionPolicy;
    /** DPoP nonce TTL in seconds. */
    readonly nonceTtlSeconds: number;
    /** Default cache TTL in seconds. */
    readonly cacheTtlSeconds: number;
    /** Cache TTL per service, in seconds. @default {} */
    readonly cacheTtlOverrides?: Partial<Record<ServiceName, number>>;
    /** Rate-limit window in seconds (TTL of a bucket or counter). */
    readonly rateLimitWindowSeconds: number;
    /** Namespace root per service. @default the service name */
    readonly keyPrefixes?: Partial<Record<ServiceName, string>>;
    /** Prefix of every ACL user name. @default "stellaops-" */
    readonly userPrefix?: string;
    /** A coordination instance (noeviction) and a cache instance instead of one. @default false */
    readonly split?: boolean;
    /** TLS on the server port. @default false */
    readonly tls?: boolean;
}
