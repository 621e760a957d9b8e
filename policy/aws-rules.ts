/**
 * AWS and S3 rules: RDS encrypted with deletion protection, ElastiCache encrypted in transit and
 * at rest, and nothing public in object storage (Block Public Access on AWS buckets, no public
 * ACL, no bucket policy granting to everyone).
 */
import type { ResourceRule, StackRule } from "./rule";
import { Props, Subject, UNKNOWN, isRecord, list, parsed, rec } from "./subject";

export const RDS_TYPES = ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"];

export const rdsEncrypted: ResourceRule = {
    name: "rds-encrypted-deletion-protected",
    description: "RDS instances and clusters encrypt their storage and have deletion protection on.",
    remediation: "Set storageEncrypted: true and deletionProtection: true (encryption can only be chosen at creation).",
    types: RDS_TYPES,
    check: (s) => [
        ...(s.props.storageEncrypted === true ? [] : ["storage is not encrypted: expected storageEncrypted true"]),
        ...(s.props.deletionProtection === true ? [] : ["deletion protection is off: expected deletionProtection true"]),
    ],
};

const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const CACHE_CLUSTER = "aws:elasticache/cluster:Cluster";

export const elastiCacheEncrypted: ResourceRule = {
    name: "elasticache-encrypted",
    description: "ElastiCache replication groups encrypt in transit and at rest; no standalone cache cluster (it cannot encrypt at rest).",
    remediation: "Use a ReplicationGroup with atRestEncryptionEnabled: true and transitEncryptionEnabled: true.",
    types: [REPLICATION_GROUP, CACHE_CLUSTER],
    check: (s) => {
        // A member cluster inherits its group's encryption; the group is checked itself.
        if (s.type === CACHE_CLUSTER) return s.props.replicationGroupId ? [] : ["a standalone cache cluster cannot encrypt at rest: expected a ReplicationGroup"];
        return [
            ...(s.props.atRestEncryptionEnabled === true ? [] : ["not encrypted at rest: expected atRestEncryptionEnabled true"]),
            ...(s.props.transitEncryptionEnabled === true ? [] : ["not encrypted in transit: expected transitEncryptionEnabled true"]),
        ];
    },
};

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const BUCKET_ACL_TYPES = ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"];
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const MINIO_BUCKET = "minio:index/s3Bucket:S3Bucket";
const MINIO_POLICY = "minio:index/s3BucketPolicy:S3BucketPolicy";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read", "public"]);
const PUBLIC_GROUPS = /\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

const publicGrants = (grants: unknown): boolean => list(grants).some((g) => PUBLIC_GROUPS.test(String(rec(rec(g).grantee).uri ?? rec(g).uri ?? "")));

const isEveryone = (p: unknown): boolean => p === "*" || (isRecord(p) && list([p.AWS].flat()).includes("*"));

/**
 * Allow statements whose principal is everyone. Deny statements with "*" (for example refusing
 * plain HTTP) narrow access and are fine.
 */
export function publicStatements(policy: unknown): number {
    const doc = rec(parsed(policy));
    return list([doc.Statement ?? doc.statements].flat()).filter((st) => {
        const s = rec(st);
        return s.Effect === "Allow" && isEveryone(s.Principal);
    }).length;
}

export const noPublicObjectStorage: ResourceRule = {
    name: "s3-nothing-public",
    description: "No bucket ACL, grant or bucket policy makes objects readable or writable by everyone.",
    remediation: "Remove the public ACL or grant; give access to service identities through IAM or per-service users instead.",
    types: [...BUCKET_TYPES, ...BUCKET_ACL_TYPES, BUCKET_POLICY, MINIO_BUCKET, MINIO_POLICY],
    check: (s) => {
        const out: string[] = [];
        const p = s.props;
        if (typeof p.acl === "string" && PUBLIC_ACLS.has(p.acl)) out.push(`ACL "${p.acl}" is public: expected private`);
        if (publicGrants(p.grants) || publicGrants(rec(p.accessControlPolicy).grants)) out.push("a grant to AllUsers or AuthenticatedUsers is public: expected no group grants");
        const policies = [BUCKET_POLICY, MINIO_POLICY, ...BUCKET_TYPES].includes(s.type) ? publicStatements(p.policy) : 0;
        if (policies > 0) out.push(`bucket policy allows Principal "*" (${policies} statement(s)): expected named principals only`);
        return out;
    },
};

/**
 * S3-compatible servers (RustFS, gateways) are reached through an aws provider with a custom S3
 * endpoint; they have no Block Public Access API, and buckets there stay private because no ACL or
 * policy grants anything (checked by s3-nothing-public).
 */
export function isS3Compatible(s: Subject): boolean {
    if (!s.provider?.type.startsWith("pulumi:providers:aws")) return false;
    return list(parsed(s.provider.props.endpoints)).some((e) => !!rec(e).s3);
}

const ALL_FOUR = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

const missingFlags = (pab: Props) => ALL_FOUR.filter((k) => pab[k] !== true);

export const publicAccessBlock: StackRule = {
    name: "s3-public-access-block",
    description: "Every AWS S3 bucket has a BucketPublicAccessBlock with all four settings true.",
    remediation: "Add aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true.",
    checkStack: (subjects) => {
        const blocks = subjects.filter((s) => s.type === PUBLIC_ACCESS_BLOCK);
        const findings = blocks
            .filter((b) => missingFlags(b.props).length > 0)
            .map((b) => ({ name: b.name, urn: b.urn, message: `${b.name} leaves ${missingFlags(b.props).join(", ")} off: expected all four true` }));
        for (const bucket of subjects.filter((s) => BUCKET_TYPES.includes(s.type) && !isS3Compatible(s))) {
            // The block's `bucket` input comes from the bucket (engine) or equals its name (offline).
            const named = bucket.props.bucket;
            const covers = (b: Subject) => (!!bucket.urn && !!b.propertyDependencies?.bucket?.includes(bucket.urn)) || (named !== undefined && named !== UNKNOWN && b.props.bucket === named);
            if (!blocks.some(covers)) {
                findings.push({ name: bucket.name, urn: bucket.urn, message: `bucket ${String(named ?? bucket.name)} has no BucketPublicAccessBlock: expected one with all four settings true` });
            }
        }
        return findings;
    },
};
