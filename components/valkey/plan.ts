/**
 * Valkey plan: namespaces, prefixes, TTLs, queues, shared keys, ACL users and server instances
 * derived from the catalog and typed options. Pure (no Pulumi): feeds the renderers, every
 * platform component and the stack outputs, so what a real server accepts is what Pulumi creates.
 */
import type { Catalog, ServiceName, ValkeyPattern } from "../catalog";
import { PlanError } from "../problems";
import { DEFAULT_USER_RULES, OPERATOR_RULES, PROBE_RULES, serviceRules } from "./acl";
import { ServiceKeys, ownPatterns, serviceKeys, sharedKeysOf } from "./namespaces";
import { DEFAULT_MAXMEMORY_MB, DEFAULT_USER_PREFIX, EvictionPolicy, PlanLimits, ValkeyOptions } from "./options";
import { validateValkeyOptions } from "./validate";

export { EVICTION_POLICIES, MIN_MAXMEMORY_MB, DEFAULT_USER_PREFIX } from "./options";
export type { EvictionPolicy, PlanLimits, ValkeyOptions } from "./options";
export { PATTERN_SEGMENT, servicePrefixes } from "./namespaces";
export type { QueuePlan } from "./namespaces";
export { namespaceRoot, validateValkeyOptions } from "./validate";

/** Patterns whose keys must never be evicted; with `split` they live on the noeviction instance. */
export const COORDINATION_PATTERNS: readonly ValkeyPattern[] = ["dpop", "stream", "queue", "ratelimit"];

export type InstanceKey = "main" | "coordination" | "cache";

export interface AclUser {
    /** ACL user name. */
    readonly name: string;
    readonly kind: "default" | "operator" | "probe" | "service" | "replication" | "sentinel";
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

export interface ServicePlan extends ServiceKeys {
    /** ACL user name. */
    readonly user: string;
    /** Instance holding the service's coordination keys, queues and shared keys (or its cache when it has none). */
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
    /** Prefix of every ACL user name. */
    readonly userPrefix: string;
}

function instanceShapes(opts: ValkeyOptions): Omit<InstancePlan, "users">[] {
    const maxmemoryMb = opts.maxmemoryMb ?? DEFAULT_MAXMEMORY_MB;
    if (!opts.split) {
        const all: ValkeyPattern[] = [...COORDINATION_PATTERNS, "cache"];
        return [{ key: "main", name: "valkey", role: "combined", patterns: all, maxmemoryMb, evictionPolicy: opts.evictionPolicy ?? "volatile-lru", persistence: true }];
    }
    return [
        { key: "coordination", name: "valkey-coordination", role: "coordination", patterns: COORDINATION_PATTERNS, maxmemoryMb, evictionPolicy: "noeviction", persistence: true },
        { key: "cache", name: "valkey-cache", role: "cache", patterns: ["cache"], maxmemoryMb: opts.cacheMaxmemoryMb ?? maxmemoryMb, evictionPolicy: opts.evictionPolicy ?? "allkeys-lru", persistence: false },
    ];
}

/**
 * A service's user on one instance, or none when it keeps nothing there. Its own keys: the whole
 * namespace, except on a split cache instance, which accepts only `<root>:cache:` (a queue written
 * there by mistake would be evictable). Then exactly its shared keys that live on this instance.
 */
function serviceUser(s: ServicePlan, own: readonly ValkeyPattern[], shared: ReturnType<typeof sharedKeysOf>, shape: Omit<InstancePlan, "users">): AclUser | undefined {
    const here = own.filter((p) => shape.patterns.includes(p));
    const sharedHere = shared.filter((k) => shape.patterns.includes(k.pattern));
    if (here.length === 0 && sharedHere.length === 0) return undefined;
    const ownKeys = here.length === 0 ? [] : shape.role === "cache" ? [s.prefixes.cache!] : [s.namespace];
    const patterns = [...here, ...sharedHere.map((k) => k.pattern).filter((p) => !here.includes(p))];
    const channels = here.includes("stream") ? s.channels : [];
    return { name: s.user, kind: "service", service: s.service, rules: serviceRules(patterns, [...ownKeys, ...sharedHere.map((k) => k.prefix)], channels) };
}

/** Validates the options against the catalog, then derives everything. Throws PlanError("valkey", ...). */
export function planValkey(opts: ValkeyOptions, catalog: Catalog, limits?: Partial<PlanLimits>): ValkeyPlan {
    const problems = validateValkeyOptions(opts, catalog, limits);
    if (problems.length > 0) throw new PlanError("valkey", problems);
    const userPrefix = opts.userPrefix ?? DEFAULT_USER_PREFIX;
    const shapes = instanceShapes(opts);
    const home = (p: ValkeyPattern): InstanceKey => shapes.find((s) => s.patterns.includes(p))!.key;

    const services: ServicePlan[] = catalog.services.map((spec) => {
        const coordination = [...ownPatterns(spec), ...sharedKeysOf(spec.name, catalog).map((k) => k.pattern)].filter((p) => p !== "cache");
        return { ...serviceKeys(spec, opts, catalog), user: `${userPrefix}${spec.name}`, instance: home(coordination[0] ?? "cache"), cacheInstance: home("cache") };
    });
    const operator = `${userPrefix}operator`;
    const probe = `${userPrefix}probe`;

    const instances: InstancePlan[] = shapes.map((shape) => {
        const users: AclUser[] = [
            { name: "default", kind: "default", rules: DEFAULT_USER_RULES },
            { name: operator, kind: "operator", rules: OPERATOR_RULES },
            { name: probe, kind: "probe", rules: PROBE_RULES },
        ];
        catalog.services.forEach((spec, i) => {
            const user = serviceUser(services[i], ownPatterns(spec), sharedKeysOf(spec.name, catalog), shape);
            if (user) users.push(user);
        });
        return { ...shape, users };
    });

    const passwordUsers: PasswordUser[] = [
        { key: "operator", name: operator },
        { key: "probe", name: probe },
        ...services.map((s) => ({ key: s.service, name: s.user })),
    ];
    return { instances, services, operator, probe, passwordUsers, tls: opts.tls ?? false, userPrefix };
}
