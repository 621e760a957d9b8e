/**
 * Resource types that hold data: deleting or replacing one loses it. The policy pack requires
 * them protected; the offline plan diff (tools/plan-diff) flags their deletion or replacement.
 * One table for both, so a type added here is guarded in review and at `pulumi up`.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
    // PostgreSQL: the database and the per-service schema shells (tables live inside).
    "postgresql:index/database:Database",
    "postgresql:index/schema:Schema",
    // Docker volumes behind the dev containers.
    "docker:index/volume:Volume",
    // Kubernetes: deleting the namespace deletes everything in it; PVCs hold the data.
    "kubernetes:core/v1:Namespace",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:core/v1:PersistentVolumeClaim",
    "kubernetes:core/v1:PersistentVolume",
    // AWS managed services.
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/cluster:Cluster",
    "aws:elasticache/serverlessCache:ServerlessCache",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    // Buckets created through the MinIO admin API (RustFS and other S3-compatible servers).
    "minio:index/s3Bucket:S3Bucket",
]);

export const isStateful = (type: string): boolean => STATEFUL_TYPES.has(type);
