/**
 * `objectstore/buckets.json` from the plan: every bucket with versioning, lock, retention,
 * lifecycle and owners, for each profile's layout; settings only, never credentials.
 */
import * as assert from "assert";
import { CATALOG } from "../../components/catalog";
import { BucketsFile, renderObjectStoreFiles } from "../../components/objectstore/render";
import { objectStorePlan } from "../../stacks/layers/objectstore";
import { config } from "./support";

const rendered = (profile: "dev" | "airgap" | "aws" | "external", os: Record<string, unknown> = {}) => {
    const files = renderObjectStoreFiles(objectStorePlan(config(profile, os)));
    assert.deepStrictEqual(Object.keys(files), ["objectstore/buckets.json"]);
    return { text: files["objectstore/buckets.json"], doc: JSON.parse(files["objectstore/buckets.json"]) as BucketsFile };
};

describe("objectstore render", () => {
    it("dev: one shared bucket named by the prefix, locked, replay expiry on its prefix, every writer an owner", () => {
        const { doc } = rendered("dev", { bucketPrefix: "stella-dev", evidenceRetention: { mode: "COMPLIANCE", days: 30 }, replayExpirationDays: 60 });
        assert.strictEqual(doc.layout, "shared");
        assert.strictEqual(doc.buckets.length, 1);
        const [b] = doc.buckets;
        assert.strictEqual(b.name, "stella-dev");
        assert.strictEqual(b.versioning, "Enabled");
        assert.deepStrictEqual(b.objectLock, { enabled: true, mode: "COMPLIANCE", days: 30 });
        assert.deepStrictEqual(b.lifecycle, [{ id: "replay-expiry", prefix: "replay/", expirationDays: 60, noncurrentDays: 60 }]);
        const writers = CATALOG.services.filter((s) => s.buckets.some((u) => u.access === "readwrite")).map((s) => s.name).sort();
        assert.deepStrictEqual(b.owners, writers);
    });

    for (const profile of ["airgap", "aws", "external"] as const) {
        it(`${profile}: a bucket per purpose; lock and retention only on evidence, expiry only on replay`, () => {
            const { doc } = rendered(profile, { bucketPrefix: "acme" });
            assert.strictEqual(doc.layout, "perPurpose");
            const used = new Set(CATALOG.services.flatMap((s) => s.buckets.map((u) => u.purpose)));
            assert.deepStrictEqual(doc.buckets.map((b) => b.name).sort(), [...used].map((p) => `acme-${p}`).sort());
            for (const b of doc.buckets) {
                assert.strictEqual(b.versioning, "Enabled");
                assert.strictEqual(b.publicAccess, "blocked");
                assert.strictEqual(b.objectLock.enabled, b.name === "acme-evidence", b.name);
                assert.strictEqual(b.lifecycle.length > 0, b.name === "acme-replay", b.name);
                const users = CATALOG.services.filter((s) => s.buckets.some((u) => b.purposes.includes(u.purpose)));
                assert.deepStrictEqual(b.access.map((a) => a.service).sort(), users.map((s) => s.name).sort(), b.name);
            }
        });
    }

    it("objectLock off: the file says so for every bucket", () => {
        assert.ok(rendered("aws", { objectLock: false }).doc.buckets.every((b) => !b.objectLock.enabled && b.objectLock.mode === undefined));
    });

    it("holds names and settings only: no credential field or value", () => {
        for (const profile of ["dev", "aws"] as const) {
            const { text } = rendered(profile);
            assert.doesNotMatch(text, /secret|password|accessKey|mock-secret|test-objectStore/i);
        }
    });

    it("is stable: the same config renders the same bytes", () => {
        assert.strictEqual(rendered("dev").text, rendered("dev").text);
    });
});
