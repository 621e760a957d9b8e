/**
 * Pure planning for object storage: the catalog's purposes (bucket, key prefix, lock, expiry) and
 * services' bucket uses, plus the deployment's options, in; the physical buckets (versioning,
 * lock, retention, lifecycle, owners) and each service's grants out. The same plan feeds the
 * bucket components, the per-service identities, the connection settings and
 * `objectstore/buckets.json`.
 */
import { BucketAccess, BucketPurposeSpec, CATALOG, Catalog, ServiceName } from "../catalog";
import { Problems } from "../problems";
import { bucketNameProblem } from "./bucket-name";

/** shared: one bucket, each purpose a prefix `<documented bucket>/<prefix>` in it; perPurpose: the documented bucket per purpose. */
export type Layout = "shared" | "perPurpose";
export type RetentionMode = "GOVERNANCE" | "COMPLIANCE";

export interface ObjectStoreOptions {
    /** The profile's bucket layout. */
    readonly layout: Layout;
    /** The one bucket of the shared layout; unused by perPurpose. */
    readonly sharedBucket: string;
    /**
     * Prepended to every physical bucket name as `<bucketPrefix>-<name>`; required where bucket
     * names are global (AWS), which config enforces.
     * @default none: the documented names as they are
     */
    readonly bucketPrefix?: string;
    /** Object lock with a default retention on every bucket holding a purpose with `objectLock`. */
    readonly objectLock: boolean;
    /** Whether the backend implements S3 object lock at all. */
    readonly backendSupportsLock: boolean;
    /** Default retention of new objects in a locked bucket. */
    readonly retention: { readonly mode: RetentionMode; readonly days: number };
    /** Days after which objects of purposes with `expires` (and their old versions) expire. */
    readonly replayExpirationDays: number;
}

export interface LifecycleRule {
    /** Rule id, stable across updates: `<purpose>-expiry`. */
    readonly id: string;
    /** Key prefix the rule applies to ("" for the whole bucket). */
    readonly prefix: string;
    readonly expirationDays: number;
    /** Days a version stays after it stopped being current. */
    readonly noncurrentDays: number;
}

export interface BucketGrant {
    readonly service: ServiceName;
    readonly purpose: string;
    /** Physical bucket name. */
    readonly bucket: string;
    /** Key prefix the service is limited to ("" for the whole bucket). */
    readonly prefix: string;
    readonly access: BucketAccess;
    /** May read the bucket's object lock configuration (the Evidence Locker's WORM check at start-up). */
    readonly lockCheck: boolean;
}

export interface BucketSpec {
    /** Child-name suffix of the bucket's resources: "shared", or the bucket's first purpose. */
    readonly key: string;
    /** Physical bucket name, never auto-suffixed. */
    readonly name: string;
    /** Purposes stored here, in catalog order, with their key prefixes. */
    readonly purposes: readonly { readonly purpose: string; readonly prefix: string }[];
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
    readonly grants: readonly BucketGrant[];
}

export interface ObjectStorePlan {
    readonly layout: Layout;
    readonly buckets: readonly BucketSpec[];
    /** Services that use object storage, in catalog order. */
    readonly services: readonly ServiceAccess[];
}

/** A used purpose placed in its physical bucket. */
interface Placed {
    readonly spec: BucketPurposeSpec;
    readonly bucket: string;
    readonly prefix: string;
}

const withPrefix = (opts: ObjectStoreOptions, name: string) => (opts.bucketPrefix ? `${opts.bucketPrefix}-${name}` : name);

/** Catalog integrity: every use names a known purpose once. Config additions are checked by extendCatalog; this catches code. */
function checkCatalog(catalog: Catalog): void {
    const problems = new Problems();
    for (const s of catalog.services) {
        const seen = new Set<string>();
        s.buckets.forEach((b, i) => {
            const at = ["services", s.name, "buckets", i, "purpose"];
            if (problems.need(catalog.purposes.some((p) => p.purpose === b.purpose), at, `expected a purpose (${catalog.purposes.map((p) => p.purpose).join(", ")})`, b.purpose)) {
                problems.need(!seen.has(b.purpose), at, "expected each purpose once per service", b.purpose);
            }
            seen.add(b.purpose);
        });
    }
    problems.throwIfAny("");
}

function checkOptions(opts: ObjectStoreOptions, problems: Problems): void {
    problems.need(!opts.objectLock || opts.backendSupportsLock, ["objectLock"], "expected false when objectStore.backendSupportsLock is false (retention needs object lock)", opts.objectLock);
    problems.need(Number.isInteger(opts.retention.days) && opts.retention.days >= 1, ["evidenceRetention", "days"], "expected an integer >= 1", opts.retention.days);
    problems.need(Number.isInteger(opts.replayExpirationDays) && opts.replayExpirationDays >= 1, ["replayExpirationDays"], "expected an integer >= 1", opts.replayExpirationDays);
}

