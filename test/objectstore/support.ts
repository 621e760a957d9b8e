/**
 * Shared fixtures for the object storage tests: a validated config per profile, the platform
 * the stack would build for it, and expectations derived from the catalog.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { CATALOG } from "../../components/catalog";
import type { ObjectStorePlan } from "../../components/objectstore/plan";
import { parseStackConfig, SecretKey, StackConfig, StackSecrets } from "../../stacks/config";
import { createPlatform, Platform } from "../../stacks/platform";
import type { RecordedResource } from "../harness";

const DIGEST = "a".repeat(64);
const MIRROR = "registry.internal:5000";

/** Raw `stellaops:*` values per profile, before the test's overrides. */
export const RAW: Record<StackConfig["profile"], Record<string, unknown>> = {
    dev: { profile: "dev" },
    airgap: {
        profile: "airgap",
        kubernetes: { mirrorRegistry: MIRROR },
        images: {
            postgres: `${MIRROR}/postgres@sha256:${DIGEST}`,
            valkey: `${MIRROR}/valkey@sha256:${DIGEST}`,
            rustfs: `${MIRROR}/rustfs/rustfs@sha256:${DIGEST}`,
        },
    },
    aws: {
        profile: "aws",
        aws: { region: "eu-west-1", vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], allowedCidrs: ["10.0.0.0/16"] },
    },
    external: { profile: "external", postgres: { host: "db.internal" }, valkey: { host: "cache.internal" }, objectStore: { endpoint: "https://s3.internal:9443" } },
};

/** Every secret key as a secret Output, as readStackConfig hands them over. */
export function allSecrets(): StackSecrets {
    const keys: SecretKey[] = ["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"];
    return Object.fromEntries(keys.map((k) => [k, pulumi.secret(`test-${k}`)]));
}

export function config(profile: StackConfig["profile"], objectStore: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): StackConfig {
    const raw = RAW[profile];
    const merged = { ...raw, ...extra, objectStore: { ...((raw.objectStore as object) ?? {}), ...objectStore } };
    return parseStackConfig(merged, new Set(Object.keys(allSecrets()) as SecretKey[]));
}

export function platformFor(cfg: StackConfig): Platform {
    return createPlatform(cfg);
}

/** Services with bucket uses in the catalog: the ones that must get a connection. */
export const BUCKET_USERS = CATALOG.services.filter((s) => s.buckets.length > 0).map((s) => s.name);

/** The layer's own resources (the platform's provider, network or namespace left out). */
export function layerResources(all: readonly RecordedResource[]): RecordedResource[] {
    return all.filter((r) => r.name.startsWith("objectstore-"));
}

export const TYPES = {
    bucket: "aws:s3/bucket:Bucket",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    s3Provider: "pulumi:providers:aws",
    adminProvider: "pulumi:providers:minio",
    minioUser: "minio:index/iamUser:IamUser",
    minioPolicy: "minio:index/iamPolicy:IamPolicy",
    minioAttach: "minio:index/iamUserPolicyAttachment:IamUserPolicyAttachment",
    iamUser: "aws:iam/user:User",
    iamPolicy: "aws:iam/userPolicy:UserPolicy",
    iamKey: "aws:iam/accessKey:AccessKey",
    container: "docker:index/container:Container",
    volume: "docker:index/volume:Volume",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    secret: "kubernetes:core/v1:Secret",
} as const;

/**
 * Asserts the registered buckets are the plan's, on the given provider, each protected and
 * retained with versioning (protected too), lock and lifecycle as planned.
 */
export function assertBucketsAsPlanned(all: readonly RecordedResource[], plan: ObjectStorePlan, provider: string): void {
    const buckets = all.filter((r) => r.type === TYPES.bucket);
    assert.deepStrictEqual(buckets.map((b) => b.inputs.bucket).sort(), plan.buckets.map((b) => b.name).sort());
    for (const spec of plan.buckets) {
        const b = buckets.find((r) => r.inputs.bucket === spec.name)!;
        const parent = b.parent!;
        const child = (type: string) => all.filter((r) => r.type === type && r.parent === parent);
        assert.ok(b.protect && b.retainOnDelete, `${spec.name}: protect + retainOnDelete`);
        assert.strictEqual(b.provider, provider, `${spec.name} provider`);
        assert.strictEqual(b.inputs.forceDestroy, false);
        assert.strictEqual(b.inputs.objectLockEnabled, spec.objectLock ? true : undefined, `${spec.name} objectLockEnabled`);
        const [v] = child(TYPES.versioning);
        assert.deepStrictEqual(v.inputs.versioningConfiguration, { status: "Enabled" });
        assert.ok(v.protect && v.retainOnDelete, `${spec.name}: versioning protected`);
        const lock = child(TYPES.lock);
        if (spec.objectLock) {
            assert.deepStrictEqual(lock[0].inputs.rule, { defaultRetention: { mode: spec.objectLock.mode, days: spec.objectLock.days } });
            assert.ok(lock[0].protect && lock[0].retainOnDelete, `${spec.name}: lock protected`);
            assert.ok(lock[0].dependsOn.includes(v.name), "lock after versioning");
        } else {
            assert.strictEqual(lock.length, 0, `${spec.name}: no lock`);
        }
        const lc = child(TYPES.lifecycle);
        assert.deepStrictEqual(
            lc.flatMap((r) => r.inputs.rules as unknown[]),
            spec.lifecycle.map((r) => ({ id: r.id, status: "Enabled", filter: { prefix: r.prefix }, expiration: { days: r.expirationDays }, noncurrentVersionExpiration: { noncurrentDays: r.noncurrentDays } })),
        );
        for (const r of all.filter((x) => x.parent === parent)) assert.strictEqual(r.provider, provider, `${r.name} provider`);
    }
}
