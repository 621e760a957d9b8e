/**
 * Renders the object storage plan into `objectstore/buckets.json`: every bucket with its
 * purposes and key prefixes, versioning, lock, retention, lifecycle and the services that use
 * it. Names and settings only; credentials never appear here.
 */
import type { ObjectStorePlan } from "./plan";

export interface RenderedBucket {
    readonly name: string;
    /** Purpose and its key prefix in this bucket. */
    readonly purposes: readonly { readonly purpose: string; readonly prefix: string }[];
    readonly versioning: "Enabled";
    readonly objectLock: { readonly enabled: boolean; readonly mode?: string; readonly days?: number };
    readonly lifecycle: readonly { readonly id: string; readonly prefix: string; readonly expirationDays: number; readonly noncurrentDays: number }[];
    /** No anonymous access on any bucket, whatever the backend. */
    readonly publicAccess: "blocked";
    readonly owners: readonly string[];
    readonly access: readonly { readonly service: string; readonly purpose: string; readonly prefix: string; readonly access: string; readonly lockCheck: boolean }[];
}

export interface BucketsFile {
    readonly layout: ObjectStorePlan["layout"];
    readonly buckets: readonly RenderedBucket[];
}

export function bucketsFile(plan: ObjectStorePlan): BucketsFile {
    return {
        layout: plan.layout,
        buckets: plan.buckets.map((b) => ({
            name: b.name,
            purposes: b.purposes.map((p) => ({ purpose: p.purpose, prefix: p.prefix })),
            versioning: "Enabled",
            objectLock: b.objectLock ? { enabled: true, mode: b.objectLock.mode, days: b.objectLock.days } : { enabled: false },
            lifecycle: b.lifecycle.map((r) => ({ id: r.id, prefix: r.prefix, expirationDays: r.expirationDays, noncurrentDays: r.noncurrentDays })),
            publicAccess: "blocked",
            owners: [...b.owners],
            access: b.grants.map((g) => ({ service: g.service, purpose: g.purpose, prefix: g.prefix, access: g.access, lockCheck: g.lockCheck })),
        })),
    };
}

export function renderObjectStoreFiles(plan: ObjectStorePlan): { "objectstore/buckets.json": string } {
    return { "objectstore/buckets.json": `${JSON.stringify(bucketsFile(plan), null, 2)}\n` };
}
