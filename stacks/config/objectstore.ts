import { z } from "zod";
import { bool, int, oneOf, quantity } from "./rules";

/**
 * Longest suffix the per-purpose layout appends to the prefix ("-evidence"); a prefix longer
 * than 63 minus this would make an invalid bucket name. The plan re-checks every full name.
 */
const LONGEST_SUFFIX = "-evidence".length;
const PREFIX_MAX = 63 - LONGEST_SUFFIX;

/** Lowercase letters, digits and hyphens, starting and ending with a letter or digit; no dots (they break TLS with virtual-host addressing). */
const bucketPrefix = z
    .string({ error: "expected a bucket name prefix" })
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, { error: "expected a bucket name prefix of lowercase letters, digits and hyphens, starting and ending with a letter or digit" })
    .min(3, { error: `expected a bucket name prefix of 3 to ${PREFIX_MAX} characters` })
    .max(PREFIX_MAX, { error: `expected a bucket name prefix of 3 to ${PREFIX_MAX} characters (bucket names are at most 63 with "-evidence" appended)` })
    .refine((v) => !v.startsWith("xn--") && !v.startsWith("sthree-") && !v.startsWith("amzn-s3-demo-"), {
        error: "expected a bucket name prefix not starting with a reserved S3 prefix (xn--, sthree-, amzn-s3-demo-)",
    });

const url = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });

/** `stellaops:objectStore`: bucket layout, evidence retention, and where the S3 API is. */
export const objectStoreSection = z
    .strictObject({
        /** Prefix of every bucket name (buckets per purpose) or the shared bucket's name (dev). */
        bucketPrefix: bucketPrefix.default("stellaops"),
        /** Object lock with a default retention on the evidence bucket (the shared bucket in dev). */
        objectLock: bool.default(true),
        /** Whether the backend implements S3 object lock; RustFS and AWS S3 do, some gateways do not (external). */
        backendSupportsLock: bool.default(true),
        /** Default retention applied to new evidence objects. */
        evidenceRetention: z
            .strictObject({
                mode: oneOf(["GOVERNANCE", "COMPLIANCE"] as const).default("GOVERNANCE"),
                days: int(1, 36500).default(365),
            })
            .default({ mode: "GOVERNANCE", days: 365 }),
        /** Days after which replayable outputs expire. */
        replayExpirationDays: int(1).default(400),
        /** Volume size (airgap PVC). */
        storageSize: quantity.default("50Gi"),
        /** external: S3 endpoint URL services use, e.g. https://s3.internal:9000. */
        endpoint: url.optional(),
        /**
         * Where Pulumi itself reaches the S3 and admin APIs when that differs from what services
         * use: airgap (in-cluster DNS) through a port-forward, e.g. http://127.0.0.1:9000.
         */
        providerEndpoint: url.optional(),
        /** Region reported to S3 clients; RustFS and most gateways accept us-east-1. */
        region: z.string({ error: "expected a region name" }).regex(/^[a-z0-9-]+$/, { error: "expected a region name such as us-east-1" }).default("us-east-1"),
        /** external: whether the backend has users and policies through the MinIO-compatible admin API. */
        supportsUsers: bool.default(false),
    })
    .superRefine((os, ctx) => {
        if (os.objectLock && !os.backendSupportsLock) {
            ctx.addIssue({
                code: "custom",
                path: ["objectLock"],
                input: os.objectLock,
                message: "expected false when objectStore.backendSupportsLock is false: retention needs a backend with object lock",
            });
        }
        if (os.objectLock && os.replayExpirationDays < os.evidenceRetention.days) {
            ctx.addIssue({
                code: "custom",
                path: ["replayExpirationDays"],
                input: os.replayExpirationDays,
                message: `expected at least objectStore.evidenceRetention.days (${os.evidenceRetention.days}): replay outputs must outlive the evidence they reproduce, and in a shared bucket the lock refuses earlier expiry`,
            });
        }
    });

export type ObjectStoreConfig = z.infer<typeof objectStoreSection>;
