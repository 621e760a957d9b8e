/**
 * Tier 2: the object storage layer on AWS (S3 + IAM) and on an external S3 endpoint, under the
 * recording mocks. Expectations come from the plan and the catalog.
 */
import * as assert from "assert";
import { objectStorePlan, deployObjectStore } from "../../stacks/layers/objectstore";
import { assertChildNamesPrefixed, byType, findResource, isSecret, resetResources, resources, value } from "../harness";
import { allSecrets, assertBucketsAsPlanned, BUCKET_USERS, config, layerResources, platformFor, TYPES } from "./support";

const KMS = "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000";

describe("objectstore layer: aws (S3 + IAM)", () => {
    for (const kms of [undefined, KMS]) {
        it(`buckets per purpose with Block Public Access, owner-enforced ownership and ${kms ? "KMS" : "SSE-S3"} encryption on every bucket`, async () => {
            resetResources();
            const cfg = config("aws", {}, kms ? { aws: { ...(config("aws").aws as object), kmsKeyArn: kms } } : {});
            deployObjectStore(cfg, {}, platformFor(cfg));
            const all = await resources();
            const plan = objectStorePlan(cfg);
            assert.strictEqual(plan.layout, "perPurpose");
            assertBucketsAsPlanned(all, plan, "aws");
            assert.strictEqual(byType(all, TYPES.s3Provider).filter((p) => p.name !== "aws").length, 0, "no custom-endpoint provider on AWS");
            for (const b of byType(all, TYPES.bucket)) {
                const child = (t: string) => all.filter((r) => r.type === t && r.parent === b.parent);
                const [pab] = child(TYPES.publicAccess);
                for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.strictEqual(pab.inputs[k], true, `${b.name} ${k}`);
                assert.deepStrictEqual(child(TYPES.ownership)[0].inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
                const sse = (child(TYPES.encryption)[0].inputs.rules as { applyServerSideEncryptionByDefault: unknown }[])[0].applyServerSideEncryptionByDefault;
                assert.deepStrictEqual(sse, kms ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: kms } : { sseAlgorithm: "AES256" });
            }
            assertChildNamesPrefixed(layerResources(all));
        });
    }

    it("one IAM user per bucket-using service, its inline policy limited to its buckets, its secret key secret", async () => {
        resetResources();
        const cfg = config("aws");
        const layer = deployObjectStore(cfg, {}, platformFor(cfg));
        const all = await resources();
        const plan = objectStorePlan(cfg);
        assert.deepStrictEqual(byType(all, TYPES.iamUser).map((u) => u.inputs.name).sort(), BUCKET_USERS.map((s) => `${cfg.aws.namePrefix}-objectstore-${s}`).sort());
        for (const access of plan.services) {
            const policy = findResource(all, TYPES.iamPolicy, `objectstore-iam-${access.service}-policy`);
            const doc = JSON.parse(policy.inputs.policy as string) as { Statement: { Resource: string[] }[] };
            const buckets = new Set(doc.Statement.flatMap((s) => s.Resource).map((r) => r.replace(/^arn:aws:s3:::/, "").split("/")[0]));
            assert.deepStrictEqual([...buckets].sort(), [...new Set(access.grants.map((g) => g.bucket))].sort(), access.service);
            const c = layer.services[access.service]!;
            assert.ok(await isSecret(c.secretAccessKey));
            assert.strictEqual(c.forcePathStyle, false);
            assert.strictEqual(await value(c.endpoint), `https://s3.${cfg.aws.region}.amazonaws.com`);
        }
        assert.strictEqual(layer.endpoint, undefined, "no server on AWS");
    });
});

describe("objectstore layer: external S3 endpoint", () => {
    it("fails naming both credential keys when they are missing, registering nothing", async () => {
        resetResources();
        const cfg = config("external");
        const { objectStoreAccessKey: _a, objectStoreSecretKey: _s, ...rest } = allSecrets();
        assert.throws(() => deployObjectStore(cfg, rest, { kind: "external" }), (err: Error) => {
            assert.match(err.message, /stellaops:objectStoreAccessKey: expected a secret/);
            assert.match(err.message, /stellaops:objectStoreSecretKey: expected a secret/);
            return true;
        });
        assert.strictEqual((await resources()).length, 0);
    });

    it("creates the buckets through the endpoint with the given credentials; without users every service shares them", async () => {
        resetResources();
        const cfg = config("external", { backendSupportsLock: false, objectLock: false });
        const layer = deployObjectStore(cfg, allSecrets(), { kind: "external" });
        const all = await resources();
        const s3 = findResource(all, TYPES.s3Provider, "objectstore-s3");
        assert.deepStrictEqual(JSON.parse(s3.inputs.endpoints as string), [{ s3: cfg.objectStore.endpoint }]);
        assert.deepStrictEqual([s3.rawInputs.accessKey, s3.rawInputs.secretKey], ["test-objectStoreAccessKey", "test-objectStoreSecretKey"]);
        assert.deepStrictEqual([...s3.secretPaths], ["accessKey", "secretKey"]);
        assertBucketsAsPlanned(all, objectStorePlan(cfg), "objectstore-s3");
        assert.strictEqual(byType(all, TYPES.lock).length, 0, "no lock on a backend without it");
        assert.strictEqual(byType(all, TYPES.minioUser).length, 0);
        for (const s of BUCKET_USERS) {
            const c = layer.services[s]!;
            assert.ok((await isSecret(c.accessKeyId)) && (await isSecret(c.secretAccessKey)));
            assert.strictEqual(await value(c.secretAccessKey), "test-objectStoreSecretKey");
        }
        assert.deepStrictEqual([await value(layer.endpoint!.host), await value(layer.endpoint!.port)], ["s3.internal", 9443]);
    });

    it("supportsUsers: per-service users through the admin API at the endpoint", async () => {
        resetResources();
        const cfg = config("external", { supportsUsers: true });
        const layer = deployObjectStore(cfg, allSecrets(), { kind: "external" });
        const all = await resources();
        const admin = findResource(all, TYPES.adminProvider, "objectstore-admin");
        assert.deepStrictEqual([admin.inputs.minioServer, admin.inputs.minioSsl], ["s3.internal:9443", "true"]);
        assert.deepStrictEqual(byType(all, TYPES.minioUser).map((u) => u.inputs.name).sort(), [...BUCKET_USERS].sort());
        assert.strictEqual(await value(layer.services.scanner!.accessKeyId), "scanner");
        assertChildNamesPrefixed(layerResources(all));
    });
});
