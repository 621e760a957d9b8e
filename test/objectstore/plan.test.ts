/**
 * Tier 1: the object storage plan from the catalog, without Pulumi. Expectations are derived
 * from the catalog's bucket uses, so adding a service or a purpose changes them with it.
 */
import * as assert from "assert";
import { BUCKET_PURPOSES, CATALOG, Catalog } from "../../components/catalog";
import { bucketNameProblem } from "../../components/objectstore/bucket-name";
import { layoutFor, ObjectStoreOptions, planObjectStore } from "../../components/objectstore/plan";
import { READ_ACTIONS, servicePolicy, WRITE_ACTIONS } from "../../components/objectstore/policy";

const base: ObjectStoreOptions = {
    layout: "perPurpose",
    bucketPrefix: "stellaops",
    objectLock: true,
    backendSupportsLock: true,
    retention: { mode: "GOVERNANCE", days: 365 },
    replayExpirationDays: 400,
};

/** Catalog uses as "service:purpose:access" strings. */
const catalogUses = (catalog: Catalog = CATALOG) => catalog.services.flatMap((s) => s.buckets.map((b) => `${s.name}:${b.purpose}:${b.access}`)).sort();
const usedPurposes = BUCKET_PURPOSES.filter((p) => CATALOG.services.some((s) => s.buckets.some((b) => b.purpose === p)));

