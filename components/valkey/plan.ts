/**
 * Valkey plan: key prefixes, TTLs, ACL users and server instances derived from the catalog's
 * `valkey` patterns and typed options. Pure (no Pulumi): feeds the renderers, every platform
 * component and the stack outputs, so what a real server accepts is what Pulumi creates.
 */
import { CATALOG, Catalog, ServiceName, ValkeyPattern } from "../catalog";
import { DEFAULT_USER_RULES, OPERATOR_RULES, PROBE_RULES, serviceRules } from "./acl";
import { EvictionPolicy, PlanLimits, Problem, validateValkeyOptions } from "./validate";

export { EVICTION_POLICIES, MIN_MAXMEMORY_MB, validateValkeyOptions } from "./validate";
export type { EvictionPolicy, PlanLimits, Problem } from "./validate";

/** Key segment per pattern: `<service>:<segment>:`. */
export const PATTERN_SEGMENT: Readonly<Record<ValkeyPattern, string>> = { dpop: "dpop", stream: "stream", queue: "queue", cache: "cache", ratelimit: "rl" };

/** Patterns whose keys must never be evicted; with `split` they live on the noeviction instance. */
export const COORDINATION_PATTERNS: readonly ValkeyPattern[] = ["dpop", "stream", "queue", "ratelimit"];

export interface ValkeyOptions {
    /** maxmemory of the only (or the coordination) instance, in MiB. */
    readonly maxmemoryMb: number;
    /** split: maxmemory of the cache instance, in MiB; defaults to maxmemoryMb. */
    readonly cacheMaxmemoryMb?: number;
    /** One instance: a volatile-* policy (default volatile-lru) or noeviction. Split: the cache instance's policy (default allkeys-lru). */
    readonly evictionPolicy?: EvictionPolicy;
    /** DPoP nonce TTL in seconds. */
    readonly nonceTtlSeconds: number;
    /** Default cache TTL in seconds, and per-service overrides. */
    readonly cacheTtlSeconds: number;
    readonly cacheTtlOverrides?: Partial<Record<ServiceName, number>>;
    /** Token-bucket window in seconds (TTL of a bucket). */
    readonly rateLimitWindowSeconds: number;
    /** Root of a service's prefixes (default: the service name). */
    readonly keyPrefixes?: Partial<Record<ServiceName, string>>;
    /** Prefix of every ACL user name. */
    readonly userPrefix?: string;
    /** A coordination instance (noeviction) and a cache instance instead of one. */
    readonly split: boolean;
    /** TLS on the server port. */
    readonly tls: boolean;
}

export type InstanceKey = "main" | "coordination" | "cache";

export interface AclUser {
    /** ACL user name. */
    readonly name: string;
    readonly kind: "default" | "operator" | "probe" | "service";
    /** The catalog service a service user belongs to. */
    readonly service?: ServiceName;
    /** Rules after on/off and the password. */
    readonly rules: readonly string[];
}

export interface InstancePlan {
    readonly key: InstanceKey;
    /** Physical name stem (container, StatefulSet, file names): valkey, valkey-coordination, valkey-cache. */
    readonly name: string;
    readonly role: "combined" | "coordination" | "cache";
    /** Patterns whose keys live here. */
    readonly patterns: readonly ValkeyPattern[];
    readonly maxmemoryMb: number;
    readonly evictionPolicy: EvictionPolicy;
    /** AOF on: queues and streams survive restarts. A cache-only instance starts empty instead. */
    readonly persistence: boolean;
    /** Users in aclfile order: default (off), operator, probe, then services using this instance. */
    readonly users: readonly AclUser[];
}

export interface ServicePlan {
    readonly service: ServiceName;
    /** ACL user name. */
    readonly user: string;
    /** Key prefix per pattern the service uses. */
    readonly prefixes: Partial<Record<ValkeyPattern, string>>;
    /** Pub/sub channel prefixes (events beside the service's streams). */
    readonly channels: readonly string[];
    /** TTLs the service applies, in seconds: dpopNonce, cache, rateLimitWindow. Streams and queues have none. */
    readonly ttls: Readonly<Record<string, number>>;
    /** Instance holding the service's coordination keys (or its cache when it has none). */
    readonly instance: InstanceKey;
    /** Instance holding the service's cache keys. */
    readonly cacheInstance: InstanceKey;
}

/** A user whose password the stack generates; `key` names the password resource. */
export interface PasswordUser {
    readonly key: string;
    readonly name: string;
}

export interface ValkeyPlan {
    readonly instances: readonly InstancePlan[];
    readonly services: readonly ServicePlan[];
    readonly operator: string;
    readonly probe: string;
    readonly passwordUsers: readonly PasswordUser[];
    readonly tls: boolean;
}

export const DEFAULT_USER_PREFIX = "stellaops-";

