/**
 * Which input changes replace (or rename) a resource, offline. Mocks cannot ask providers, so
 * this is a small table from the providers' schemas (ForceNew / immutable fields) for the types
 * whose loss matters; `pulumi preview` stays the authority. Paths are input paths as in the plan
 * JSON (`spec.volumeClaimTemplates`); a change at or below a path matches it.
 *
 * | type | replaced when | renamed in place when |
 * | --- | --- | --- |
 * | postgresql Database | template, encoding, lcCollate, lcCtype | name (ALTER DATABASE ... RENAME) |
 * | postgresql Schema | database | name (ALTER SCHEMA ... RENAME) |
 * | postgresql Role | - | name (ALTER ROLE ... RENAME) |
 * | docker Volume | name, driver, driverOpts, labels | - |
 * | kubernetes StatefulSet | metadata.name/namespace, spec.selector, spec.serviceName, spec.volumeClaimTemplates, spec.podManagementPolicy | - |
 * | kubernetes PVC / PV / Namespace | metadata.name/namespace, immutable spec fields | - |
 * | aws RDS Instance | identifier(Prefix), engine, dbName, username, storageEncrypted, kmsKeyId, availabilityZone, characterSetName, timezone | - |
 * | aws ElastiCache ReplicationGroup | replicationGroupId, atRestEncryptionEnabled, kmsKeyId, port, subnetGroupName, snapshotName, snapshotArns | - |
 * | aws S3 Bucket / BucketV2 | bucket, bucketPrefix, objectLockEnabled | - |
 * | minio S3Bucket | bucket, bucketPrefix, objectLocking | - |
 *
 * A rename keeps the data but breaks every consumer of the old name (DSNs, grants, search paths),
 * so it is flagged like a replacement.
 */

export interface ReplaceRule {
    /** Inputs whose change deletes the resource and creates a new one. */
    readonly replace: readonly string[];
    /** Inputs the provider renames in place. */
    readonly rename?: readonly string[];
}

const K8S_IDENTITY = ["metadata.name", "metadata.namespace"];
const S3_BUCKET: ReplaceRule = { replace: ["bucket", "bucketPrefix", "objectLockEnabled"] };

export const REPLACE_ON: Readonly<Record<string, ReplaceRule>> = {
    "postgresql:index/database:Database": { replace: ["template", "encoding", "lcCollate", "lcCtype"], rename: ["name"] },
    "postgresql:index/schema:Schema": { replace: ["database"], rename: ["name"] },
    "postgresql:index/role:Role": { replace: [], rename: ["name"] },
    "docker:index/volume:Volume": { replace: ["name", "driver", "driverOpts", "labels"] },
    "kubernetes:apps/v1:StatefulSet": {
        replace: [...K8S_IDENTITY, "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates", "spec.podManagementPolicy"],
    },
    "kubernetes:core/v1:PersistentVolumeClaim": { replace: [...K8S_IDENTITY, "spec.storageClassName", "spec.accessModes", "spec.volumeName", "spec.volumeMode", "spec.selector"] },
    "kubernetes:core/v1:PersistentVolume": { replace: [...K8S_IDENTITY, "spec.storageClassName", "spec.claimRef", "spec.volumeMode"] },
    "kubernetes:core/v1:Namespace": { replace: K8S_IDENTITY },
    "aws:rds/instance:Instance": {
        replace: ["identifier", "identifierPrefix", "engine", "dbName", "username", "storageEncrypted", "kmsKeyId", "availabilityZone", "characterSetName", "timezone", "snapshotIdentifier"],
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        replace: ["replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "port", "subnetGroupName", "snapshotName", "snapshotArns"],
    },
    "aws:s3/bucket:Bucket": S3_BUCKET,
    "aws:s3/bucketV2:BucketV2": S3_BUCKET,
    "minio:index/s3Bucket:S3Bucket": { replace: ["bucket", "bucketPrefix", "objectLocking"] },
};

/** True when `path` is `key` or lies under it (`spec.volumeClaimTemplates[0].spec`). */
export function under(path: string, key: string): boolean {
    return path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);
}

/** The table keys a set of changed input paths hits, split by effect. */
export function replacementKeys(type: string, changedPaths: readonly string[]): { replace: string[]; rename: string[] } {
    const rule = REPLACE_ON[type];
    if (!rule) return { replace: [], rename: [] };
    const hit = (keys: readonly string[] = []) => keys.filter((k) => changedPaths.some((p) => under(p, k)));
    return { replace: hit(rule.replace), rename: hit(rule.rename) };
}
