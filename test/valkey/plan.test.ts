/**
 * The pure Valkey plan: namespaces, prefixes and TTLs per catalog service, queues and shared keys
 * from the catalog's real key names, ACL users, instances (one, or split), and bad options
 * rejected with the key named. No Pulumi involved.
 */
import * as assert from "assert";
import { CATALOG, Catalog, ValkeyPattern } from "../../components/catalog";
import { extendCatalog } from "../../components/catalog-extend";
import { PlanError } from "../../components/problems";
import { ValkeyOptions, planValkey } from "../../components/valkey/plan";
import { defaultOptions } from "./support";

/** The prefix scheme, written out independently of the code. */
const SCHEME: Record<ValkeyPattern, (s: string) => string> = {
    dpop: (s) => `${s}:dpop:`,
    stream: (s) => `${s}:stream:`,
    queue: (s) => `${s}:queue:`,
    cache: (s) => `${s}:cache:`,
    ratelimit: (s) => `${s}:rl:`,
};
const defaults: ValkeyOptions = defaultOptions();
const plan = (o: Partial<ValkeyOptions> = {}, catalog: Catalog = CATALOG) => planValkey({ ...defaults, ...o }, catalog);
const rulesOf = (p: ReturnType<typeof plan>, user: string, instance = 0) => p.instances[instance].users.find((u) => u.name === user)?.rules ?? [];
const keyPatterns = (rules: readonly string[]) => rules.filter((r) => r.startsWith("~"));
const ROUTED = CATALOG.services.filter((s) => s.routed !== false).map((s) => s.name);

