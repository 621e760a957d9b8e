/**
 * `stellaops:valkey`: sizing, eviction, TTLs, key namespaces, the Router's shared keys and
 * (external) where the server is. Rules that need the catalog (overlapping namespaces, eviction
 * policy vs split, per-service overrides) are the Valkey plan's business.
 */
import { z } from "zod";
import { EVICTION_POLICIES } from "../../components/valkey/validate";
import { bool, host, int, oneOf, port, quantity } from "./rules";

const seconds = int(1);
const keyName = z.string({ error: "expected a key name" }).regex(/^[A-Za-z0-9][A-Za-z0-9_.:{}-]*$/, { error: "expected a key name of letters, digits and _ . : - (no glob characters)" });

export const valkeyFields = {
    maxmemoryMb: int(1).default(512).describe("maxmemory in MiB of the only (or, with `split`, the coordination) instance"),
    cacheMaxmemoryMb: int(1).optional().describe("with `split`: maxmemory in MiB of the cache instance; default `maxmemoryMb`"),
    evictionPolicy: oneOf(EVICTION_POLICIES).optional().describe("one instance: a volatile-* policy (default volatile-lru) or noeviction; with `split`: the cache instance's policy (default allkeys-lru)"),
    nonceTtlSeconds: int(1, 3600).default(300).describe("DPoP nonce TTL in seconds (RFC 9449 nonces live minutes)"),
    cacheTtlSeconds: seconds.default(3600).describe("default cache TTL in seconds"),
    cacheTtlOverrides: z.record(z.string(), seconds).default({}).describe("cache TTL per service, in seconds"),
    rateLimitWindowSeconds: seconds.default(60).describe("rate-limit window in seconds (TTL of a counter)"),
    keyPrefixes: z.record(z.string(), z.string({ error: "expected a prefix root" })).default({}).describe("key namespace root per service; default the service name (`scanner` owns `scanner:*`)"),
    userPrefix: z.string({ error: "expected a user name prefix" }).default("stellaops-").describe("prefix of every ACL user name (stellaops-scanner, stellaops-operator, ...)"),
    router: z
        .strictObject({
            rateLimitBucket: keyName.optional(),
            gatewayRequestQueue: keyName.optional(),
            gatewayResponseQueue: keyName.optional(),
            serviceRequestQueue: keyName.refine((v) => v.includes("{service}"), { error: "expected a name containing {service}" }).optional(),
            rateLimitUsers: z.array(z.string()).optional(),
        })
        .default({})
        .describe("the Router's shared keys: `rateLimitBucket`, `gatewayRequestQueue`, `gatewayResponseQueue`, `serviceRequestQueue` (with `{service}`), `rateLimitUsers` (default gateway)"),
    split: bool.default(false).describe("a coordination instance (noeviction) and a cache instance instead of one"),
    tls: bool.default(false).describe("TLS on the server port (dev/airgap: certificate and key from the valkeyTlsCert / valkeyTlsKey secrets)"),
    storageSize: quantity.default("8Gi").describe("volume per instance (airgap PVC)"),
    host: host.optional().describe("the existing server's host"),
    port: port.default(6379).describe("the existing server's port"),
    adminUser: z.string({ error: "expected an ACL user name" }).regex(/^[^\s]+$/, { error: "expected an ACL user name without spaces" }).default("default").describe("the ACL user with ACL rights the stack connects as"),
    nodeType: z
        .string({ error: "expected an ElastiCache node type" })
        .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "expected an ElastiCache node type such as cache.t4g.small" })
        .default("cache.t4g.small")
        .describe("ElastiCache node type"),
    replicas: int(0, 5).optional().describe("replicas per instance besides the primary: ElastiCache read replicas (default 1, Multi-AZ failover with one or more); airgap `ha`: replicas watched by Sentinel (default 2)"),
};
