/**
 * Pure planning for object storage: the catalog's bucket uses and the options in, the buckets
 * (versioning, lock, retention, lifecycle, owners) and each service's grants out. The same plan
 * feeds the Pulumi bucket components, the per-service identities and `objectstore/buckets.json`.
 */
import { BUCKET_PURPOSES, BucketPurpose, CATALOG, Catalog, ServiceName } from "../catalog";
import { bucketNameProblem } from "./bucket-name";

/** dev: one shared bucket with a prefix per purpose; every other profile: a bucket per purpose. */
export type Layout = "shared" | "perPurpose";
export type RetentionMode = "GOVERNANCE" | "COMPLIANCE";
export type Access = "readwrite" | "readonly";

export interface ObjectStoreOptions {
    readonly layout: Layout;
    /** Shared bucket name (shared) or prefix of each `<prefix>-<purpose>` bucket (perPurpose). */
    readonly bucketPrefix: string;
    /** Object lock with default retention on the evidence bucket (the shared bucket). */
    readonly objectLock: boolean;
    /** Whether the backend implements object lock at all. */
    readonly backendSupportsLock: boolean;
    /** Default retention of new evidence objects. */
    readonly retention: { readonly mode: RetentionMode; readonly days: number };
    /** Days after which replayable outputs (and their old versions) expire. */
    readonly replayExpirationDays: number;
}

export interface LifecycleRule {
    /** Rule id, stable across updates. */
    readonly id: string;
    /** Key prefix the rule applies to ("" for the whole bucket). */
    readonly prefix: string;
    readonly expirationDays: number;
    /** Days a version stays after it stopped being current. */
    readonly noncurrentDays: number;
}

export interface BucketGrant {
    readonly service: ServiceName;
    readonly purpose: BucketPurpose;
    /** Key prefix the service is limited to ("" for the whole bucket). */
    readonly prefix: string;
    readonly access: Access;
}

export interface BucketSpec {
    /** Child-name suffix of the bucket's resources. */
    readonly key: string;
    /** Physical bucket name, never auto-suffixed. */
    readonly name: string;
    readonly purposes: readonly BucketPurpose[];
    /** Always true: overwrites and deletes keep the previous version. */
    readonly versioning: true;
    /** Default retention, when the bucket is created with object lock. */
    readonly objectLock?: { readonly mode: RetentionMode; readonly days: number };
    readonly lifecycle: readonly LifecycleRule[];
    /** Services that write (readwrite), sorted. */
    readonly owners: readonly ServiceName[];
    /** Every service grant on this bucket. */
    readonly grants: readonly BucketGrant[];
}

export interface ServiceAccess {
    readonly service: ServiceName;
    /** Bucket and prefix per purpose the service uses. */
    readonly grants: readonly (BucketGrant & { readonly bucket: string })[];
}

export interface ObjectStorePlan {
    readonly layout: Layout;
    readonly buckets: readonly BucketSpec[];
    /** Services that use object storage, in catalog order. */
    readonly services: readonly ServiceAccess[];
}

/** The layout is a property of the profile (DESIGN.md §1). */
export function layoutFor(profile: "dev" | "airgap" | "aws" | "external"): Layout {
    return profile === "dev" ? "shared" : "perPurpose";
}

