/**
 * `objectstore/buckets.json` from the plan: every bucket with its purposes and prefixes,
 * versioning, lock, retention, lifecycle, owners and access; settings only, never credentials.
 */
import * as assert from "assert";
import { planObjectStore } from "../../components/objectstore/plan";
import { BucketsFile, renderObjectStoreFiles } from "../../components/objectstore/render";
import { catalogWithEvidenceLocker, OPTIONS } from "./support";

const catalog = catalogWithEvidenceLocker();
const rendered = (layout: "shared" | "perPurpose", change: Partial<typeof OPTIONS.shared> = {}) => {
    const plan = planObjectStore({ ...OPTIONS[layout], ...change }, catalog);
    const files = renderObjectStoreFiles(plan);
    assert.deepStrictEqual(Object.keys(files), ["objectstore/buckets.json"]);
    return { plan, text: files["objectstore/buckets.json"], doc: JSON.parse(files["objectstore/buckets.json"]) as BucketsFile };
};

describe("objectstore render", () => {
    it("shared: one bucket, its purposes under their documented names, lock and expiry as planned", () => {
        const { plan, doc } = rendered("shared", { sharedBucket: "stella-dev", retention: { mode: "COMPLIANCE", days: 30 }, replayExpirationDays: 60 });
        assert.strictEqual(doc.layout, "shared");
        assert.strictEqual(doc.buckets.length, 1);
        const [b] = doc.buckets;
        assert.strictEqual(b.name, "stella-dev");
        assert.deepStrictEqual(b.purposes, plan.buckets[0].purposes);
        assert.deepStrictEqual(b.objectLock, { enabled: true, mode: "COMPLIANCE", days: 30 });
        assert.deepStrictEqual(b.lifecycle, [{ id: "replay-expiry", prefix: "replay-outputs/", expirationDays: 60, noncurrentDays: 60 }]);
        assert.deepStrictEqual(b.owners, [...new Set(catalog.services.filter((s) => s.buckets.some((u) => u.access === "readwrite")).map((s) => s.name))].sort());
    });

    it("perPurpose: the documented buckets; lock only where a locked purpose lives, expiry only where an expiring one does", () => {
        const { plan, doc } = rendered("perPurpose", { bucketPrefix: "acme" });
        assert.strictEqual(doc.layout, "perPurpose");
        assert.deepStrictEqual(doc.buckets.map((b) => b.name), plan.buckets.map((b) => b.name));
        for (const b of doc.buckets) {
            const purposes = catalog.purposes.filter((p) => b.purposes.some((x) => x.purpose === p.purpose));
            assert.strictEqual(b.versioning, "Enabled");
            assert.strictEqual(b.publicAccess, "blocked");
            assert.strictEqual(b.objectLock.enabled, purposes.some((p) => p.objectLock), b.name);
            assert.strictEqual(b.lifecycle.length, purposes.filter((p) => p.expires).length, b.name);
            const users = catalog.services.filter((s) => s.buckets.some((u) => purposes.some((p) => p.purpose === u.purpose)));
            assert.deepStrictEqual(b.access.map((a) => a.service).sort(), users.map((s) => s.name).sort(), b.name);
            for (const a of b.access) assert.strictEqual(a.lockCheck, b.objectLock.enabled, `${b.name} ${a.service}`);
        }
    });

    it("objectLock off: the file says so for every bucket", () => {
        assert.ok(rendered("perPurpose", { objectLock: false }).doc.buckets.every((b) => !b.objectLock.enabled && b.objectLock.mode === undefined));
    });

    it("holds names and settings only, and the same plan renders the same bytes", () => {
        for (const layout of ["shared", "perPurpose"] as const) {
            const { text } = rendered(layout);
            assert.doesNotMatch(text, /secret|password|accessKey/i);
            assert.strictEqual(text, rendered(layout).text);
        }
    });
});
