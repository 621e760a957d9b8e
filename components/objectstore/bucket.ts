/**
 * One bucket from the plan, on any S3-compatible backend, with the same @pulumi/aws S3
 * resources: on AWS through the account's provider, on RustFS or an external endpoint through a
 * provider configured with that endpoint (built in stacks/, passed in through `opts`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketSpec } from "./plan";

/** The component's type token; it matches the class name. */
export const STORAGE_BUCKET_TYPE = "stellaops:objectstore:StorageBucket";
/** The token before it matched the class name: aliased so existing stacks keep their buckets (no replacement). */
export const FORMER_BUCKET_TYPE = "stellaops:objectstore:Bucket";

export interface StorageBucketArgs {
    /** The planned bucket: physical name, lock, retention, lifecycle. */
    readonly spec: BucketSpec;
    /**
     * aws: also Block Public Access, ownership controls and default encryption. s3compatible:
     * those APIs are AWS-only (RustFS and gateways answer NotImplemented); buckets there are
     * private because no anonymous policy or ACL is ever set.
     */
    readonly backend: "aws" | "s3compatible";
    /**
     * aws: customer-managed KMS key for default encryption.
     * @default SSE-S3 (AES256)
     */
    readonly kmsKeyArn?: string;
}

export class StorageBucket extends pulumi.ComponentResource {
    /** Physical bucket name. */
    public readonly bucketName: pulumi.Output<string>;
    /** Bucket ARN (arn:aws:s3:::name on every backend). */
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: StorageBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super(STORAGE_BUCKET_TYPE, name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: FORMER_BUCKET_TYPE }] });
        const spec = args.spec;
        // Evidence history is the point: neither the bucket nor its versioning and lock settings
        // may disappear through a refactor (deleting BucketVersioning suspends versioning).
        const keep = { parent: this, protect: true, retainOnDelete: true };
        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            // Object lock can only be turned on when the bucket is created.
            {
                bucket: spec.name,
                objectLockEnabled: spec.objectLock ? true : undefined,
                forceDestroy: false,
                // Tagging is optional on S3-compatible servers; only AWS gets tags.
                tags: args.backend === "aws" ? { "stellaops:purposes": spec.purposes.map((p) => p.purpose).join(".") } : undefined,
            },
            keep,
        );
        const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, keep);

        if (spec.objectLock) {
            new aws.s3.BucketObjectLockConfiguration(
                `${name}-lock`,
                { bucket: bucket.bucket, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: spec.objectLock.mode, days: spec.objectLock.days } } },
                { ...keep, dependsOn: [versioning] },
            );
        }
        if (spec.lifecycle.length > 0) {
            new aws.s3.BucketLifecycleConfiguration(
                `${name}-lifecycle`,
                {
                    bucket: bucket.bucket,
                    rules: spec.lifecycle.map((r) => ({
                        id: r.id,
                        status: "Enabled",
                        filter: { prefix: r.prefix },
                        expiration: { days: r.expirationDays },
                        noncurrentVersionExpiration: { noncurrentDays: r.noncurrentDays },
                    })),
                },
                { parent: this, dependsOn: [versioning] },
            );
        }
        if (args.backend === "aws") this.awsOnly(name, bucket, args.kmsKeyArn);

        this.bucketName = bucket.bucket;
        this.arn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
    }

    private awsOnly(name: string, bucket: aws.s3.Bucket, kmsKeyArn: string | undefined): void {
        new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        // ACLs disabled: the bucket owner owns every object, so grants come only from IAM.
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: bucket.bucket,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: kmsKeyArn ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn } : { sseAlgorithm: "AES256" },
                        bucketKeyEnabled: kmsKeyArn ? true : undefined,
                    },
                ],
            },
            { parent: this },
        );
    }
}
