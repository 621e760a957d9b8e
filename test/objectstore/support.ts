/**
 * Shared fixtures for the object storage tests: plan options per layout, the catalog a
 * deployment with the Evidence Locker runs, the resource types the components register, and
 * assertions derived from the plan (never from hand-written names).
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { CATALOG, Catalog } from "../../components/catalog";
import { extendCatalog } from "../../components/catalog-extend";
import type { ObjectStoreOptions, ObjectStorePlan } from "../../components/objectstore/plan";
import type { RecordedResource } from "../harness";

/** Defaults as the dev (shared) and airgap/external (perPurpose) profiles use them. */
export const OPTIONS: Record<"shared" | "perPurpose", ObjectStoreOptions> = {
    shared: { layout: "shared", sharedBucket: "stellaops", objectLock: true, backendSupportsLock: true, retention: { mode: "GOVERNANCE", days: 365 }, replayExpirationDays: 400 },
    perPurpose: { layout: "perPurpose", sharedBucket: "stellaops", objectLock: true, backendSupportsLock: true, retention: { mode: "GOVERNANCE", days: 365 }, replayExpirationDays: 400 },
};

/** The catalog of a deployment that adds the Evidence Locker in stack config (issue 13's example). */
export function catalogWithEvidenceLocker(base: Catalog = CATALOG): Catalog {
    return extendCatalog(
        { services: { evidencelocker: { title: "Evidence Locker", schema: "evidence_locker", valkey: ["cache"], queues: [], buckets: [{ purpose: "evidence", access: "readwrite" }], routed: true } } },
        base,
    );
}

/** Services with bucket uses in a catalog: the ones that must get credentials. */
export const bucketUsers = (catalog: Catalog = CATALOG) => catalog.services.filter((s) => s.buckets.length > 0).map((s) => s.name);

/** Catalog uses as "service:purpose:access" strings, sorted. */
export const catalogUses = (catalog: Catalog = CATALOG) => catalog.services.flatMap((s) => s.buckets.map((b) => `${s.name}:${b.purpose}:${b.access}`)).sort();

export const TYPES = {
    storageBucket: "stellaops:objectstore:StorageBucket",
    bucket: "aws:s3/bucket:Bucket",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    minioUser: "minio:index/iamUser:IamUser",
    minioPolicy: "minio:index/iamPolicy:IamPolicy",
    minioAttach: "minio:index/iamUserPolicyAttachment:IamUserPolicyAttachment",
    iamUser: "aws:iam/user:User",
    iamPolicy: "aws:iam/userPolicy:UserPolicy",
    iamKey: "aws:iam/accessKey:AccessKey",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    service: "kubernetes:core/v1:Service",
    secret: "kubernetes:core/v1:Secret",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
} as const;

/**
 * Asserts the registered buckets are the plan's, on the given provider, each protected and
 * retained with versioning (protected too), lock and lifecycle exactly as planned.
 */
export function assertBucketsAsPlanned(all: readonly RecordedResource[], plan: ObjectStorePlan, provider: string): void {
    const buckets = all.filter((r) => r.type === TYPES.bucket);
    assert.deepStrictEqual(buckets.map((b) => b.inputs.bucket).sort(), plan.buckets.map((b) => b.name).sort());
    for (const spec of plan.buckets) {
        const b = buckets.find((r) => r.inputs.bucket === spec.name)!;
        const child = (type: string) => all.filter((r) => r.type === type && r.parent === b.parent);
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
        assert.deepStrictEqual(
            child(TYPES.lifecycle).flatMap((r) => r.inputs.rules as unknown[]),
            spec.lifecycle.map((r) => ({ id: r.id, status: "Enabled", filter: { prefix: r.prefix }, expiration: { days: r.expirationDays }, noncurrentVersionExpiration: { noncurrentDays: r.noncurrentDays } })),
        );
        for (const r of all.filter((x) => x.parent === b.parent)) assert.strictEqual(r.provider, provider, `${r.name} provider`);
    }
}

/** What a registration asked for that the recorder does not keep: aliases and replaceOnChanges, by resource name. */
export interface RegistrationExtras {
    readonly aliasTypes: readonly string[];
    readonly replaceOnChanges: readonly string[];
}

/**
 * Runs `register` while also capturing the alias types and replaceOnChanges of every
 * registration (wrapping the mocked monitor the recorder installed, then restoring it).
 */
export async function withRegistrationExtras(register: () => void, settle: () => Promise<unknown>): Promise<Map<string, RegistrationExtras>> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const monitor = pulumi.runtime.getMonitor() as any;
    const original = monitor.registerResource;
    const extras = new Map<string, RegistrationExtras>();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.registerResource = (req: any, callback: unknown) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const aliasTypes = req.getAliasesList().map((a: any) => a.getSpec?.()?.getType?.() ?? "").filter((t: string) => t);
        extras.set(req.getName(), { aliasTypes, replaceOnChanges: req.getReplaceonchangesList() });
        return original.call(monitor, req, callback);
    };
    try {
        register();
        await settle();
    } finally {
        monitor.registerResource = original;
    }
    return extras;
}
