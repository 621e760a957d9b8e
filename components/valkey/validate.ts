/**
 * Validation of the Valkey options, shared by planValkey and the zod config section so a bad
 * value is reported the same way (key path + "expected ...") before any resource exists.
 */
import type { Catalog, ServiceName } from "../catalog";
import type { ValkeyOptions } from "./plan";

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

export interface PlanLimits {
    /** Lowest accepted maxmemory in MiB (tests lower it to fill a server quickly). */
    readonly maxmemoryFloorMb: number;
}

/** One bad option: its path under `valkey`, what was expected, what was given. */
export interface Problem {
    readonly path: readonly string[];
    readonly message: string;
    readonly input: unknown;
}

/** Prefix roots: segments joined by ":", no glob characters (they would widen the ACL pattern). */
export const PREFIX_ROOT = /^[A-Za-z0-9][A-Za-z0-9_.-]*(:[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;
export const USER_PREFIX = /^[a-z][a-z0-9-]{0,20}$/;

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Every problem with the options; empty when valid. */
export function validateValkeyOptions(opts: ValkeyOptions, catalog: Catalog, limits?: Partial<PlanLimits>): Problem[] {
    const floor = limits?.maxmemoryFloorMb ?? MIN_MAXMEMORY_MB;
    const problems: Problem[] = [];
    const need = (ok: boolean, path: string[], message: string, input: unknown) => {
        if (!ok) problems.push({ path, message, input });
    };
    const names = new Set<string>(catalog.services.map((s) => s.name));

    need(isInt(opts.maxmemoryMb, floor), ["maxmemoryMb"], `expected an integer >= ${floor} (MiB)`, opts.maxmemoryMb);
    if (opts.cacheMaxmemoryMb !== undefined) need(isInt(opts.cacheMaxmemoryMb, floor), ["cacheMaxmemoryMb"], `expected an integer >= ${floor} (MiB)`, opts.cacheMaxmemoryMb);

    const policy = opts.evictionPolicy;
    if (policy !== undefined) {
        if (!(EVICTION_POLICIES as readonly string[]).includes(policy)) {
            problems.push({ path: ["evictionPolicy"], message: `expected one of ${EVICTION_POLICIES.join(", ")}`, input: policy });
        } else if (!opts.split && policy.startsWith("allkeys-")) {
            problems.push({
                path: ["evictionPolicy"],
                message: "expected a volatile-* policy or noeviction: with one instance an allkeys-* policy evicts streams, queues and nonces (set split for an allkeys-* cache instance)",
                input: policy,
            });
        }
    }

    need(isInt(opts.nonceTtlSeconds, 1, MAX_NONCE_TTL_SECONDS), ["nonceTtlSeconds"], `expected an integer from 1 to ${MAX_NONCE_TTL_SECONDS} (seconds)`, opts.nonceTtlSeconds);
    need(isInt(opts.cacheTtlSeconds, 1), ["cacheTtlSeconds"], "expected an integer >= 1 (seconds): every cache key needs a TTL", opts.cacheTtlSeconds);
    need(isInt(opts.rateLimitWindowSeconds, 1), ["rateLimitWindowSeconds"], "expected an integer >= 1 (seconds)", opts.rateLimitWindowSeconds);
    for (const [svc, ttl] of Object.entries(opts.cacheTtlOverrides ?? {})) {
        if (!names.has(svc)) need(false, ["cacheTtlOverrides", svc], `expected a catalog service (${[...names].join(", ")})`, svc);
        else need(isInt(ttl, 1), ["cacheTtlOverrides", svc], "expected an integer >= 1 (seconds): every cache key needs a TTL", ttl);
    }
    if (opts.userPrefix !== undefined) need(USER_PREFIX.test(opts.userPrefix), ["userPrefix"], "expected a lowercase user name prefix ([a-z][a-z0-9-]*, at most 21 characters)", opts.userPrefix);

    problems.push(...prefixProblems(opts, catalog, names));
    return problems;
}

/** Bad roots, and any prefix that starts another service's prefix (ACL patterns would overlap). */
function prefixProblems(opts: ValkeyOptions, catalog: Catalog, names: ReadonlySet<string>): Problem[] {
    const problems: Problem[] = [];
    const overrides = opts.keyPrefixes ?? {};
    for (const [svc, root] of Object.entries(overrides)) {
        if (!names.has(svc)) problems.push({ path: ["keyPrefixes", svc], message: `expected a catalog service (${[...names].join(", ")})`, input: svc });
        else if (typeof root !== "string" || !PREFIX_ROOT.test(root)) {
            problems.push({ path: ["keyPrefixes", svc], message: "expected a prefix root of letters, digits, _ . - in segments joined by ':' (no glob characters, no trailing ':')", input: root });
        }
    }
    if (problems.length > 0) return problems;

    // Every prefix of a service starts with `<root>:`; two roots overlap when one such stem starts the other.
    const stems = catalog.services.map((s) => ({ service: s.name as ServiceName, stem: `${overrides[s.name] ?? s.name}:`, overridden: s.name in overrides }));
    stems.forEach((b, j) => {
        stems.slice(0, j).forEach((a) => {
            if (!a.stem.startsWith(b.stem) && !b.stem.startsWith(a.stem)) return;
            const blamed = b.overridden || !a.overridden ? b : a;
            const other = blamed === b ? a : b;
            problems.push({
                path: ["keyPrefixes", blamed.service],
                message: `expected a prefix root that neither starts nor extends another service's: "${blamed.stem}" overlaps ${other.service}'s "${other.stem}"`,
                input: blamed.stem.slice(0, -1),
            });
        });
    });
    return problems;
}