export class ObjectStorePlanError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid object storage plan:\n  ${problems.join("\n  ")}`);
        this.name = "ObjectStorePlanError";
    }
}

function check(opts: ObjectStoreOptions, catalog: Catalog): string[] {
    const problems: string[] = [];
    if (opts.objectLock && !opts.backendSupportsLock) {
        problems.push("objectStore.objectLock: expected false when objectStore.backendSupportsLock is false (retention needs object lock)");
    }
    if (!Number.isInteger(opts.retention.days) || opts.retention.days < 1) {
        problems.push(`objectStore.evidenceRetention.days: expected an integer >= 1, got ${opts.retention.days}`);
    }
    if (!Number.isInteger(opts.replayExpirationDays) || opts.replayExpirationDays < 1) {
        problems.push(`objectStore.replayExpirationDays: expected an integer >= 1, got ${opts.replayExpirationDays}`);
    } else if (opts.objectLock && opts.replayExpirationDays < opts.retention.days) {
        problems.push(`objectStore.replayExpirationDays: expected at least the evidence retention (${opts.retention.days} days), got ${opts.replayExpirationDays}`);
    }
    for (const s of catalog.services) {
        const purposes = s.buckets.map((b) => b.purpose);
        purposes.forEach((p, i) => {
            if (!BUCKET_PURPOSES.includes(p)) problems.push(`catalog ${s.name}.buckets[${i}].purpose: expected one of ${BUCKET_PURPOSES.join(", ")}, got "${p}"`);
            else if (purposes.indexOf(p) !== i) problems.push(`catalog ${s.name}.buckets[${i}].purpose: expected each purpose once, "${p}" repeats`);
        });
    }
    return problems;
}

/** Purposes some service uses, in catalog purpose order. */
function usedPurposes(catalog: Catalog): BucketPurpose[] {
    return BUCKET_PURPOSES.filter((p) => catalog.services.some((s) => s.buckets.some((b) => b.purpose === p)));
}

function grantsFor(catalog: Catalog, purposes: readonly BucketPurpose[], prefixOf: (p: BucketPurpose) => string): BucketGrant[] {
    return catalog.services.flatMap((s) =>
        s.buckets.filter((b) => purposes.includes(b.purpose)).map((b) => ({ service: s.name, purpose: b.purpose, prefix: prefixOf(b.purpose), access: b.access })),
    );
}

function replayRule(opts: ObjectStoreOptions, prefix: string): LifecycleRule {
    return { id: "replay-expiry", prefix, expirationDays: opts.replayExpirationDays, noncurrentDays: opts.replayExpirationDays };
}

function bucket(key: string, name: string, purposes: BucketPurpose[], lock: boolean, lifecycle: LifecycleRule[], grants: BucketGrant[], opts: ObjectStoreOptions): BucketSpec {
    const owners = [...new Set(grants.filter((g) => g.access === "readwrite").map((g) => g.service))].sort();
    return {
        key,
        name,
        purposes,
        versioning: true,
        ...(lock ? { objectLock: { mode: opts.retention.mode, days: opts.retention.days } } : {}),
        lifecycle,
        owners,
        grants,
    };
}

/** Plans every bucket and grant; throws ObjectStorePlanError naming each bad field. */
export function planObjectStore(opts: ObjectStoreOptions, catalog: Catalog = CATALOG): ObjectStorePlan {
    const problems = check(opts, catalog);
    const purposes = usedPurposes(catalog);
    const buckets: BucketSpec[] = [];
    if (opts.layout === "shared") {
        const prefixOf = (p: BucketPurpose) => `${p}/`;
        const lifecycle = purposes.includes("replay") ? [replayRule(opts, prefixOf("replay"))] : [];
        buckets.push(bucket("shared", opts.bucketPrefix, purposes, opts.objectLock, lifecycle, grantsFor(catalog, purposes, prefixOf), opts));
    } else {
        for (const p of purposes) {
            const lifecycle = p === "replay" ? [replayRule(opts, "")] : [];
            buckets.push(bucket(p, `${opts.bucketPrefix}-${p}`, [p], opts.objectLock && p === "evidence", lifecycle, grantsFor(catalog, [p], () => ""), opts));
        }
    }
    for (const b of buckets) {
        const problem = bucketNameProblem(b.name);
        if (problem) problems.push(`objectStore.bucketPrefix: bucket name "${b.name}" is not a valid S3 bucket name: ${problem}`);
    }
    if (problems.length > 0) throw new ObjectStorePlanError(problems);

    const services: ServiceAccess[] = catalog.services
        .filter((s) => s.buckets.length > 0)
        .map((s) => ({
            service: s.name,
            grants: buckets.flatMap((b) => b.grants.filter((g) => g.service === s.name).map((g) => ({ ...g, bucket: b.name }))),
        }));
    return { layout: opts.layout, buckets, services };
}
