/**
 * `stellaops:objectStore`: bucket names and layout, tamper evidence, and where the S3 API is.
 * Full bucket names are checked by the object-storage plan, which knows the layout.
 */
import { z } from "zod";
import { bool, int, oneOf, quantity } from "./rules";

/** Lowercase letters, digits and hyphens, starting and ending with a letter or digit; no dots (they break TLS with virtual-host addressing). */
const bucketName = z
    .string({ error: "expected a bucket name" })
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, { error: "expected lowercase letters, digits and hyphens, starting and ending with a letter or digit" })
    .min(3, { error: "expected 3 to 63 characters" })
    .max(63, { error: "expected 3 to 63 characters" });

const keyPrefix = z.string({ error: "expected a key prefix" }).regex(/^(?:[A-Za-z0-9!_.*'()-]+\/)*$/, { error: 'expected "" or path segments each ending with "/", such as "scanner/"' });

const url = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });

/** One purpose's bucket: rename the bucket or its key prefix, or (for a purpose not in the catalog) declare it. */
const bucketOverride = z.strictObject({
    name: bucketName.optional().describe("bucket name"),
    prefix: keyPrefix.optional().describe("key prefix inside the bucket"),
    objectLock: bool.optional().describe("object lock with the evidence retention (new purposes)"),
    expires: bool.optional().describe("objects expire after `replayExpirationDays` (new purposes)"),
});

export const objectStoreFields = {
    sharedBucket: bucketName.default("stellaops").describe("the one bucket of the shared layout; each purpose is a prefix `<documented bucket>/<prefix>` in it"),
    bucketPrefix: bucketName.max(40, { error: "expected at most 40 characters (the longest documented bucket name is appended)" }).optional().describe("prepended to every documented bucket name (`<bucketPrefix>-scanner-artifacts`); required where names are global (AWS)"),
    buckets: z.record(z.string(), bucketOverride).default({}).describe("per purpose (`artifacts`, `surfaceManifests`, `surfaceCache`, `evidence`, `replay`, or a new one): `name`, `prefix`; new purposes also `objectLock`, `expires`"),
    objectLock: bool.default(true).describe("object lock with a default retention on the evidence bucket (the shared bucket in the shared layout)"),
    backendSupportsLock: bool.default(true).describe("whether the existing backend implements S3 object lock"),
    evidenceRetention: z
        .strictObject({
            mode: oneOf(["GOVERNANCE", "COMPLIANCE"] as const).default("GOVERNANCE"),
            days: int(1, 36500).default(365),
        })
        .prefault({})
        .describe("default retention of new evidence objects: `mode` GOVERNANCE or COMPLIANCE, `days`"),
    replayExpirationDays: int(1).default(400).describe("days after which replayable outputs (and their old versions) expire"),
    storageSize: quantity.default("50Gi").describe("RustFS volume (airgap PVC; with `ha` the size of each volume)"),
    nodes: int(1).optional().describe("with `ha`: RustFS servers, one per node (default 4; erasure-set rules checked by the plan)"),
    volumesPerNode: int(1).optional().describe("with `ha`: volumes per RustFS server (default 1)"),
    parity: int(1).optional().describe("with `ha`: erasure parity per set (default: RustFS's automatic parity for the set size)"),
    endpoint: url.optional().describe("the existing S3 endpoint services use, e.g. https://s3.internal:9000"),
    providerEndpoint: url.optional().describe("where `pulumi up` reaches the S3 and admin APIs when that differs from what services use (a port-forward)"),
    region: z.string({ error: "expected a region name" }).regex(/^[a-z0-9-]+$/, { error: "expected a region name such as us-east-1" }).default("us-east-1").describe("region reported to S3 clients of an S3-compatible server"),
    supportsUsers: bool.default(false).describe("whether the existing backend has users and policies through the MinIO-compatible admin API"),
};
