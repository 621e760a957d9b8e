/**
 * Tier 1: the object storage plan from the catalog, without Pulumi. Expectations come from the
 * catalog's purposes and uses, so a catalog change moves them; the documented StellaOps names
 * are asserted literally once, because they are the contract with the real services.
 */
import * as assert from "assert";
import { CATALOG, Catalog } from "../../components/catalog";
import { extendCatalog } from "../../components/catalog-extend";
import { ObjectStoreOptions, planObjectStore } from "../../components/objectstore/plan";
import { PlanError } from "../../components/problems";
import { bucketUsers, catalogUses, catalogWithEvidenceLocker, OPTIONS } from "./support";

const used = (catalog: Catalog = CATALOG) => catalog.purposes.filter((p) => catalog.services.some((s) => s.buckets.some((b) => b.purpose === p.purpose)));

/** The PlanError's problems as "path: message" lines. */
function problems(opts: Partial<ObjectStoreOptions>, catalog: Catalog = CATALOG, layout: "shared" | "perPurpose" = "perPurpose"): { section: string; lines: string[] } {
    try {
        planObjectStore({ ...OPTIONS[layout], ...opts }, catalog);
    } catch (err) {
        if (!(err instanceof PlanError)) throw err;
        return { section: err.section, lines: err.problems.map((p) => `${p.path.join(".")}: ${p.message}`) };
    }
    return { section: "", lines: [] };
}