/** Where each used purpose lives: its physical bucket and its key prefix there. */
function place(opts: ObjectStoreOptions, catalog: Catalog): Placed[] {
    const used = catalog.purposes.filter((p) => catalog.services.some((s) => s.buckets.some((b) => b.purpose === p.purpose)));
    return used.map((spec) =>
        opts.layout === "shared"
            ? { spec, bucket: withPrefix(opts, opts.sharedBucket), prefix: `${spec.bucket}/${spec.prefix}` }
            : { spec, bucket: withPrefix(opts, spec.bucket), prefix: spec.prefix },
    );
}

/** The config key to blame for an invalid full bucket name. */
function nameKey(opts: ObjectStoreOptions, p: Placed): (string | number)[] {
    const bare = opts.layout === "shared" ? opts.sharedBucket : p.spec.bucket;
    if (opts.bucketPrefix && bucketNameProblem(bare) === undefined) return ["bucketPrefix"];
    return opts.layout === "shared" ? ["sharedBucket"] : ["buckets", p.spec.purpose, "name"];
}

function bucketOf(name: string, members: Placed[], opts: ObjectStoreOptions, catalog: Catalog, problems: Problems): BucketSpec {
    const nameProblem = bucketNameProblem(name);
    problems.need(nameProblem === undefined, nameKey(opts, members[0]), `${nameProblem} in a bucket name`, name);
    members.forEach((a, i) => {
        const clash = members.slice(0, i).find((b) => a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix));
        problems.need(!clash, ["buckets", a.spec.purpose, "prefix"], `expected a key prefix that does not overlap ${clash?.spec.purpose}'s ("${clash?.prefix}") in bucket "${name}"`, a.prefix);
    });
    const locked = opts.objectLock && members.some((m) => m.spec.objectLock);
    const expiring = members.filter((m) => m.spec.expires);
    if (locked && expiring.length > 0) {
        // Locked versions cannot expire before their retention ends: the rule would silently not apply.
        problems.need(
            opts.replayExpirationDays >= opts.retention.days,
            ["replayExpirationDays"],
            `expected at least evidenceRetention.days (${opts.retention.days}): bucket "${name}" holds locked and expiring objects`,
            opts.replayExpirationDays,
        );
    }
    const grants: BucketGrant[] = catalog.services.flatMap((s) =>
        s.buckets.flatMap((use) => {
            const m = members.find((x) => x.spec.purpose === use.purpose);
            return m ? [{ service: s.name, purpose: use.purpose, bucket: name, prefix: m.prefix, access: use.access, lockCheck: locked && m.spec.objectLock }] : [];
        }),
    );
    return {
        key: opts.layout === "shared" ? "shared" : members[0].spec.purpose,
        name,
        purposes: members.map((m) => ({ purpose: m.spec.purpose, prefix: m.prefix })),
        versioning: true,
        ...(locked ? { objectLock: { mode: opts.retention.mode, days: opts.retention.days } } : {}),
        lifecycle: expiring.map((m) => ({ id: `${m.spec.purpose}-expiry`, prefix: m.prefix, expirationDays: opts.replayExpirationDays, noncurrentDays: opts.replayExpirationDays })),
        owners: [...new Set(grants.filter((g) => g.access === "readwrite").map((g) => g.service))].sort(),
        grants,
    };
}

/**
 * Plans every bucket and grant. Throws a PlanError("objectStore") naming each bad option
 * (paths relative to `stellaops:objectStore`), or a PlanError("") for a catalog use of an unknown purpose.
 */
export function planObjectStore(opts: ObjectStoreOptions, catalog: Catalog = CATALOG): ObjectStorePlan {
    checkCatalog(catalog);
    const problems = new Problems();
    checkOptions(opts, problems);
    const byBucket = new Map<string, Placed[]>();
    for (const p of place(opts, catalog)) byBucket.set(p.bucket, [...(byBucket.get(p.bucket) ?? []), p]);
    const buckets = [...byBucket].map(([name, members]) => bucketOf(name, members, opts, catalog, problems));
    problems.throwIfAny("objectStore");
    const services: ServiceAccess[] = catalog.services
        .filter((s) => s.buckets.length > 0)
        .map((s) => ({ service: s.name, grants: s.buckets.map((use) => buckets.flatMap((b) => b.grants).find((g) => g.service === s.name && g.purpose === use.purpose)!) }));
    return { layout: opts.layout, buckets, services };
}

/** The grant of `service` for `purpose`, if it has one. */
export function grantOf(plan: ObjectStorePlan, service: ServiceName, purpose: string): BucketGrant | undefined {
    return plan.services.find((s) => s.service === service)?.grants.find((g) => g.purpose === purpose);
}
