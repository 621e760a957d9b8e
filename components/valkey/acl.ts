/**
 * ACL rules, derived from the patterns a user needs. Pure data: the same rules become aclfile
 * lines (dev, airgap), ElastiCache access strings (aws) and ACL SETUSER calls (external).
 */
import type { ValkeyPattern } from "../catalog";

/** Every service may authenticate, name its connection and run MULTI/EXEC; nothing else by default. */
export const BASE_RULES: readonly string[] = ["-@all", "+@connection", "+@transaction"];

/**
 * Command categories each pattern needs, inside the keys a user may touch.
 * - queue: a stream with a consumer group (XGROUP CREATE MKSTREAM, XADD, XREADGROUP, XACK,
 *   XCLAIM/XAUTOCLAIM leases, XPENDING: all @stream), idempotency keys `SET NX EX` (@string),
 *   DEL/EXPIRE (@keyspace). The Router's messaging queues are this pattern too: StellaOps.Messaging's
 *   Valkey queue is the same lease-based stream queue Scanner uses, so lists are not granted.
 * - ratelimit: the Router's fixed window (INCR + EXPIRE: @string, @keyspace) or a token bucket
 *   in one Lua script (HMGET/HSET: @hash; EVAL/EVALSHA). Valkey checks every key a script touches
 *   against the caller's patterns, so a script reaches nothing the caller could not.
 */
export const PATTERN_RULES: Readonly<Record<ValkeyPattern, readonly string[]>> = {
    dpop: ["+@string", "+@keyspace"],
    stream: ["+@stream", "+@keyspace", "+@pubsub"],
    queue: ["+@stream", "+@string", "+@keyspace"],
    cache: ["+@string", "+@hash", "+@keyspace"],
    ratelimit: ["+@string", "+@hash", "+@keyspace", "+eval", "+evalsha", "+script|load", "+script|exists"],
};

/**
 * Applied last, so no pattern can grant them: everything @dangerous, commands that enumerate
 * other services' keys or channels (SCAN, RANDOMKEY, DBSIZE, PUBSUB), PERSIST (a cache key
 * must keep its TTL to stay evictable), MOVE, and, named explicitly so a category change in
 * a future server cannot bring them back, FLUSH*, KEYS, CONFIG, DEBUG, SHUTDOWN, MODULE.
 */
export const DENIED_RULES: readonly string[] = [
    "-@dangerous",
    "-scan",
    "-randomkey",
    "-dbsize",
    "-pubsub",
    "-persist",
    "-move",
    "-flushall",
    "-flushdb",
    "-keys",
    "-config",
    "-debug",
    "-shutdown",
    "-module",
];

/**
 * The default user: off and without a password, so nobody can log in as it. It keeps full
 * permissions because Redis 7 and Valkey (before the fix of valkey#3983 / redis#14541)
 * re-check EXEC against the default user while loading the AOF: with `-@all`, every
 * transaction in the AOF (XREADGROUP of several entries, scripts, MULTI/EXEC) is silently
 * dropped on restart. The real-server AOF test fails without this.
 */
export const DEFAULT_USER_RULES: readonly string[] = ["~*", "&*", "+@all"];

/** Operators: everything except wiping data and the debugging and module surfaces. */
export const OPERATOR_RULES: readonly string[] = ["~*", "&*", "+@all", "-flushall", "-flushdb", "-debug", "-module"];

/** Health checks: PING only, no keys. */
export const PROBE_RULES: readonly string[] = ["resetkeys", "resetchannels", "-@all", "+ping"];

/** Command rules of a set of patterns, each once, in first-use order. */
export function patternRules(patterns: readonly ValkeyPattern[]): string[] {
    const commands: string[] = [];
    for (const p of patterns) for (const r of PATTERN_RULES[p]) if (!commands.includes(r)) commands.push(r);
    return commands;
}

/**
 * Rules of a service user: the key prefixes it may touch (its namespace and the shared keys it
 * uses), its channels, the commands its patterns need, then the denials, so no grant outlives them.
 */
export function serviceRules(patterns: readonly ValkeyPattern[], keyPrefixes: readonly string[], channelPrefixes: readonly string[]): string[] {
    return [
        "resetkeys",
        "resetchannels",
        ...keyPrefixes.map((k) => `~${k}*`),
        ...channelPrefixes.map((c) => `&${c}*`),
        ...BASE_RULES,
        ...patternRules(patterns),
        ...DENIED_RULES,
    ];
}
