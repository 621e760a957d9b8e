/**
 * AWS and object-storage rules over hand-built resources: RDS, ElastiCache, public ACLs, grants
 * and bucket policies, and Block Public Access for every AWS bucket (not S3-compatible ones).
 */
import * as assert from "assert";
import { elastiCacheEncrypted, noPublicObjectStorage, publicAccessBlock, rdsEncrypted } from "../../policy/aws-rules";
import { subject } from "./support";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const BUCKET = "aws:s3/bucket:Bucket";
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ALL_FOUR = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

describe("policy rds-encrypted-deletion-protected", () => {
    it("passes encrypted storage with deletion protection", () => {
        assert.deepStrictEqual(rdsEncrypted.check(subject("aws:rds/instance:Instance", { storageEncrypted: true, deletionProtection: true }), {}), []);
    });
    it("fails each missing setting", () => {
        assert.deepStrictEqual(rdsEncrypted.check(subject("aws:rds/instance:Instance", { storageEncrypted: false }), {}), [
            "storage is not encrypted: expected storageEncrypted true",
            "deletion protection is off: expected deletionProtection true",
        ]);
        assert.strictEqual(rdsEncrypted.check(subject("aws:rds/cluster:Cluster", { storageEncrypted: true }), {}).length, 1);
    });
});

describe("policy elasticache-encrypted", () => {
    it("passes a replication group encrypted in transit and at rest", () => {
        assert.deepStrictEqual(elastiCacheEncrypted.check(subject(RG, { atRestEncryptionEnabled: true, transitEncryptionEnabled: true }), {}), []);
    });
    it("fails a group without at-rest or in-transit encryption", () => {
        assert.deepStrictEqual(elastiCacheEncrypted.check(subject(RG, { transitEncryptionEnabled: true }), {}), ["not encrypted at rest: expected atRestEncryptionEnabled true"]);
        assert.deepStrictEqual(elastiCacheEncrypted.check(subject(RG, { atRestEncryptionEnabled: true }), {}), ["not encrypted in transit: expected transitEncryptionEnabled true"]);
    });
    it("lets member clusters inherit their group's encryption but refuses standalone ones", () => {
        assert.deepStrictEqual(elastiCacheEncrypted.check(subject("aws:elasticache/cluster:Cluster", { replicationGroupId: "g" }), {}), []);
        assert.strictEqual(elastiCacheEncrypted.check(subject("aws:elasticache/cluster:Cluster", { engine: "valkey" }), {}).length, 1);
    });
});

describe("policy s3-nothing-public", () => {
    const check = (type: string, props: Record<string, unknown>) => noPublicObjectStorage.check(subject(type, props), {});
    const everyone = (effect: string, principal: unknown) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: effect, Principal: principal, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] });

    it("passes a private bucket and a policy naming principals", () => {
        assert.deepStrictEqual(check(BUCKET, { bucket: "b", acl: "private" }), []);
        assert.deepStrictEqual(check("aws:s3/bucketPolicy:BucketPolicy", { bucket: "b", policy: everyone("Allow", { AWS: "arn:aws:iam::1:user/x" }) }), []);
    });
    it("passes a Deny statement for everyone (it only narrows access)", () => {
        assert.deepStrictEqual(check("aws:s3/bucketPolicy:BucketPolicy", { policy: everyone("Deny", "*") }), []);
    });
    it("fails public canned ACLs on buckets, BucketAcl and MinIO buckets", () => {
        assert.match(check(BUCKET, { acl: "public-read" }).join(), /ACL "public-read" is public/);
        assert.match(check("aws:s3/bucketAcl:BucketAcl", { acl: "public-read-write" }).join(), /is public/);
        assert.match(check("minio:index/s3Bucket:S3Bucket", { acl: "public" }).join(), /is public/);
    });
    it("fails grants to AllUsers, as bucket grants or in an access control policy", () => {
        const uri = "http://acs.amazonaws.com/groups/global/AllUsers";
        assert.strictEqual(check(BUCKET, { grants: [{ type: "Group", uri, permissions: ["READ"] }] }).length, 1);
        assert.strictEqual(check("aws:s3/bucketAclV2:BucketAclV2", { accessControlPolicy: { grants: [{ grantee: { type: "Group", uri }, permission: "READ" }] } }).length, 1);
    });
    it('fails an Allow for Principal "*" as text, as a document and as {AWS: ["*"]}', () => {
        assert.match(check("aws:s3/bucketPolicy:BucketPolicy", { policy: everyone("Allow", "*") }).join(), /allows Principal "\*"/);
        assert.strictEqual(check("aws:s3/bucketPolicy:BucketPolicy", { policy: JSON.parse(everyone("Allow", { AWS: ["*"] })) }).length, 1);
        assert.strictEqual(check("minio:index/s3BucketPolicy:S3BucketPolicy", { policy: everyone("Allow", { AWS: "*" }) }).length, 1);
    });
});

describe("policy s3-public-access-block", () => {
    const bucket = (name: string, more = {}) => subject(BUCKET, { bucket: name }, { name: `${name}-bucket`, urn: `urn:${name}`, ...more });
    const block = (name: string, flags: Record<string, boolean> = ALL_FOUR) => subject(PAB, { bucket: name, ...flags }, { name: `${name}-pab` });

    it("passes a bucket with a block setting all four", () => {
        assert.deepStrictEqual(publicAccessBlock.checkStack([bucket("b"), block("b")], {}), []);
    });
    it("fails a bucket without a block, naming it", () => {
        const found = publicAccessBlock.checkStack([bucket("b"), block("other")], {});
        assert.deepStrictEqual(found.map((f) => [f.name, f.message]), [["b-bucket", "bucket b has no BucketPublicAccessBlock: expected one with all four settings true"]]);
    });
    it("fails a block leaving one setting off", () => {
        const found = publicAccessBlock.checkStack([bucket("b"), block("b", { ...ALL_FOUR, restrictPublicBuckets: false })], {});
        assert.deepStrictEqual(found.map((f) => f.message), ["b-pab leaves restrictPublicBuckets off: expected all four true"]);
    });
    it("links a block to its bucket through property dependencies when the name is not known yet", () => {
        const pab = subject(PAB, { bucket: "[unknown]", ...ALL_FOUR }, { propertyDependencies: { bucket: ["urn:b"] } });
        assert.deepStrictEqual(publicAccessBlock.checkStack([bucket("b"), pab], {}), []);
    });
    it("does not require the AWS-only API on an S3-compatible endpoint (provider with a custom s3 endpoint)", () => {
        const rustfs = { type: "pulumi:providers:aws", props: { endpoints: JSON.stringify([{ s3: "http://rustfs:9000" }]) } };
        assert.deepStrictEqual(publicAccessBlock.checkStack([bucket("b", { provider: rustfs })], {}), []);
        const aws = { type: "pulumi:providers:aws", props: { region: "eu-west-1" } };
        assert.strictEqual(publicAccessBlock.checkStack([bucket("b", { provider: aws })], {}).length, 1);
    });
});