describe("valkey plan", () => {
    it("gives every catalog service its namespace <service>: and one documented prefix per pattern inside it", () => {
        const p = plan();
        assert.deepEqual(p.services.map((s) => s.service), CATALOG.services.map((s) => s.name));
        for (const spec of CATALOG.services) {
            const s = p.services.find((x) => x.service === spec.name)!;
            assert.equal(s.namespace, `${spec.name}:`);
            assert.deepEqual(s.prefixes, Object.fromEntries(spec.valkey.map((pt) => [pt, SCHEME[pt](spec.name)])), spec.name);
        }
    });

    it("publishes the documented queues: stream, group, idempotency prefix and dead-letter stream", () => {
        const p = plan();
        const queues = (svc: string) => p.services.find((s) => s.service === svc)!.queues;
        assert.deepEqual(queues("scanner"), [{ stream: "scanner:jobs", group: "scanner", idempotencyPrefix: "scanner:jobs:idemp:", deadLetterStream: "scanner:jobs:dead" }]);
        assert.deepEqual(queues("scheduler").map((q) => [q.stream, q.group, q.idempotencyPrefix, q.deadLetterStream]), [
            ["scheduler:planner", "scheduler", "scheduler:planner:idemp:", "scheduler:planner:dead"],
            ["scheduler:runner", "scheduler", "scheduler:runner:idemp:", "scheduler:runner:dead"],
        ]);
        assert.deepEqual(queues("notify").map((q) => q.group), ["notifier"]);
        assert.deepEqual(queues("concelier"), []);
    });

    it("grants each service its whole namespace and exactly the shared keys whose users include it", () => {
        const p = plan();
        for (const s of p.services) {
            const shared = CATALOG.sharedKeys.filter((k) => k.users.includes(s.service));
            assert.deepEqual(s.sharedKeys, Object.fromEntries(shared.map((k) => [k.key, k.prefix])), s.service);
            assert.deepEqual(keyPatterns(rulesOf(p, s.user)), [`~${s.service}:*`, ...shared.map((k) => `~${k.prefix}*`)], s.service);
        }
        const scanner = p.services.find((s) => s.service === "scanner")!;
        assert.deepEqual(Object.values(scanner.sharedKeys), ["stella:router:gateway:requests", "stella:router:gateway:responses", "stella:router:scanner:requests"]);
        const gateway = p.services.find((s) => s.service === "gateway")!;
        assert.deepEqual(Object.values(gateway.sharedKeys).sort(), ["stella-router-rate-limit", "stella:router:gateway:requests", "stella:router:gateway:responses", ...ROUTED.map((r) => `stella:router:${r}:requests`)].sort());
    });

    it("lets valkey.router.rateLimitUsers add users of the rate-limit bucket, and nobody else", () => {
        const p = plan({}, extendCatalog({ router: { rateLimitUsers: ["authority"] } }));
        const users = p.services.filter((s) => "routerRateLimit" in s.sharedKeys).map((s) => s.service);
        assert.deepEqual(users.sort(), ["authority", "gateway"]);
        assert.ok(keyPatterns(rulesOf(p, "stellaops-authority")).includes("~stella-router-rate-limit*"));
    });

    it("grants the commands of the service's patterns, its queues and its shared keys; denials last", () => {
        const p = plan();
        for (const s of p.services) {
            const rules = rulesOf(p, s.user);
            const spec = CATALOG.services.find((c) => c.name === s.service)!;
            assert.deepEqual(rules.filter((r) => r.startsWith("&")), spec.valkey.includes("stream") ? [`&${s.service}:*`] : [], s.service);
            assert.ok(!rules.some((r) => ["~*", "&*", "+@all", "allkeys", "allchannels", "nopass"].includes(r)), s.service);
            const lastGrant = rules.map((r) => r.startsWith("+")).lastIndexOf(true);
            for (const deny of ["-@dangerous", "-flushall", "-flushdb", "-keys", "-config", "-debug", "-shutdown", "-module"]) {
                assert.ok(rules.indexOf(deny) > lastGrant, `${s.service}: ${deny} after every grant`);
            }
            const queues = s.queues.length > 0 || Object.keys(s.sharedKeys).some((k) => k !== "routerRateLimit");
            if (queues) for (const r of ["+@stream", "+@string", "+@keyspace"]) assert.ok(rules.includes(r), `${s.service}: queues need ${r} (XADD..., SET NX EX, DEL)`);
            assert.equal(rules.includes("+@stream"), queues || "stream" in s.prefixes, `${s.service}: streams for queues (own or the Router's)`);
            assert.equal(rules.includes("+eval"), "ratelimit" in s.prefixes || "routerRateLimit" in s.sharedKeys, `${s.service} EVAL`);
            assert.equal(rules.includes("+@pubsub"), "stream" in s.prefixes, `${s.service} @pubsub`);
        }
    });

    it("derives TTLs from the patterns: nonce, a cache TTL for every service, the rate-limit window; none for streams and queues", () => {
        const p = plan({ cacheTtlOverrides: { concelier: 86400 } });
        for (const spec of CATALOG.services) {
            const ttls = p.services.find((s) => s.service === spec.name)!.ttls;
            const expected: Record<string, number> = {};
            if (spec.valkey.includes("dpop")) expected.dpopNonce = 300;
            if (spec.valkey.includes("cache")) expected.cache = spec.name === "concelier" ? 86400 : defaults.cacheTtlSeconds;
            if (spec.valkey.includes("ratelimit")) expected.rateLimitWindow = defaults.rateLimitWindowSeconds;
            assert.deepEqual(ttls, expected, spec.name);
        }
        assert.equal(plan({ nonceTtlSeconds: 120 }).services.find((s) => s.service === "authority")!.ttls.dpopNonce, 120);
    });

    it("plans the default user off, an operator, a probe and one user per service, with unique names", () => {
        const users = plan().instances[0].users;
        assert.deepEqual(users.slice(0, 3).map((u) => u.kind), ["default", "operator", "probe"]);
        assert.deepEqual(users.filter((u) => u.kind === "service").map((u) => u.service), CATALOG.services.map((s) => s.name));
        assert.equal(new Set(users.map((u) => u.name)).size, users.length);
        assert.deepEqual(plan({ userPrefix: "prod-" }).services.map((s) => s.user), CATALOG.services.map((s) => `prod-${s.name}`));
    });

    it("keeps one instance by default: AOF on, volatile-lru, or noeviction when asked; sizing defaults where a profile has none", () => {
        const [only, ...rest] = plan().instances;
        assert.equal(rest.length, 0);
        assert.deepEqual([only.key, only.role, only.evictionPolicy, only.persistence, only.maxmemoryMb], ["main", "combined", "volatile-lru", true, defaults.maxmemoryMb]);
        assert.equal(plan({ evictionPolicy: "noeviction" }).instances[0].evictionPolicy, "noeviction");
        const { maxmemoryMb: _m, split: _s, tls: _t, ...external } = defaults;
        const bare = planValkey(external, CATALOG);
        assert.deepEqual([bare.instances.length, bare.instances[0].maxmemoryMb, bare.tls], [1, 512, false]);
    });

    it("split: coordination keys, queues and the Router's keys on a noeviction instance; only cache prefixes on the cache instance", () => {
        const p = plan({ split: true, maxmemoryMb: 256, cacheMaxmemoryMb: 1024 });
        const [coord, cache] = p.instances;
        assert.deepEqual([coord.key, coord.evictionPolicy, coord.persistence, coord.maxmemoryMb], ["coordination", "noeviction", true, 256]);
        assert.deepEqual([cache.key, cache.evictionPolicy, cache.persistence, cache.maxmemoryMb], ["cache", "allkeys-lru", false, 1024]);
        // Every service uses the Router's queues (routed) or its bucket (gateway): all have a coordination user.
        assert.deepEqual(coord.users.filter((u) => u.kind === "service").map((u) => u.service), CATALOG.services.map((s) => s.name));
        for (const s of p.services) {
            assert.equal(s.instance, "coordination", s.service);
            assert.equal(s.cacheInstance, "cache");
            assert.deepEqual(keyPatterns(rulesOf(p, s.user, 1)), [`~${s.prefixes.cache}*`], `${s.service} reaches only its cache keys on the cache instance`);
            const coordKeys = keyPatterns(rulesOf(p, s.user, 0));
            const ownCoordination = s.queues.length > 0 || Object.keys(s.prefixes).some((x) => x !== "cache");
            assert.equal(coordKeys.includes(`~${s.namespace}*`), ownCoordination, `${s.service}: its namespace on coordination only when it keeps coordination keys`);
            assert.deepEqual(coordKeys.filter((k) => !k.startsWith(`~${s.namespace}`)), Object.values(s.sharedKeys).map((k) => `~${k}*`), s.service);
        }
    });

    it("follows the catalog: a service added in config gets its user, namespace, queues and request queue", () => {
        const catalog = extendCatalog({ services: { zastava: { valkey: ["cache"], queues: [{ stream: "zastava:events", group: "zastava" }], buckets: [], routed: true } } });
        const z = plan({}, catalog).services.find((s) => s.service === "zastava")!;
        assert.deepEqual([z.user, z.namespace, z.prefixes], ["stellaops-zastava", "zastava:", { cache: "zastava:cache:" }]);
        assert.deepEqual(z.queues.map((q) => q.deadLetterStream), ["zastava:events:dead"]);
        assert.equal(z.sharedKeys["routerRequests-zastava"], "stella:router:zastava:requests");
        assert.ok(rulesOf(plan({}, catalog), z.user).includes("+@stream"), "queues get stream commands");
    });

    it("takes namespace roots from keyPrefixes", () => {
        const s = plan({ keyPrefixes: { gateway: "edge.gw" } }).services.find((x) => x.service === "gateway")!;
        assert.deepEqual([s.namespace, s.prefixes], ["edge.gw:", { cache: "edge.gw:cache:", ratelimit: "edge.gw:rl:" }]);
    });

    const bad: [string, Partial<ValkeyOptions>, string, Catalog?][] = [
        ["nonce TTL zero", { nonceTtlSeconds: 0 }, "nonceTtlSeconds"],
        ["nonce TTL over an hour", { nonceTtlSeconds: 3601 }, "nonceTtlSeconds"],
        ["cache TTL zero", { cacheTtlSeconds: 0 }, "cacheTtlSeconds"],
        ["cache TTL override negative", { cacheTtlOverrides: { policy: -1 } }, "cacheTtlOverrides.policy"],
        ["cache TTL override for an unknown service", { cacheTtlOverrides: { nobody: 60 } }, "cacheTtlOverrides.nobody"],
        ["rate-limit window zero", { rateLimitWindowSeconds: 0 }, "rateLimitWindowSeconds"],
        ["maxmemory below the floor", { maxmemoryMb: 63 }, "maxmemoryMb"],
        ["cache maxmemory below the floor", { split: true, cacheMaxmemoryMb: 8 }, "cacheMaxmemoryMb"],
        ["unknown eviction policy", { evictionPolicy: "lru" as never }, "evictionPolicy"],
        ["allkeys-* on one instance", { evictionPolicy: "allkeys-lru" }, "evictionPolicy"],
        ["namespace inside another service's", { keyPrefixes: { gateway: "authority:cache" } }, "keyPrefixes.gateway"],
        ["namespace equal to another service's", { keyPrefixes: { policy: "notify" } }, "keyPrefixes.policy"],
        // Both overridden: the later service in catalog order is named (the message names the other).
        ["namespace that another service's extends", { keyPrefixes: { policy: "a", excititor: "a:b" } }, "keyPrefixes.policy"],
        ["namespace root with a glob", { keyPrefixes: { policy: "pol*" } }, "keyPrefixes.policy"],
        ["namespace root with a trailing colon", { keyPrefixes: { policy: "policy:" } }, "keyPrefixes.policy"],
        ["namespace root for an unknown service", { keyPrefixes: { nobody: "x" } as never }, "keyPrefixes.nobody"],
        ["namespace that no longer holds the service's queue streams", { keyPrefixes: { scanner: "scn" } }, "keyPrefixes.scanner"],
        ["namespace holding the Router's shared keys", { keyPrefixes: { orchestrator: "stella" } }, "keyPrefixes.orchestrator"],
        ["rate-limit bucket inside a service namespace", {}, "router.rateLimitBucket", extendCatalog({ router: { rateLimitBucket: "scanner:rl" } })],
        ["rate-limit bucket that a namespace extends", {}, "router.rateLimitBucket", extendCatalog({ router: { rateLimitBucket: "scan" } })],
        ["service request queues inside the gateway request queue", {}, "router.serviceRequestQueue", extendCatalog({ router: { serviceRequestQueue: "stella:router:gateway:requests:{service}" } })],
        ["user prefix with spaces", { userPrefix: "stella ops-" }, "userPrefix"],
    ];
    for (const [what, opts, key, catalog] of bad) {
        it(`rejects ${what} once, as valkey.${key}: expected ...`, () => {
            assert.throws(
                () => plan(opts, catalog),
                (err: Error) => {
                    assert.ok(err instanceof PlanError && err.section === "valkey", String(err));
                    assert.equal(err.problems.length, 1, err.message);
                    assert.equal(err.problems[0].path.join("."), key, err.message);
                    assert.ok(err.message.includes(`valkey.${key}: expected`), err.message);
                    return true;
                },
            );
        });
    }

    it("lets a caller lower the maxmemory floor explicitly (tests fill small servers)", () => {
        assert.equal(planValkey({ ...defaults, maxmemoryMb: 4 }, CATALOG, { maxmemoryFloorMb: 1 }).instances[0].maxmemoryMb, 4);
    });
});
