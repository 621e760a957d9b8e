/**
 * Validation of the Valkey options against the catalog: every problem with its path relative to
 * the `valkey` config section, so the stack reports `stellaops:valkey.<path>: expected ...` before
 * any resource exists. Isolation rules live here: namespaces, shared keys and queue streams must
 * not overlap where their ACL patterns would.
 */
import type { Catalog, SharedKeySpec } from "../catalog";
import { Problem, Problems } from "../problems";
import { EVICTION_POLICIES, MAX_NONCE_TTL_SECONDS, MIN_MAXMEMORY_MB, PREFIX_ROOT, PlanLimits, USER_PREFIX, ValkeyOptions } from "./options";

export { EVICTION_POLICIES, MIN_MAXMEMORY_MB } from "./options";
export type { EvictionPolicy, PlanLimits } from "./options";

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Namespace root of a service: its `keyPrefixes` override or its name. */
export function namespaceRoot(service: string, opts: Pick<ValkeyOptions, "keyPrefixes">): string {
    return opts.keyPrefixes?.[service] ?? service;
}

/** Two ACL key patterns `a*` and `b*` match a common key exactly when one literal starts the other. */
export const overlaps = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

/** Where a shared key's name is configured, under `valkey`. */
export function sharedKeyPath(key: SharedKeySpec["key"]): (string | number)[] {
    if (key.startsWith("routerRequests-")) return ["router", "serviceRequestQueue"];
    const router: Record<string, string> = { routerRateLimit: "rateLimitBucket", routerGatewayRequests: "gatewayRequestQueue", routerGatewayResponses: "gatewayResponseQueue" };
    return router[key] ? ["router", router[key]] : ["sharedKeys", key];
}

/** Every problem with the options; empty when valid. */
export function validateValkeyOptions(opts: ValkeyOptions, catalog: Catalog, limits?: Partial<PlanLimits>): Problem[] {
    const floor = limits?.maxmemoryFloorMb ?? MIN_MAXMEMORY_MB;
    const p = new Problems();
    const names = catalog.services.map((s) => s.name);

    if (opts.maxmemoryMb !== undefined) p.need(isInt(opts.maxmemoryMb, floor), ["maxmemoryMb"], `expected an integer >= ${floor} (MiB)`, opts.maxmemoryMb);
    if (opts.cacheMaxmemoryMb !== undefined) p.need(isInt(opts.cacheMaxmemoryMb, floor), ["cacheMaxmemoryMb"], `expected an integer >= ${floor} (MiB)`, opts.cacheMaxmemoryMb);
    const policy = opts.evictionPolicy;
    if (policy !== undefined && p.need((EVICTION_POLICIES as readonly string[]).includes(policy), ["evictionPolicy"], `expected one of ${EVICTION_POLICIES.join(", ")}`, policy)) {
        const msg = "expected a volatile-* policy or noeviction: with one instance an allkeys-* policy evicts streams, queues and nonces (set split for an allkeys-* cache instance)";
        p.need(opts.split === true || !policy.startsWith("allkeys-"), ["evictionPolicy"], msg, policy);
    }
    p.need(isInt(opts.nonceTtlSeconds, 1, MAX_NONCE_TTL_SECONDS), ["nonceTtlSeconds"], `expected an integer from 1 to ${MAX_NONCE_TTL_SECONDS} (seconds)`, opts.nonceTtlSeconds);
    p.need(isInt(opts.cacheTtlSeconds, 1), ["cacheTtlSeconds"], "expected an integer >= 1 (seconds): every cache key needs a TTL", opts.cacheTtlSeconds);
    p.need(isInt(opts.rateLimitWindowSeconds, 1), ["rateLimitWindowSeconds"], "expected an integer >= 1 (seconds)", opts.rateLimitWindowSeconds);
    for (const [svc, ttl] of Object.entries(opts.cacheTtlOverrides ?? {})) {
        if (p.need(names.includes(svc), ["cacheTtlOverrides", svc], `expected a catalog service (${names.join(", ")})`, svc)) {
            p.need(isInt(ttl, 1), ["cacheTtlOverrides", svc], "expected an integer >= 1 (seconds): every cache key needs a TTL", ttl);
        }
    }
    if (opts.userPrefix !== undefined) p.need(USER_PREFIX.test(opts.userPrefix), ["userPrefix"], "expected a lowercase user name prefix ([a-z][a-z0-9-]*, at most 21 characters)", opts.userPrefix);
    for (const [svc, root] of Object.entries(opts.keyPrefixes ?? {})) {
        if (!p.need(names.includes(svc), ["keyPrefixes", svc], `expected a catalog service (${names.join(", ")})`, svc)) continue;
        p.need(typeof root === "string" && PREFIX_ROOT.test(root), ["keyPrefixes", svc], "expected a prefix root of letters, digits, _ . - in segments joined by ':' (no glob characters, no trailing ':')", root);
    }
    if (p.list.length === 0) isolationProblems(opts, catalog, p);
    return p.list;
}