/** Prefix root of a service: its override or its name. */
export function prefixRoot(service: ServiceName, opts: Pick<ValkeyOptions, "keyPrefixes">): string {
    return opts.keyPrefixes?.[service] ?? service;
}

/** `<root>:<segment>:` per pattern the service uses (the cache prefix continues with `<tenant>:`). */
export function servicePrefixes(root: string, patterns: readonly ValkeyPattern[]): Partial<Record<ValkeyPattern, string>> {
    const out: Partial<Record<ValkeyPattern, string>> = {};
    for (const p of patterns) out[p] = `${root}:${PATTERN_SEGMENT[p]}:`;
    return out;
}

function ttlsFor(service: ServiceName, patterns: readonly ValkeyPattern[], opts: ValkeyOptions): Record<string, number> {
    const ttls: Record<string, number> = {};
    if (patterns.includes("dpop")) ttls.dpopNonce = opts.nonceTtlSeconds;
    if (patterns.includes("cache")) ttls.cache = opts.cacheTtlOverrides?.[service] ?? opts.cacheTtlSeconds;
    if (patterns.includes("ratelimit")) ttls.rateLimitWindow = opts.rateLimitWindowSeconds;
    return ttls;
}

function instanceShapes(opts: ValkeyOptions): Omit<InstancePlan, "users">[] {
    if (!opts.split) {
        const all: ValkeyPattern[] = [...COORDINATION_PATTERNS, "cache"];
        return [{ key: "main", name: "valkey", role: "combined", patterns: all, maxmemoryMb: opts.maxmemoryMb, evictionPolicy: opts.evictionPolicy ?? "volatile-lru", persistence: true }];
    }
    return [
        { key: "coordination", name: "valkey-coordination", role: "coordination", patterns: COORDINATION_PATTERNS, maxmemoryMb: opts.maxmemoryMb, evictionPolicy: "noeviction", persistence: true },
        { key: "cache", name: "valkey-cache", role: "cache", patterns: ["cache"], maxmemoryMb: opts.cacheMaxmemoryMb ?? opts.maxmemoryMb, evictionPolicy: opts.evictionPolicy ?? "allkeys-lru", persistence: false },
    ];
}

/** Thrown by planValkey; one problem per line, each naming its `valkey.<key>`. */
export class ValkeyPlanError extends Error {
    constructor(readonly problems: readonly Problem[]) {
        super(`invalid valkey options:\n  ${problems.map((p) => `valkey.${p.path.join(".")}: ${p.message}, got ${JSON.stringify(p.input)}`).join("\n  ")}`);
        this.name = "ValkeyPlanError";
    }
}

/** Validates the options, then derives prefixes, TTLs, users and instances. Throws ValkeyPlanError. */
export function planValkey(opts: ValkeyOptions, catalog: Catalog = CATALOG, limits?: Partial<PlanLimits>): ValkeyPlan {
    const problems = validateValkeyOptions(opts, catalog, limits);
    if (problems.length > 0) throw new ValkeyPlanError(problems);
    const userPrefix = opts.userPrefix ?? DEFAULT_USER_PREFIX;
    const shapes = instanceShapes(opts);
    const home = (p: ValkeyPattern): InstanceKey => shapes.find((s) => s.patterns.includes(p))!.key;

    const services: ServicePlan[] = catalog.services.map((s) => {
        const prefixes = servicePrefixes(prefixRoot(s.name, opts), s.valkey);
        const coordination = s.valkey.filter((p) => p !== "cache");
        return {
            service: s.name,
            user: `${userPrefix}${s.name}`,
            prefixes,
            channels: prefixes.stream ? [prefixes.stream] : [],
            ttls: ttlsFor(s.name, s.valkey, opts),
            instance: home(coordination[0] ?? "cache"),
            cacheInstance: home("cache"),
        };
    });
    const operator = `${userPrefix}operator`;
    const probe = `${userPrefix}probe`;

    const instances: InstancePlan[] = shapes.map((shape) => {
        const users: AclUser[] = [
            { name: "default", kind: "default", rules: DEFAULT_USER_RULES },
            { name: operator, kind: "operator", rules: OPERATOR_RULES },
            { name: probe, kind: "probe", rules: PROBE_RULES },
        ];
        for (const s of services) {
            const spec = catalog.services.find((c) => c.name === s.service)!;
            const here = spec.valkey.filter((p) => shape.patterns.includes(p));
            if (here.length === 0) continue;
            const keys = here.map((p) => s.prefixes[p]!);
            const channels = here.includes("stream") ? s.channels : [];
            users.push({ name: s.user, kind: "service", service: s.service, rules: serviceRules(here, keys, channels) });
        }
        return { ...shape, users };
    });

    const passwordUsers: PasswordUser[] = [
        { key: "operator", name: operator },
        { key: "probe", name: probe },
        ...services.map((s) => ({ key: s.service, name: s.user })),
    ];
    return { instances, services, operator, probe, passwordUsers, tls: opts.tls };
}
