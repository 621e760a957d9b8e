/**
 * Which input changes make the provider replace (delete and create again) or rename a resource,
 * offline. Mocks cannot ask providers, so this is a table from the providers' own sources for
 * every type the four stacks create; `pulumi preview` stays the authority. Paths are input paths
 * as in the plan JSON (`spec.volumeClaimTemplates`); a change at or below a path matches it.
 *
 * Sources, at the versions in package.json:
 * - docker (@pulumi/docker 5.2.0, kreuzwerker/terraform-provider-docker v4): every Container input
 *   is ForceNew except the few below, `uploads` included ("the container is mutated once, and
 *   never updated later"): a new valkey.conf recreates the container, i.e. restarts the server.
 * - kubernetes (@pulumi/kubernetes 4.34, provider forceNewProperties): metadata.name/namespace
 *   everywhere; StatefulSet selector, serviceName, volumeClaimTemplates, podManagementPolicy,
 *   revisionHistoryLimit; ConfigMap data and Secret data/stringData/type unless the provider sets
 *   enableConfigMapMutable / enableSecretMutable (this project does not); Service clusterIP.
 * - postgresql (cyrilgdn provider): ForceNew fields; Database, Schema and Role rename in place.
 * - aws, minio, random: ForceNew fields of the Terraform resources; every RandomPassword input.
 */

export interface ReplaceRule {
    /** Inputs whose change deletes the resource and creates a new one. */
    readonly replace?: readonly string[];
    /** Instead of `replace`: every input except these replaces it (nearly everything is ForceNew). */
    readonly inPlace?: readonly string[];
    /** Inputs the provider renames in place. */
    readonly rename?: readonly string[];
    /** What a replacement does beyond "deleted and created again", in one clause. */
    readonly effect?: string;
}

const K8S_NAME = ["metadata.name", "metadata.namespace"];
const MOUNTED_EFFECT = "auto-named: created under a new name, the pods mounting it restart onto it, then the old one is deleted; a fixed name is deleted first (pods read it at their next start)";
const S3_CONFIG: ReplaceRule = { replace: ["bucket", "expectedBucketOwner"] };
const NAMED: ReplaceRule = { replace: ["name", "namePrefix"] };

const CONTAINER_IN_PLACE = [
    "attach", "containerReadRefreshTimeoutMilliseconds", "cpuPeriod", "cpuQuota", "cpuSet", "cpuShares", "destroyGraceSeconds",
    "deviceReadBps", "deviceReadIops", "deviceWriteBps", "deviceWriteIops", "healthcheck", "init", "logs", "maxRetryCount",
    "memory", "memoryReservation", "memorySwap", "mustRun", "removeVolumes", "restart", "rm", "start", "tmpfs", "wait", "waitTimeout",
];

