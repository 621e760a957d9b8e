/**
 * The pure Valkey plan: prefixes and TTLs per catalog service and pattern, ACL users, instances
 * (one, or split), and bad options rejected with the key named. No Pulumi involved.
 */
import * as assert from "assert";
import { CATALOG, Catalog, ValkeyPattern } from "../../components/catalog";
import { ValkeyOptions, ValkeyPlanError, planValkey } from "../../components/valkey/plan";
import { parseStackConfig } from "../../stacks/config";

/** Issue 4's prefix scheme, written out independently of the code. */
const SCHEME: Record<ValkeyPattern, (s: string) => string> = {
    dpop: (s) => `${s}:dpop:`,
    stream: (s) => `${s}:stream:`,
    queue: (s) => `${s}:queue:`,
    cache: (s) => `${s}:cache:`,
    ratelimit: (s) => `${s}:rl:`,
};
const defaults: ValkeyOptions = parseStackConfig({ profile: "dev" }).valkey;
const plan = (o: Partial<ValkeyOptions> = {}, catalog: Catalog = CATALOG) => planValkey({ ...defaults, ...o }, catalog);

describe("valkey plan", () => {
    it("gives every catalog service one prefix per pattern it uses, <service>:<pattern>:", () => {
        const p = plan();
        assert.deepEqual(p.services.map((s) => s.service), CATALOG.services.map((s) => s.name));
        for (const spec of CATALOG.services) {
            const expected = Object.fromEntries(spec.valkey.map((pt) => [pt, SCHEME[pt](spec.name)]));
            assert.deepEqual(p.services.find((s) => s.service === spec.name)!.prefixes, expected, spec.name);
        }
    });

    it("never lets one service's prefix start another's", () => {
        const all = plan().services.flatMap((s) => Object.values(s.prefixes).map((prefix) => ({ service: s.service, prefix: prefix! })));
        for (const a of all) for (const b of all) if (a.service !== b.service) assert.ok(!b.prefix.startsWith(a.prefix), `${b.prefix} starts with ${a.prefix}`);
    });

    it("derives TTLs from the patterns: nonce 300 s, a cache TTL for every service, the rate-limit window; none for streams and queues", () => {
        const p = plan({ cacheTtlOverrides: { concelier: 86400 } });
        for (const spec of CATALOG.services) {
            const ttls = p.services.find((s) => s.service === spec.name)!.ttls;
            const expected: Record<string, number> = {};
            if (spec.valkey.includes("dpop")) expected.dpopNonce = 300;
            if (spec.valkey.includes("cache")) expected.cache = spec.name === "concelier" ? 86400 : defaults.cacheTtlSeconds;
            if (spec.valkey.includes("ratelimit")) expected.rateLimitWindow = defaults.rateLimitWindowSeconds;
            assert.deepEqual(ttls, expected, spec.name);
            assert.ok(ttls.cache > 0, `${spec.name} caches, so it needs a cache TTL`);
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

    it("limits each service user to its own prefixes and channels, its patterns' categories, and denies dangerous commands last", () => {
        const p = plan();
        for (const s of p.services) {
            const rules = p.instances[0].users.find((u) => u.name === s.user)!.rules;
            assert.deepEqual(rules.filter((r) => r.startsWith("~")), Object.values(s.prefixes).map((x) => `~${x}*`), s.service);
            assert.deepEqual(rules.filter((r) => r.startsWith("&")), "stream" in s.prefixes ? [`&${s.prefixes.stream}*`] : [], s.service);
            assert.ok(!rules.some((r) => ["~*", "&*", "+@all", "allkeys", "allchannels", "nopass"].includes(r)), s.service);
            const lastGrant = rules.map((r) => r.startsWith("+")).lastIndexOf(true);
            for (const deny of ["-@dangerous", "-flushall", "-flushdb", "-keys", "-config", "-debug", "-shutdown", "-module"]) {
                assert.ok(rules.indexOf(deny) > lastGrant, `${s.service}: ${deny} after every grant`);
            }
            const uses = (pt: ValkeyPattern) => pt in s.prefixes;
            assert.equal(rules.includes("+@stream"), uses("stream") || uses("queue"), `${s.service} @stream`);
            assert.equal(rules.includes("+eval"), uses("ratelimit"), `${s.service} EVAL`);
            assert.equal(rules.includes("+@pubsub"), uses("stream"), `${s.service} @pubsub`);
        }
    });

    it("keeps one instance by default: AOF on, volatile-lru, or noeviction when asked", () => {
        const [only, ...rest] = plan().instances;
        assert.equal(rest.length, 0);
        assert.deepEqual([only.key, only.role, only.evictionPolicy, only.persistence, only.maxmemoryMb], ["main", "combined", "volatile-lru", true, defaults.maxmemoryMb]);
        assert.equal(plan({ evictionPolicy: "noeviction" }).instances[0].evictionPolicy, "noeviction");
        assert.equal(plan({ evictionPolicy: "volatile-ttl" }).instances[0].evictionPolicy, "volatile-ttl");
    });

    it("split: nonces, streams, queues and rate limits on a noeviction instance; caches on an allkeys-lru one", () => {
        const p = plan({ split: true, maxmemoryMb: 256, cacheMaxmemoryMb: 1024 });
        const [coord, cache] = p.instances;
        assert.deepEqual([coord.key, coord.evictionPolicy, coord.persistence, coord.maxmemoryMb], ["coordination", "noeviction", true, 256]);
        assert.deepEqual([cache.key, cache.evictionPolicy, cache.persistence, cache.maxmemoryMb], ["cache", "allkeys-lru", false, 1024]);
        assert.deepEqual([...coord.patterns].sort(), ["dpop", "queue", "ratelimit", "stream"]);
        assert.deepEqual(cache.patterns, ["cache"]);
        const coordinated = CATALOG.services.filter((s) => s.valkey.some((pt) => pt !== "cache")).map((s) => s.name);
        assert.deepEqual(coord.users.filter((u) => u.kind === "service").map((u) => u.service), coordinated);
        assert.deepEqual(cache.users.filter((u) => u.kind === "service").map((u) => u.service), CATALOG.services.map((s) => s.name));
        for (const s of p.services) {
            assert.equal(s.instance, coordinated.includes(s.service) ? "coordination" : "cache", s.service);
            assert.equal(s.cacheInstance, "cache");
            const onCache = cache.users.find((u) => u.name === s.user)!.rules.filter((r) => r.startsWith("~"));
            assert.deepEqual(onCache, [`~${s.prefixes.cache}*`], `${s.service} reaches only its cache keys on the cache instance`);
        }
        assert.equal(plan({ split: true, evictionPolicy: "allkeys-lfu" }).instances[1].evictionPolicy, "allkeys-lfu");
    });

    it("follows the catalog: a new service gets its user, prefixes and TTLs", () => {
        const catalog: Catalog = { ...CATALOG, services: [...CATALOG.services, { name: "zastava" as never, title: "Zastava", valkey: ["queue", "cache"], buckets: [] }] };
        const z = plan({}, catalog).services.find((s) => s.service === ("zastava" as never))!;
        assert.deepEqual(z.prefixes, { queue: "zastava:queue:", cache: "zastava:cache:" });
        assert.equal(z.user, "stellaops-zastava");
    });

    it("takes prefix roots from keyPrefixes", () => {
        const s = plan({ keyPrefixes: { gateway: "edge.gw" } }).services.find((x) => x.service === "gateway")!;
        assert.deepEqual(s.prefixes, { cache: "edge.gw:cache:", ratelimit: "edge.gw:rl:" });
    });

    const bad: [string, Partial<ValkeyOptions>, string][] = [
        ["nonce TTL zero", { nonceTtlSeconds: 0 }, "nonceTtlSeconds"],
        ["nonce TTL negative", { nonceTtlSeconds: -300 }, "nonceTtlSeconds"],
        ["nonce TTL over an hour", { nonceTtlSeconds: 3601 }, "nonceTtlSeconds"],
        ["cache TTL zero", { cacheTtlSeconds: 0 }, "cacheTtlSeconds"],
        ["cache TTL override negative", { cacheTtlOverrides: { policy: -1 } }, "cacheTtlOverrides.policy"],
        ["rate-limit window zero", { rateLimitWindowSeconds: 0 }, "rateLimitWindowSeconds"],
        ["maxmemory below the floor", { maxmemoryMb: 63 }, "maxmemoryMb"],
        ["cache maxmemory below the floor", { split: true, cacheMaxmemoryMb: 8 }, "cacheMaxmemoryMb"],
        ["unknown eviction policy", { evictionPolicy: "lru" as never }, "evictionPolicy"],
        ["allkeys-* on one instance", { evictionPolicy: "allkeys-lru" }, "evictionPolicy"],
        ["prefix inside another service's", { keyPrefixes: { gateway: "authority:cache" } }, "keyPrefixes.gateway"],
        ["prefix equal to another service's", { keyPrefixes: { scanner: "notify" } }, "keyPrefixes.scanner"],
        // Both overridden: the later service in catalog order is named (the message names the other).
        ["prefix that another service's extends", { keyPrefixes: { policy: "a", excititor: "a:b" } }, "keyPrefixes.policy"],
        ["prefix with a glob", { keyPrefixes: { policy: "pol*" } }, "keyPrefixes.policy"],
        ["prefix with a trailing colon", { keyPrefixes: { policy: "policy:" } }, "keyPrefixes.policy"],
        ["prefix for an unknown service", { keyPrefixes: { nobody: "x" } as never }, "keyPrefixes.nobody"],
        ["user prefix with spaces", { userPrefix: "stella ops-" }, "userPrefix"],
    ];
    for (const [what, opts, key] of bad) {
        it(`rejects ${what}, naming valkey.${key}`, () => {
            assert.throws(
                () => plan(opts),
                (err: Error) => err instanceof ValkeyPlanError && err.message.includes(`valkey.${key}: expected`) && err.problems.length === 1,
            );
        });
    }

    it("lets a caller lower the maxmemory floor explicitly (tests fill small servers)", () => {
        assert.equal(planValkey({ ...defaults, maxmemoryMb: 4 }, CATALOG, { maxmemoryFloorMb: 1 }).instances[0].maxmemoryMb, 4);
    });
});
