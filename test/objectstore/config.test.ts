/**
 * The `stellaops:objectStore` section: bad values fail before any resource is registered, each
 * naming its key and saying what was expected.
 */
import * as assert from "assert";
import { ConfigError, parseStackConfig, SecretKey } from "../../stacks/config";

function problems(raw: Record<string, unknown>, secrets: SecretKey[] = []): string[] {
    try {
        parseStackConfig(raw, new Set(secrets));
    } catch (err) {
        if (err instanceof ConfigError) return [...err.problems];
        throw err;
    }
    return [];
}

const dev = (objectStore: Record<string, unknown>) => ({ profile: "dev", objectStore });

describe("objectStore config", () => {
    it("accepts the defaults", () => {
        const cfg = parseStackConfig({ profile: "dev" });
        assert.strictEqual(cfg.objectStore.bucketPrefix, "stellaops");
        assert.strictEqual(cfg.objectStore.objectLock, true);
        assert.strictEqual(cfg.objectStore.backendSupportsLock, true);
        assert.ok(cfg.objectStore.replayExpirationDays >= cfg.objectStore.evidenceRetention.days, "defaults must satisfy their own rule");
    });

    const bad: [string, Record<string, unknown>, RegExp][] = [
        ["uppercase prefix", { bucketPrefix: "StellaOps" }, /^stellaops:objectStore\.bucketPrefix: expected a bucket name prefix of lowercase letters/],
        ["prefix with dots", { bucketPrefix: "stella.ops" }, /^stellaops:objectStore\.bucketPrefix: expected a bucket name prefix of lowercase/],
        ["prefix too short", { bucketPrefix: "ab" }, /^stellaops:objectStore\.bucketPrefix: expected a bucket name prefix of 3 to 54 characters/],
        ["prefix too long for -evidence", { bucketPrefix: "a".repeat(55) }, /^stellaops:objectStore\.bucketPrefix: expected a bucket name prefix of 3 to 54 characters/],
        ["reserved prefix", { bucketPrefix: "xn--stella" }, /^stellaops:objectStore\.bucketPrefix: expected a bucket name prefix not starting with a reserved S3 prefix/],
        ["retention on a backend without lock", { backendSupportsLock: false }, /^stellaops:objectStore\.objectLock: expected false when objectStore\.backendSupportsLock is false/],
        ["lifecycle shorter than retention", { replayExpirationDays: 90, evidenceRetention: { days: 365 } }, /^stellaops:objectStore\.replayExpirationDays: expected at least objectStore\.evidenceRetention\.days \(365\).*got 90/],
        ["retention mode", { evidenceRetention: { mode: "STRICT" } }, /^stellaops:objectStore\.evidenceRetention\.mode: expected one of GOVERNANCE, COMPLIANCE/],
        ["provider endpoint not a URL", { providerEndpoint: "127.0.0.1:9000" }, /^stellaops:objectStore\.providerEndpoint: expected an http\(s\) URL/],
    ];
    for (const [what, os, message] of bad) {
        it(`rejects ${what}`, () => {
            const found = problems(dev(os));
            assert.ok(found.some((p) => message.test(p)), `no problem matching ${message} in:\n${found.join("\n")}`);
        });
    }

    it("accepts a backend without lock when objectLock is off, and a short expiry then", () => {
        assert.deepStrictEqual(problems(dev({ backendSupportsLock: false, objectLock: false, replayExpirationDays: 7 })), []);
    });

    it("external: requires the endpoint and both credentials, naming each key", () => {
        const found = problems({ profile: "external", postgres: { host: "db" }, valkey: { host: "cache" } }, ["postgresAdminPassword", "valkeyAdminPassword"]);
        assert.ok(found.some((p) => /^stellaops:objectStore\.endpoint: expected the URL of the existing S3 endpoint/.test(p)), found.join("\n"));
        const withEndpoint = problems(
            { profile: "external", postgres: { host: "db" }, valkey: { host: "cache" }, objectStore: { endpoint: "https://s3.internal:9000" } },
            ["postgresAdminPassword", "valkeyAdminPassword"],
        );
        for (const key of ["objectStoreAccessKey", "objectStoreSecretKey"]) {
            assert.ok(withEndpoint.some((p) => p.startsWith(`stellaops:${key}: expected a secret`)), withEndpoint.join("\n"));
        }
    });
});
