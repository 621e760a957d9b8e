/**
 * Tier 2: StorageBucket under the recording mocks, for every planned bucket of both layouts, on
 * AWS and on an S3-compatible endpoint: protected and retained bucket, versioning and lock, the
 * lifecycle, AWS-only hardening on AWS only, and the alias that keeps stacks created under the
 * former type token from replacing their buckets.
 */
import * as aws from "@pulumi/aws";
import * as assert from "assert";
import { FORMER_BUCKET_TYPE, STORAGE_BUCKET_TYPE, StorageBucket } from "../../components/objectstore/bucket";
import { ObjectStorePlan, planObjectStore } from "../../components/objectstore/plan";
import { assertChildNamesPrefixed, byType, resetResources, resources, settle, value } from "../harness";
import { assertBucketsAsPlanned, catalogWithEvidenceLocker, OPTIONS, TYPES, withRegistrationExtras } from "./support";

const KMS = "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000";
const catalog = catalogWithEvidenceLocker();

function deploy(plan: ObjectStorePlan, backend: "aws" | "s3compatible", kmsKeyArn?: string): Map<string, StorageBucket> {
    const provider = new aws.Provider(backend === "aws" ? "aws" : "objectstore-s3", { region: "eu-west-1" });
    return new Map(plan.buckets.map((spec) => [spec.name, new StorageBucket(`objectstore-${spec.key}`, { spec, backend, kmsKeyArn }, { providers: [provider] })]));
}

describe("StorageBucket", () => {
    for (const layout of ["shared", "perPurpose"] as const) {
        it(`${layout} on an S3-compatible server: buckets exactly as planned, no AWS-only resources`, async () => {
            resetResources();
            const plan = planObjectStore(OPTIONS[layout], catalog);
            const buckets = deploy(plan, "s3compatible");
            const all = await resources();
            assertBucketsAsPlanned(all, plan, "objectstore-s3");
            for (const t of [TYPES.publicAccess, TYPES.ownership, TYPES.encryption]) assert.strictEqual(byType(all, t).length, 0, `${t} is AWS-only`);
            for (const b of byType(all, TYPES.bucket)) assert.strictEqual(b.inputs.tags, undefined, "tags are optional on S3-compatible servers");
            for (const spec of plan.buckets) assert.strictEqual(await value(buckets.get(spec.name)!.bucketName), spec.name);
            assertChildNamesPrefixed(all);
        });
    }

    for (const kms of [undefined, KMS]) {
        it(`on AWS: Block Public Access, owner-enforced ownership and ${kms ? "KMS" : "SSE-S3"} encryption on every bucket`, async () => {
            resetResources();
            const plan = planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "acme" }, catalog);
            deploy(plan, "aws", kms);
            const all = await resources();
            assertBucketsAsPlanned(all, plan, "aws");
            for (const b of byType(all, TYPES.bucket)) {
                const child = (t: string) => all.filter((r) => r.type === t && r.parent === b.parent);
                const [pab] = child(TYPES.publicAccess);
                for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.strictEqual(pab.inputs[k], true, `${b.name} ${k}`);
                assert.deepStrictEqual(child(TYPES.ownership)[0].inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
                const [rule] = child(TYPES.encryption)[0].inputs.rules as { applyServerSideEncryptionByDefault: unknown; bucketKeyEnabled?: boolean }[];
                assert.deepStrictEqual(rule.applyServerSideEncryptionByDefault, kms ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: kms } : { sseAlgorithm: "AES256" });
                const spec = plan.buckets.find((s) => s.name === b.inputs.bucket)!;
                assert.deepStrictEqual(b.inputs.tags, { "stellaops:purposes": spec.purposes.map((p) => p.purpose).join(".") });
            }
        });
    }

    it("registers under its class's token with an alias to the former token, so existing stacks keep their buckets", async () => {
        resetResources();
        const [spec] = planObjectStore(OPTIONS.perPurpose, catalog).buckets;
        const extras = await withRegistrationExtras(
            () => new StorageBucket("objectstore-alias", { spec, backend: "s3compatible" }),
            () => settle(),
        );
        const all = await resources();
        assert.strictEqual(all.find((r) => r.name === "objectstore-alias")!.type, STORAGE_BUCKET_TYPE);
        assert.deepStrictEqual(extras.get("objectstore-alias")!.aliasTypes, [FORMER_BUCKET_TYPE]);
        assert.notStrictEqual(STORAGE_BUCKET_TYPE, FORMER_BUCKET_TYPE);
    });
});
