/**
 * `stellaops:valkey` config: defaults, every stack file accepted, and bad input rejected once,
 * naming the key and saying what was expected, before any resource is registered.
 */
import * as assert from "assert";
import { CATALOG } from "../../components/catalog";
import { ConfigError, parseStackConfig } from "../../stacks/config";
import { valkeyRenderFiles } from "../../stacks/layers/valkey";
import { evaluateStack, resetResources, resources } from "../harness";

function problems(valkey: Record<string, unknown>): string[] {
    try {
        parseStackConfig({ profile: "dev", valkey });
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return [...err.problems];
    }
    return assert.fail("expected a ConfigError");
}

describe("valkey config", () => {
    it("defaults to a DPoP nonce TTL of 300 s, one instance, no TLS, and renders conf + aclfile", () => {
        const cfg = parseStackConfig({ profile: "dev" });
        assert.equal(cfg.valkey.nonceTtlSeconds, 300);
        assert.equal(cfg.valkey.split, false);
        assert.equal(cfg.valkey.evictionPolicy, undefined, "resolved by the plan: volatile-lru for one instance, allkeys-lru for a split cache");
        assert.deepEqual(Object.keys(valkeyRenderFiles(cfg)).sort(), ["valkey/users.acl", "valkey/valkey.conf"]);
    });

    const bad: [string, Record<string, unknown>, string][] = [
        ["a zero nonce TTL", { nonceTtlSeconds: 0 }, "nonceTtlSeconds"],
        ["a negative cache TTL", { cacheTtlSeconds: -60 }, "cacheTtlSeconds"],
        ["a zero cache TTL override", { cacheTtlOverrides: { gateway: 0 } }, "cacheTtlOverrides.gateway"],
        ["a negative rate-limit window", { rateLimitWindowSeconds: -1 }, "rateLimitWindowSeconds"],
        ["maxmemory below the floor", { maxmemoryMb: 16 }, "maxmemoryMb"],
        ["an unknown eviction policy", { evictionPolicy: "lru" }, "evictionPolicy"],
        ["allkeys-lru on one instance", { evictionPolicy: "allkeys-lru" }, "evictionPolicy"],
        ["a prefix inside another service's", { keyPrefixes: { gateway: "authority:rl" } }, "keyPrefixes.gateway"],
        ["a prefix with glob characters", { keyPrefixes: { notify: "notify[0]" } }, "keyPrefixes.notify"],
    ];
    for (const [what, valkey, key] of bad) {
        it(`rejects ${what} once, as stellaops:valkey.${key}: expected ...`, () => {
            const found = problems(valkey);
            assert.equal(found.length, 1, found.join("\n"));
            assert.ok(found[0].startsWith(`stellaops:valkey.${key}: expected`), found[0]);
        });
    }

    it("accepts allkeys-lru for the cache instance of a split layout", () => {
        assert.equal(parseStackConfig({ profile: "dev", valkey: { split: true, evictionPolicy: "allkeys-lfu" } }).valkey.evictionPolicy, "allkeys-lfu");
    });

    it("accepts per-service TTL overrides only for catalog services", () => {
        assert.equal(parseStackConfig({ profile: "dev", valkey: { cacheTtlOverrides: { [CATALOG.services[0].name]: 60 } } }).valkey.cacheTtlOverrides.authority, 60);
        assert.match(problems({ cacheTtlOverrides: { nobody: 60 } })[0], /^stellaops:valkey\.cacheTtlOverrides\.nobody: /);
    });

    it("registers nothing when the Valkey section is invalid", async () => {
        await resources();
        resetResources();
        await assert.rejects(
            evaluateStack("dev", { bare: true, overrides: { "stellaops:profile": "dev", "stellaops:valkey": { nonceTtlSeconds: 0, keyPrefixes: { scanner: "notify" } } } }),
            (err: Error) => err instanceof ConfigError && err.problems.some((p) => p.startsWith("stellaops:valkey.nonceTtlSeconds")) && err.problems.some((p) => p.startsWith("stellaops:valkey.keyPrefixes.scanner")),
        );
        assert.deepEqual(await resources(), []);
    });
});
