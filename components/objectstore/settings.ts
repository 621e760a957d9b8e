/**
 * What each service needs to reach its buckets, from the plan: the S3 endpoint, region and
 * addressing style, bucket and key prefix per purpose, and its own credentials; and the same as
 * environment variables (the per-service Secret's keys).
 */
import * as pulumi from "@pulumi/pulumi";
import type { BucketAccess, ServiceName } from "../catalog";
import type { ObjectStorePlan } from "./plan";

/** Credentials of one service's S3 identity. */
export interface ServiceCredentials {
    readonly accessKeyId: pulumi.Output<string>;
    /** Secret Output. */
    readonly secretAccessKey: pulumi.Output<string>;
}

/** Where services reach the S3 API. */
export interface S3Server {
    /** URL services use (`https://s3.<region>.amazonaws.com` on AWS). */
    readonly endpoint: pulumi.Input<string>;
    readonly region: string;
    /** Path-style addressing: true on every S3-compatible server, false on AWS. */
    readonly forcePathStyle: boolean;
}

/** One purpose as a service sees it. */
export interface S3BucketSetting {
    /** The physical bucket (an Output of the bucket resource, so clients wait for it). */
    readonly bucket: pulumi.Input<string>;
    /** Key prefix every key of this purpose starts with ("" for the whole bucket). */
    readonly prefix: string;
    readonly access: BucketAccess;
}

export interface S3Settings extends S3Server {
    /** Per purpose the service uses. */
    readonly buckets: Readonly<Record<string, S3BucketSetting>>;
    readonly accessKeyId: pulumi.Output<string>;
    /** Secret Output. */
    readonly secretAccessKey: pulumi.Output<string>;
}

/**
 * Settings per service with bucket uses.
 * @param bucketNames physical name to the bucket resource's name Output. @default the planned names
 */
export function s3Settings(
    plan: ObjectStorePlan,
    server: S3Server,
    credentials: (service: ServiceName) => ServiceCredentials,
    bucketNames: ReadonlyMap<string, pulumi.Input<string>> = new Map(),
): Partial<Record<ServiceName, S3Settings>> {
    const out: Partial<Record<ServiceName, S3Settings>> = {};
    for (const access of plan.services) {
        const c = credentials(access.service);
        const buckets = Object.fromEntries(access.grants.map((g) => [g.purpose, { bucket: bucketNames.get(g.bucket) ?? g.bucket, prefix: g.prefix, access: g.access }]));
        out[access.service] = { ...server, buckets, accessKeyId: c.accessKeyId, secretAccessKey: pulumi.secret(c.secretAccessKey) };
    }
    return out;
}

/** `surfaceManifests` -> `SURFACE_MANIFESTS`. */
export function envSuffix(purpose: string): string {
    return purpose.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/**
 * Environment of one service:
 * - this project's keys: `S3_ENDPOINT`, `S3_REGION`, `S3_FORCE_PATH_STYLE`, `S3_ACCESS_KEY_ID`,
 *   `S3_SECRET_ACCESS_KEY`, and per purpose `S3_BUCKET_<PURPOSE>` / `S3_PREFIX_<PURPOSE>`;
 * - the variables every AWS SDK (the .NET one included) reads without code: `AWS_ACCESS_KEY_ID`,
 *   `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and on S3-compatible servers `AWS_ENDPOINT_URL_S3`
 *   (the SDKs' service-specific endpoint setting);
 * - `endpointKeys`: the service's own configuration keys for the endpoint (catalog `env.s3Endpoint`, `__` form).
 * The secret key stays a secret Output under both names.
 */
export function s3Environment(s: S3Settings, endpointKeys: readonly string[] = []): Record<string, pulumi.Input<string>> {
    const env: Record<string, pulumi.Input<string>> = {
        S3_ENDPOINT: s.endpoint,
        S3_REGION: s.region,
        S3_FORCE_PATH_STYLE: String(s.forcePathStyle),
        S3_ACCESS_KEY_ID: s.accessKeyId,
        S3_SECRET_ACCESS_KEY: pulumi.secret(s.secretAccessKey),
        AWS_ACCESS_KEY_ID: s.accessKeyId,
        AWS_SECRET_ACCESS_KEY: pulumi.secret(s.secretAccessKey),
        AWS_REGION: s.region,
        ...(s.forcePathStyle ? { AWS_ENDPOINT_URL_S3: s.endpoint } : {}),
    };
    for (const [purpose, b] of Object.entries(s.buckets)) {
        env[`S3_BUCKET_${envSuffix(purpose)}`] = b.bucket;
        env[`S3_PREFIX_${envSuffix(purpose)}`] = b.prefix;
    }
    for (const key of endpointKeys) env[key] = s.endpoint;
    return env;
}
