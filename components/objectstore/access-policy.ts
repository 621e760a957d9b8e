/**
 * Policy documents (AWS IAM policy language) from the plan's grants. AWS IAM, RustFS and MinIO
 * read identity policies; gateways such as versitygw grant users through bucket policies, so
 * both forms come from the same grants.
 */
import type { ServiceName } from "../catalog";
import type { BucketGrant, BucketSpec, ServiceAccess } from "./plan";

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow";
    readonly Principal?: { readonly AWS: readonly string[] };
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
/**
 * Writers also put and delete (a delete marker in a versioned bucket). Never DeleteObjectVersion,
 * PutObjectRetention or BypassGovernanceRetention: no service can erase evidence history.
 */
export const WRITE_ACTIONS = [...READ_ACTIONS, "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"] as const;
export const LIST_ACTIONS = ["s3:ListBucket", "s3:ListBucketVersions"] as const;

const arn = (partition: string, resource: string) => `arn:${partition}:s3:::${resource}`;
const sid = (...parts: string[]) => parts.map((p) => p.replace(/[^A-Za-z0-9]/g, "")).join("");

function statements(bucket: string, g: BucketGrant, partition: string, principal?: readonly string[]): PolicyStatement[] {
    const who = principal ? { Principal: { AWS: principal } } : {};
    const list: PolicyStatement = {
        Sid: sid(g.service, g.purpose, "List"),
        Effect: "Allow",
        ...who,
        Action: LIST_ACTIONS,
        Resource: [arn(partition, bucket)],
        // A shared bucket: listing is limited to the purpose's prefix too.
        ...(g.prefix ? { Condition: { StringLike: { "s3:prefix": [`${g.prefix}*`] } } } : {}),
    };
    const objects: PolicyStatement = {
        Sid: sid(g.service, g.purpose, "Objects"),
        Effect: "Allow",
        ...who,
        Action: g.access === "readwrite" ? WRITE_ACTIONS : READ_ACTIONS,
        Resource: [arn(partition, `${bucket}/${g.prefix}*`)],
    };
    return [list, objects];
}

/** Identity policy of one service: its buckets and prefixes only. */
export function servicePolicy(access: ServiceAccess, partition = "aws"): PolicyDocument {
    return { Version: "2012-10-17", Statement: access.grants.flatMap((g) => statements(g.bucket, g, partition)) };
}

/**
 * Bucket policy granting each service on the bucket its access, for backends that authorize
 * users through bucket policies; `principalOf` maps a service to its user (access key id).
 */
export function bucketPolicy(bucket: Pick<BucketSpec, "name" | "grants">, principalOf: (s: ServiceName) => string, partition = "aws"): PolicyDocument {
    return { Version: "2012-10-17", Statement: bucket.grants.flatMap((g) => statements(bucket.name, g, partition, [principalOf(g.service)])) };
}