export const REPLACE_ON: Readonly<Record<string, ReplaceRule>> = {
    // PostgreSQL objects.
    "postgresql:index/database:Database": { replace: ["template", "encoding", "lcCollate", "lcCtype"], rename: ["name"] },
    "postgresql:index/schema:Schema": { replace: ["database"], rename: ["name"] },
    "postgresql:index/role:Role": { rename: ["name"] },
    "postgresql:index/grant:Grant": {
        replace: ["role", "database", "schema", "objectType", "objects", "columns", "withGrantOption"],
        effect: "revoked and granted again: a moment without the privilege",
    },
    "postgresql:index/defaultPrivileges:DefaultPrivileges": { replace: ["role", "database", "owner", "schema", "objectType", "withGrantOption"] },
    "postgresql:index/function:Function": { replace: ["name", "schema", "database", "args", "returns"], effect: "DROP FUNCTION and CREATE again" },
    // Every change of a membership is a new grant (the provider has no update).
    "postgresql:index/grantRole:GrantRole": { inPlace: [], effect: "membership revoked and granted again: a moment without it" },
    "postgresql:index/extension:Extension": { replace: ["name", "database"], effect: "DROP EXTENSION and CREATE again: objects using it may go with it" },
    // Docker (dev).
    "docker:index/container:Container": { inPlace: CONTAINER_IN_PLACE, effect: "the container is recreated: the server restarts (its volumes stay)" },
    "docker:index/remoteImage:RemoteImage": { replace: ["name", "pullTriggers", "triggers", "platform"], effect: "containers using the image are recreated (restart)" },
    "docker:index/volume:Volume": { replace: ["name", "driver", "driverOpts", "labels"] },
    "docker:index/network:Network": { inPlace: [], effect: "every container on it is recreated (restart)" },
    // Kubernetes (airgap).
    "kubernetes:apps/v1:StatefulSet": {
        replace: [...K8S_NAME, "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates", "spec.podManagementPolicy", "spec.revisionHistoryLimit"],
    },
    "kubernetes:core/v1:Namespace": { replace: K8S_NAME },
    // A CronJob's schedule and job template update in place; runs already started are not touched.
    "kubernetes:batch/v1:CronJob": { replace: K8S_NAME },
    "kubernetes:policy/v1:PodDisruptionBudget": { replace: K8S_NAME },
    // A Job's pod template is immutable; the bootstrap Jobs carry a content hash in their name, so a change is a new Job that runs again.
    "kubernetes:batch/v1:Job": { replace: [...K8S_NAME, "spec.template", "spec.selector", "spec.completions"], effect: "a new Job: it runs again (the bootstrap scripts are idempotent)" },
    // CloudNativePG custom resources: the operator reconciles changes in place (rolling, switchover first);
    // a new name is a new cluster. Storage size may grow in place, never shrink (the operator refuses).
    "kubernetes:postgresql.cnpg.io/v1:Cluster": { replace: K8S_NAME, effect: "a new cluster: a new, empty database" },
    "kubernetes:postgresql.cnpg.io/v1:Pooler": { replace: [...K8S_NAME, "spec.cluster"] },
    "kubernetes:postgresql.cnpg.io/v1:ImageCatalog": { replace: K8S_NAME },
    "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup": { replace: K8S_NAME },
    "kubernetes:barmancloud.cnpg.io/v1:ObjectStore": { replace: K8S_NAME },
    // Mounted files are auto-named (components/kubernetes/mounted-files.ts): the new one is created first and the pods roll onto it.
    "kubernetes:core/v1:ConfigMap": { replace: [...K8S_NAME, "data", "binaryData"], effect: MOUNTED_EFFECT },
    "kubernetes:core/v1:Secret": { replace: [...K8S_NAME, "data", "stringData", "type"], effect: MOUNTED_EFFECT },
    "kubernetes:core/v1:Service": { replace: [...K8S_NAME, "spec.clusterIP"] },
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": { replace: K8S_NAME },
    // AWS.
    "aws:rds/instance:Instance": {
        replace: ["identifier", "identifierPrefix", "engine", "dbName", "username", "storageEncrypted", "kmsKeyId", "availabilityZone", "characterSetName", "timezone", "snapshotIdentifier"],
    },
    "aws:rds/parameterGroup:ParameterGroup": { replace: ["name", "namePrefix", "family", "description"], effect: "a new group is attached to the instance, then the old one deleted" },
    "aws:rds/subnetGroup:SubnetGroup": NAMED,
    "aws:ec2/securityGroup:SecurityGroup": { replace: ["name", "namePrefix", "description", "vpcId"] },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        replace: ["replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "port", "subnetGroupName", "snapshotName", "snapshotArns"],
    },
    "aws:elasticache/parameterGroup:ParameterGroup": { replace: ["name", "family", "description"] },
    "aws:elasticache/subnetGroup:SubnetGroup": { replace: ["name"] },
    "aws:elasticache/user:User": { replace: ["userId", "userName"], effect: "the user is recreated: its clients reconnect" },
    "aws:elasticache/userGroup:UserGroup": { replace: ["userGroupId"] },
    "aws:iam/user:User": { rename: ["name"] },
    "aws:iam/accessKey:AccessKey": { replace: ["user", "pgpKey"], effect: "a new access key: services need the new credentials" },
    "aws:iam/userPolicy:UserPolicy": { replace: ["name", "namePrefix", "user"] },
    "aws:s3/bucket:Bucket": { replace: ["bucket", "bucketPrefix", "objectLockEnabled"] },
    "aws:s3/bucketVersioning:BucketVersioning": S3_CONFIG,
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": S3_CONFIG,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": S3_CONFIG,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": S3_CONFIG,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": S3_CONFIG,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": S3_CONFIG,
    // Users and policies on S3-compatible servers (RustFS).
    "minio:index/iamUser:IamUser": { replace: ["name"], effect: "the user is recreated: its access key changes" },
    "minio:index/iamPolicy:IamPolicy": NAMED,
    "minio:index/iamUserPolicyAttachment:IamUserPolicyAttachment": { replace: ["userName", "policyName"] },
    // The Valkey ACL users of the external profile (components/valkey/acl-provider.ts decides).
    "pulumi-nodejs:dynamic/valkey:AclUsers": { replace: ["host", "port"], effect: "the users are created on the new server, then removed from the old one" },
    // Every input of a random password is ForceNew: a new value that every consumer must get.
    "random:index/randomPassword:RandomPassword": { inPlace: [], effect: "a new password: every service using it needs the new secret" },
};

/** True when `path` is `key` or lies under it (`spec.volumeClaimTemplates[0].spec`). */
export function under(path: string, key: string): boolean {
    return path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);
}

/** The top-level input a path starts in (`uploads[0].content` → `uploads`). */
const topKey = (path: string) => /^[^.[]*/.exec(path)![0] || path;

/** The table keys a set of changed input paths hits, split by effect. */
export function replacementKeys(type: string, changedPaths: readonly string[]): { replace: string[]; rename: string[] } {
    const rule = REPLACE_ON[type];
    if (!rule) return { replace: [], rename: [] };
    const hit = (keys: readonly string[] = []) => keys.filter((k) => changedPaths.some((p) => under(p, k)));
    const rename = hit(rule.rename);
    if (rule.inPlace) {
        const forced = changedPaths.filter((p) => !rule.inPlace!.some((k) => under(p, k)) && !rename.some((k) => under(p, k)));
        return { replace: [...new Set(forced.map(topKey))], rename };
    }
    return { replace: hit(rule.replace), rename };
}

/** What replacing a resource of this type does, when there is more to say than "recreated". */
export const replacementEffect = (type: string): string | undefined => REPLACE_ON[type]?.effect;