describe("objectstore plan", () => {
    it("maps each profile to its layout: dev shares one bucket, the others get one per purpose", () => {
        assert.deepStrictEqual(
            (["dev", "airgap", "aws", "external"] as const).map(layoutFor),
            ["shared", "perPurpose", "perPurpose", "perPurpose"],
        );
    });

    it("perPurpose: one bucket per used purpose, named <prefix>-<purpose>, lock only on evidence", () => {
        const plan = planObjectStore({ ...base, bucketPrefix: "acme-prod" });
        assert.deepStrictEqual(plan.buckets.map((b) => b.name), usedPurposes.map((p) => `acme-prod-${p}`));
        for (const b of plan.buckets) {
            assert.strictEqual(b.versioning, true, b.name);
            assert.deepStrictEqual(b.objectLock, b.purposes.includes("evidence") ? { mode: "GOVERNANCE", days: 365 } : undefined, b.name);
            assert.deepStrictEqual(
                b.lifecycle,
                b.purposes.includes("replay") ? [{ id: "replay-expiry", prefix: "", expirationDays: 400, noncurrentDays: 400 }] : [],
                b.name,
            );
            assert.ok(b.grants.every((g) => g.prefix === ""), "a bucket per purpose needs no prefix");
        }
    });

    it("shared (dev): one bucket, a prefix per purpose, lock over the bucket, expiry on the replay prefix", () => {
        const plan = planObjectStore({ ...base, layout: "shared", bucketPrefix: "stellaops-dev" });
        assert.strictEqual(plan.buckets.length, 1);
        const [b] = plan.buckets;
        assert.strictEqual(b.name, "stellaops-dev");
        assert.deepStrictEqual([...b.purposes], usedPurposes);
        assert.deepStrictEqual(b.objectLock, { mode: "GOVERNANCE", days: 365 });
        assert.deepStrictEqual(b.lifecycle.map((r) => r.prefix), ["replay/"]);
        for (const g of b.grants) assert.strictEqual(g.prefix, `${g.purpose}/`);
    });

    for (const layout of ["shared", "perPurpose"] as const) {
        it(`${layout}: grants are exactly the catalog's bucket uses, owners are its writers`, () => {
            const plan = planObjectStore({ ...base, layout });
            const granted = plan.buckets.flatMap((b) => b.grants.map((g) => `${g.service}:${g.purpose}:${g.access}`)).sort();
            assert.deepStrictEqual(granted, catalogUses());
            const users = CATALOG.services.filter((s) => s.buckets.length > 0).map((s) => s.name);
            assert.deepStrictEqual(plan.services.map((s) => s.service), users, "only services with bucket uses get access");
            for (const b of plan.buckets) {
                const writers = CATALOG.services.filter((s) => s.buckets.some((u) => b.purposes.includes(u.purpose) && u.access === "readwrite")).map((s) => s.name);
                assert.deepStrictEqual([...b.owners], [...writers].sort(), b.name);
            }
        });
    }

    it("follows the catalog: a new service's use appears in the grants", () => {
        const catalog: Catalog = {
            ...CATALOG,
            services: CATALOG.services.map((s) => (s.name === "gateway" ? { ...s, buckets: [{ purpose: "sboms" as const, access: "readonly" as const }] } : s)),
        };
        const plan = planObjectStore(base, catalog);
        assert.ok(plan.services.some((s) => s.service === "gateway"));
        assert.deepStrictEqual(plan.buckets.flatMap((b) => b.grants.map((g) => `${g.service}:${g.purpose}:${g.access}`)).sort(), catalogUses(catalog));
    });

    it("no lock anywhere when objectLock is off", () => {
        for (const layout of ["shared", "perPurpose"] as const) {
            assert.ok(planObjectStore({ ...base, layout, objectLock: false }).buckets.every((b) => b.objectLock === undefined));
        }
    });

    describe("bad input: an error naming the key, saying what was expected", () => {
        const cases: [string, Partial<ObjectStoreOptions>, RegExp][] = [
            ["uppercase prefix", { bucketPrefix: "StellaOps" }, /objectStore\.bucketPrefix: bucket name "StellaOps-sboms".*expected only lowercase/],
            ["prefix too long", { bucketPrefix: "a".repeat(60) }, /objectStore\.bucketPrefix: .*expected 3 to 63 characters/],
            ["reserved prefix", { bucketPrefix: "xn--abc" }, /objectStore\.bucketPrefix: .*expected no reserved prefix \(xn--\)/],
            ["IP-like shared name", { layout: "shared", bucketPrefix: "10.0.0.1" }, /objectStore\.bucketPrefix: .*expected a name that is not formatted as an IP address/],
            ["lock on a backend without lock", { backendSupportsLock: false }, /objectStore\.objectLock: expected false when objectStore\.backendSupportsLock is false/],
            ["lifecycle shorter than retention", { replayExpirationDays: 30 }, /objectStore\.replayExpirationDays: expected at least the evidence retention \(365 days\), got 30/],
            ["retention days below one", { retention: { mode: "COMPLIANCE", days: 0 } }, /objectStore\.evidenceRetention\.days: expected an integer >= 1, got 0/],
        ];
        for (const [what, change, message] of cases) {
            it(what, () => assert.throws(() => planObjectStore({ ...base, ...change }), message));
        }

        it("lifecycle shorter than retention is fine without lock (nothing retained)", () => {
            assert.doesNotThrow(() => planObjectStore({ ...base, objectLock: false, replayExpirationDays: 30 }));
        });

        it("reports every problem at once", () => {
            assert.throws(
                () => planObjectStore({ ...base, bucketPrefix: "Bad_Name", backendSupportsLock: false, replayExpirationDays: 1 }),
                (err: Error) => (err.message.match(/^  /gm) ?? []).length >= 3,
            );
        });
    });

    describe("S3 bucket name rules", () => {
        const table: [string, boolean][] = [
            ["abc", true],
            ["stellaops-evidence", true],
            ["my.bucket.name", true],
            ["a".repeat(63), true],
            ["ab", false],
            ["a".repeat(64), false],
            ["-abc", false],
            ["abc-", false],
            ["a..b", false],
            ["ABC", false],
            ["a_b", false],
            ["192.168.5.4", false],
            ["sthree-x", false],
            ["amzn-s3-demo-x", false],
            ["abc-s3alias", false],
            ["abc--ol-s3", false],
            ["abc.mrap", false],
            ["abc--x-s3", false],
            ["abc--table-s3", false],
        ];
        for (const [name, valid] of table) {
            it(`${JSON.stringify(name)} is ${valid ? "valid" : "invalid"}`, () => {
                const problem = bucketNameProblem(name);
                assert.strictEqual(problem === undefined, valid, problem);
                if (problem) assert.match(problem, /^expected /);
            });
        }
    });

    describe("service policies", () => {
        for (const layout of ["shared", "perPurpose"] as const) {
            it(`${layout}: each service reaches exactly its buckets and prefixes, never version deletes or lock bypass`, () => {
                const plan = planObjectStore({ ...base, layout });
                for (const access of plan.services) {
                    const doc = servicePolicy(access);
                    const uses = CATALOG.services.find((s) => s.name === access.service)!.buckets;
                    const objectResources = doc.Statement.filter((s) => s.Action.includes("s3:GetObject")).flatMap((s) => s.Resource);
                    const expected = uses.map((u) => {
                        const b = plan.buckets.find((x) => x.purposes.includes(u.purpose))!;
                        return `arn:aws:s3:::${b.name}/${layout === "shared" ? `${u.purpose}/` : ""}*`;
                    });
                    assert.deepStrictEqual(objectResources.sort(), expected.sort(), access.service);
                    for (const s of doc.Statement) {
                        for (const forbidden of ["s3:DeleteObjectVersion", "s3:BypassGovernanceRetention", "s3:PutObjectRetention", "s3:PutBucketPolicy", "s3:*"]) {
                            assert.ok(!s.Action.includes(forbidden), `${access.service} may not ${forbidden}`);
                        }
                    }
                    for (const u of uses) {
                        const st = doc.Statement.find((s) => s.Action.includes("s3:GetObject") && s.Sid?.includes(u.purpose))!;
                        assert.deepStrictEqual([...st.Action], u.access === "readwrite" ? [...WRITE_ACTIONS] : [...READ_ACTIONS], `${access.service} ${u.purpose}`);
                    }
                }
            });
        }
    });
});