/** Namespaces, shared keys and queue streams: where ACL patterns would let one service reach another's keys. */
function isolationProblems(opts: ValkeyOptions, catalog: Catalog, p: Problems): void {
    const overridden = (svc: string) => opts.keyPrefixes?.[svc] !== undefined;
    const spaces = catalog.services.map((s) => ({ service: s.name, stem: `${namespaceRoot(s.name, opts)}:` }));

    spaces.forEach((b, j) => {
        for (const a of spaces.slice(0, j)) {
            if (!overlaps(a.stem, b.stem)) continue;
            const blamed = overridden(b.service) || !overridden(a.service) ? b : a;
            const other = blamed === b ? a : b;
            p.need(false, ["keyPrefixes", blamed.service], `expected a namespace that neither starts nor extends another service's: "${blamed.stem}" overlaps ${other.service}'s "${other.stem}"`, blamed.stem.slice(0, -1));
        }
    });

    // One problem per config key, however many shared keys it names (serviceRequestQueue names one per service).
    const grouped = new Map<string, { path: (string | number)[]; input: unknown; what: string[] }>();
    const report = (path: (string | number)[], input: unknown, what: string) => {
        const key = JSON.stringify(path);
        const g = grouped.get(key) ?? { path, input, what: [] };
        if (!g.what.includes(what)) g.what.push(what);
        grouped.set(key, g);
    };
    const shared = catalog.sharedKeys;
    shared.forEach((k, j) => {
        p.need(k.prefix.length > 0 && !/[*?[\]\\]/.test(k.prefix), sharedKeyPath(k.key), "expected a key name without glob characters", k.prefix);
        for (const s of spaces.filter((x) => overlaps(k.prefix, x.stem))) {
            if (overridden(s.service)) report(["keyPrefixes", s.service], s.stem.slice(0, -1), `"${k.prefix}" (${k.key}) overlaps this namespace "${s.stem}"`);
            else report(sharedKeyPath(k.key), k.prefix, `"${k.prefix}" (${k.key}) overlaps ${s.service}'s namespace "${s.stem}"`);
        }
        for (const other of shared.slice(0, j).filter((o) => overlaps(o.prefix, k.prefix))) {
            report(sharedKeyPath(k.key), k.prefix, `"${k.prefix}" (${k.key}) overlaps the shared key "${other.prefix}" (${other.key})`);
        }
    });
    for (const g of grouped.values()) {
        p.need(false, g.path, `expected shared keys outside every service namespace and apart from each other (their ACL patterns would overlap): ${g.what.join("; ")}`, g.input);
    }

    for (const s of catalog.services) {
        const stem = `${namespaceRoot(s.name, opts)}:`;
        const outside = (s.queues ?? []).filter((q) => !q.stream.startsWith(stem) || q.stream.length === stem.length).map((q) => q.stream);
        if (outside.length === 0) continue;
        p.need(false, ["keyPrefixes", s.name], `expected a namespace holding ${s.name}'s queue streams (${outside.join(", ")}): each queue, its ":idemp:" keys and ":dead" stream must lie inside "${stem}"`, stem.slice(0, -1));
    }
}
