import { z } from "zod";
import { CATALOG, SERVICE_NAMES } from "../../components/catalog";
import { EVICTION_POLICIES, MIN_MAXMEMORY_MB, validateValkeyOptions } from "../../components/valkey/plan";
import { bool, host, int, oneOf, port, quantity } from "./rules";

export { EVICTION_POLICIES };

const seconds = int(1);

/**
 * `stellaops:valkey`: sizing, eviction, TTLs, key prefixes and (external/aws) where it is.
 * Cross-field rules (policy vs split, overlapping prefixes) come from the plan's validator, so
 * config and plan reject the same values with the same messages.
 */
const fields = {
    /** maxmemory in MiB of the only (or, with split, the coordination) instance. */
    maxmemoryMb: int(MIN_MAXMEMORY_MB).default(512),
    /** split: maxmemory in MiB of the cache instance; defaults to maxmemoryMb. */
    cacheMaxmemoryMb: int(MIN_MAXMEMORY_MB).optional(),
    /** One instance: a volatile-* policy (default volatile-lru) or noeviction. Split: the cache instance's policy (default allkeys-lru). */
    evictionPolicy: oneOf(EVICTION_POLICIES).optional(),
    /** DPoP nonce TTL in seconds (RFC 9449 nonces live minutes). */
    nonceTtlSeconds: int(1, 3600).default(300),
    /** Default cache TTL in seconds, and per-service overrides. */
    cacheTtlSeconds: seconds.default(3600),
    cacheTtlOverrides: z.partialRecord(oneOf(SERVICE_NAMES), seconds).default({}),
    /** Token-bucket window for rate limits, in seconds (TTL of a bucket). */
    rateLimitWindowSeconds: seconds.default(60),
    /** Root of a service's key prefixes (`<root>:cache:<tenant>:`...); defaults to the service name. */
    keyPrefixes: z.partialRecord(oneOf(SERVICE_NAMES), z.string({ error: "expected a prefix root" })).default({}),
    /** Prefix of every ACL user name (stellaops-authority, stellaops-operator, ...). */
    userPrefix: z.string({ error: "expected a user name prefix" }).default("stellaops-"),
    /** Split into a coordination instance (noeviction) and a cache instance (allkeys-lru). */
    split: bool.default(false),
    /** TLS on the server port (certificates supplied by the platform). */
    tls: bool.default(false),
    /** Volume size per instance (airgap PVC). */
    storageSize: quantity.default("8Gi"),
    /** external: the existing server. */
    host: host.optional(),
    port: port.default(6379),
    /** external: the ACL user with ACL rights the stack connects as. */
    adminUser: z.string({ error: "expected an ACL user name" }).regex(/^[^\s]+$/, { error: "expected an ACL user name without spaces" }).default("default"),
    /** aws: ElastiCache node type and replicas. */
    nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "expected an ElastiCache node type such as cache.t4g.small" }).default("cache.t4g.small"),
    replicas: int(0, 5).default(1),
};

export const valkeySection = z.strictObject(fields).superRefine((v, ctx) => {
    for (const p of validateValkeyOptions(v, CATALOG)) {
        // zod runs this even when a field failed its own rule; report such a field once.
        const field = fields[p.path[0] as keyof typeof fields];
        if (field && !field.safeParse(v[p.path[0] as keyof typeof v]).success) continue;
        ctx.addIssue({ code: "custom", path: [...p.path], input: p.input, message: p.message });
    }
});

export type ValkeyConfig = z.infer<typeof valkeySection>;