describe("objectstore plan", () => {
    it("perPurpose: the buckets and prefixes of StellaOps' manifests, lock on the evidence locker, expiry on replay outputs", () => {
        const plan = planObjectStore(OPTIONS.perPurpose);
        const shape = plan.buckets.map((b) => [b.name, b.purposes.map((p) => `${p.purpose}:${p.prefix}`).join(","), !!b.objectLock, b.lifecycle.map((r) => r.id).join(",")]);
        assert.deepStrictEqual(shape, [
            ["scanner-artifacts", "artifacts:scanner/", false, ""],
            ["surface-manifests", "surfaceManifests:", false, ""],
            ["surface-cache", "surfaceCache:", false, ""],
            ["evidence-locker", "evidence:", true, ""],
            ["replay-outputs", "replay:", false, "replay-expiry"],
        ]);
        for (const b of plan.buckets) assert.strictEqual(b.versioning, true, b.name);
    });

    it("perPurpose: one bucket per used purpose, bucketPrefix prepended to every name", () => {
        const plan = planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "acme-prod" });
        assert.deepStrictEqual(plan.buckets.map((b) => b.name), used().map((p) => `acme-prod-${p.bucket}`));
        assert.deepStrictEqual(plan.buckets.map((b) => b.key), used().map((p) => p.purpose), "child names follow the purpose");
        for (const b of plan.buckets) {
            const spec = used().find((p) => p.purpose === b.purposes[0].purpose)!;
            assert.deepStrictEqual(b.objectLock, spec.objectLock ? { mode: "GOVERNANCE", days: 365 } : undefined, b.name);
            assert.deepStrictEqual(b.lifecycle, spec.expires ? [{ id: `${spec.purpose}-expiry`, prefix: spec.prefix, expirationDays: 400, noncurrentDays: 400 }] : [], b.name);
            assert.ok(b.grants.every((g) => g.prefix === spec.prefix && g.bucket === b.name), b.name);
        }
    });

    it("shared: one bucket, each purpose under <documented bucket>/<prefix>, lock over the bucket, expiry on the expiring prefixes", () => {
        const plan = planObjectStore({ ...OPTIONS.shared, sharedBucket: "stellaops-dev" });
        assert.strictEqual(plan.buckets.length, 1);
        const [b] = plan.buckets;
        assert.deepStrictEqual([b.key, b.name], ["shared", "stellaops-dev"]);
        assert.deepStrictEqual(b.purposes, used().map((p) => ({ purpose: p.purpose, prefix: `${p.bucket}/${p.prefix}` })));
        assert.strictEqual(b.purposes[0].prefix, "scanner-artifacts/scanner/", "Scanner's keys stay under scanner/ inside its documented bucket's prefix");
        assert.deepStrictEqual(b.objectLock, { mode: "GOVERNANCE", days: 365 });
        assert.deepStrictEqual(b.lifecycle.map((r) => r.prefix), used().filter((p) => p.expires).map((p) => `${p.bucket}/${p.prefix}`));
        for (const g of b.grants) assert.strictEqual(g.prefix, b.purposes.find((p) => p.purpose === g.purpose)!.prefix);
    });

    for (const layout of ["shared", "perPurpose"] as const) {
        it(`${layout}: grants are exactly the catalog's uses, owners its writers, only bucket users get access`, () => {
            const catalog = catalogWithEvidenceLocker();
            const plan = planObjectStore(OPTIONS[layout], catalog);
            assert.deepStrictEqual(plan.buckets.flatMap((b) => b.grants.map((g) => `${g.service}:${g.purpose}:${g.access}`)).sort(), catalogUses(catalog));
            assert.deepStrictEqual(plan.services.map((s) => s.service), bucketUsers(catalog));
            for (const s of plan.services) assert.deepStrictEqual(s.grants.map((g) => g.purpose), catalog.services.find((x) => x.name === s.service)!.buckets.map((u) => u.purpose));
            for (const b of plan.buckets) {
                const writers = catalog.services.filter((s) => s.buckets.some((u) => b.purposes.some((p) => p.purpose === u.purpose) && u.access === "readwrite")).map((s) => s.name);
                assert.deepStrictEqual([...b.owners], writers.sort(), b.name);
            }
        });

        it(`${layout}: only users of a locked purpose may read the lock configuration, and only while lock is on`, () => {
            const catalog = catalogWithEvidenceLocker();
            const locked = new Set(catalog.purposes.filter((p) => p.objectLock).map((p) => p.purpose));
            const grants = planObjectStore(OPTIONS[layout], catalog).services.flatMap((s) => s.grants);
            assert.ok(grants.some((g) => g.service === "evidencelocker" && g.lockCheck), "the Evidence Locker checks WORM at start-up");
            for (const g of grants) assert.strictEqual(g.lockCheck, locked.has(g.purpose), `${g.service} ${g.purpose}`);
            const off = planObjectStore({ ...OPTIONS[layout], objectLock: false }, catalog);
            assert.ok(off.buckets.every((b) => b.objectLock === undefined) && off.services.every((s) => s.grants.every((g) => !g.lockCheck)));
        });
    }

    it("follows config: renamed buckets and prefixes, and a new locked purpose used by a new service", () => {
        const catalog = extendCatalog({
            buckets: { evidence: { name: "stellaops-evidence" }, artifacts: { prefix: "scanner/v2/" }, attestations: { name: "attestations", objectLock: true } },
            services: { attestor: { valkey: [], queues: [], buckets: [{ purpose: "attestations", access: "readwrite" }], routed: true } },
        });
        const plan = planObjectStore(OPTIONS.perPurpose, catalog);
        const of = (purpose: string) => plan.services.flatMap((s) => s.grants).find((g) => g.purpose === purpose)!;
        assert.deepStrictEqual([of("evidence").bucket, of("artifacts").prefix], ["stellaops-evidence", "scanner/v2/"]);
        const att = plan.buckets.find((b) => b.name === "attestations")!;
        assert.ok(att.objectLock && plan.services.find((s) => s.service === "attestor")!.grants[0].lockCheck);
    });

    it("two purposes renamed into one bucket share it under their prefixes; the lock then covers both", () => {
        const catalog = extendCatalog({ buckets: { surfaceManifests: { name: "surface", prefix: "manifests/" }, surfaceCache: { name: "surface", prefix: "cache/" }, evidence: { name: "surface", prefix: "evidence/" } } });
        const plan = planObjectStore(OPTIONS.perPurpose, catalog);
        const surface = plan.buckets.filter((b) => b.name === "surface");
        assert.strictEqual(surface.length, 1);
        assert.deepStrictEqual(surface[0].purposes.map((p) => p.prefix), ["manifests/", "cache/", "evidence/"]);
        assert.ok(surface[0].objectLock);
        const overlap = extendCatalog({ buckets: { surfaceManifests: { name: "surface", prefix: "" }, surfaceCache: { name: "surface", prefix: "cache/" } } });
        assert.deepStrictEqual(problems({}, overlap).lines, ['buckets.surfaceCache.prefix: expected a key prefix that does not overlap surfaceManifests\'s ("") in bucket "surface"']);
    });

    it("replay expiry shorter than the retention: refused where a bucket holds both (shared), fine where replay has its own", () => {
        assert.match(problems({ replayExpirationDays: 30 }, CATALOG, "shared").lines.join("\n"), /^replayExpirationDays: expected at least evidenceRetention\.days \(365\): bucket "stellaops" holds locked and expiring objects$/);
        assert.deepStrictEqual(problems({ replayExpirationDays: 30 }).lines, []);
    });

    describe("bad input: a PlanError for section objectStore naming the key", () => {
        const cases: [string, Partial<ObjectStoreOptions>, "shared" | "perPurpose", RegExp][] = [
            ["uppercase bucketPrefix", { bucketPrefix: "Acme" }, "perPurpose", /^bucketPrefix: expected only lowercase letters, digits, dots and hyphens in a bucket name$/],
            ["bucketPrefix too long for a documented name", { bucketPrefix: "a".repeat(50) }, "perPurpose", /^bucketPrefix: expected 3 to 63 characters \(68 here\)/],
            ["IP-like shared bucket", { sharedBucket: "10.0.0.1" }, "shared", /^sharedBucket: expected a name that is not formatted as an IP address/],
            ["reserved prefix on the shared bucket", { sharedBucket: "xn--abc" }, "shared", /^sharedBucket: expected no reserved prefix \(xn--\)/],
            ["lock on a backend without lock", { backendSupportsLock: false }, "perPurpose", /^objectLock: expected false when objectStore\.backendSupportsLock is false/],
            ["retention days below one", { retention: { mode: "COMPLIANCE", days: 0 } }, "perPurpose", /^evidenceRetention\.days: expected an integer >= 1/],
            ["expiry below one", { replayExpirationDays: 0 }, "perPurpose", /^replayExpirationDays: expected an integer >= 1/],
        ];
        for (const [what, change, layout, message] of cases) {
            it(what, () => {
                const found = problems(change, CATALOG, layout);
                assert.strictEqual(found.section, "objectStore");
                assert.ok(found.lines.some((l) => message.test(l)), `no problem matching ${message} in:\n${found.lines.join("\n")}`);
            });
        }

        it("a renamed bucket that is not a valid name blames that purpose's name", () => {
            const catalog = extendCatalog({ buckets: { evidence: { name: "evidence-locker-" } } });
            assert.match(problems({}, catalog).lines.join("\n"), /^buckets\.evidence\.name: expected a letter or digit first and last/m);
        });

        it("reports every problem at once, and the message names the full keys", () => {
            let error: PlanError | undefined;
            try {
                planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "Bad_Name", backendSupportsLock: false, replayExpirationDays: 0 });
            } catch (err) {
                error = err as PlanError;
            }
            assert.ok(error instanceof PlanError);
            assert.ok(error.problems.length >= 3 + used().length - 1, error.message);
            assert.match(error.message, /objectStore\.bucketPrefix: expected .* got "Bad_Name-scanner-artifacts"/);
            assert.match(error.message, /objectStore\.objectLock: expected false/);
        });

        it("a catalog use of an unknown purpose is a catalog error, not an option error", () => {
            const catalog: Catalog = { ...CATALOG, services: CATALOG.services.map((s) => (s.name === "gateway" ? { ...s, buckets: [{ purpose: "sboms", access: "readonly" as const }] } : s)) };
            assert.throws(() => planObjectStore(OPTIONS.perPurpose, catalog), (err: PlanError) => err.section === "" && /services\.gateway\.buckets\.0\.purpose: expected a purpose/.test(err.message));
        });
    });
});
