/**
 * Identity policies (AWS IAM policy language) from the plan's grants: what each service's
 * credentials may do, on exactly its buckets and key prefixes. AWS IAM, RustFS and MinIO (canned
 * policies) and versitygw's IAM service all read this document as it is.
 */
import type { BucketGrant, ServiceAccess } from "./plan";

export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: readonly string[];
    readonly Resource: readonly string[];
    readonly Condition?: Record<string, Record<string, readonly string[]>>;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

/** Readers fetch objects and their versions. */
export const READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"] as const;
/** Writers also put and delete (a delete marker in a versioned bucket) and clean up their multipart uploads. */
export const WRITE_ACTIONS = [...READ_ACTIONS, "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"] as const;
/** Listing keys and versions, limited to the grant's prefix by a condition. */
export const LIST_ACTIONS = ["s3:ListBucket", "s3:ListBucketVersions"] as const;
/** GetObjectLockConfiguration: the Evidence Locker verifies WORM on its bucket at start-up. */
export const LOCK_CHECK_ACTIONS = ["s3:GetBucketObjectLockConfiguration"] as const;

/**
 * Never granted to a service: erasing history (version deletes), weakening or bypassing
 * retention, changing bucket settings or policies, or everything at once.
 */
export const FORBIDDEN_ACTIONS = [
    "s3:*",
    "s3:DeleteObjectVersion",
    "s3:PutObjectRetention",
    "s3:PutObjectLegalHold",
    "s3:BypassGovernanceRetention",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:DeleteBucket",
] as const;

const arn = (partition: string, resource: string) => `arn:${partition}:s3:::${resource}`;
const sid = (...parts: string[]) => parts.map((p) => p.replace(/[^A-Za-z0-9]/g, "")).join("");

function statements(g: BucketGrant, partition: string): PolicyStatement[] {
    const list: PolicyStatement = {
        Sid: sid(g.purpose, "List"),
        Effect: "Allow",
        Action: LIST_ACTIONS,
        Resource: [arn(partition, g.bucket)],
        // A prefix inside a bucket: listing is limited to it too.
        ...(g.prefix ? { Condition: { StringLike: { "s3:prefix": [`${g.prefix}*`] } } } : {}),
    };
    const objects: PolicyStatement = {
        Sid: sid(g.purpose, "Objects"),
        Effect: "Allow",
        Action: g.access === "readwrite" ? WRITE_ACTIONS : READ_ACTIONS,
        Resource: [arn(partition, `${g.bucket}/${g.prefix}*`)],
    };
    const lock: PolicyStatement[] = g.lockCheck ? [{ Sid: sid(g.purpose, "LockCheck"), Effect: "Allow", Action: LOCK_CHECK_ACTIONS, Resource: [arn(partition, g.bucket)] }] : [];
    return [list, objects, ...lock];
}

/**
 * Identity policy of one service: its buckets and prefixes only.
 * @param partition ARN partition (`aws`, `aws-cn`, `aws-us-gov`); S3-compatible servers use `aws`. @default "aws"
 */
export function servicePolicy(access: ServiceAccess, partition = "aws"): PolicyDocument {
    return { Version: "2012-10-17", Statement: access.grants.flatMap((g) => statements(g, partition)) };
}
