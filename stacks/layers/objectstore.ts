/**
 * Buckets and per-service credentials on an S3 API: the planned buckets with the @pulumi/aws S3
 * resources (AWS directly, or RustFS and other S3-compatible servers through a provider with a
 * custom endpoint), users through the MinIO-compatible admin API where the server has them.
 */
import * as aws from "@pulumi/aws";
import * as minio from "@pulumi/minio";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceName } from "../../components/catalog";
import { S3Server, ServiceCredentials, s3Settings } from "../../components/objectstore/settings";
import { StorageBucket } from "../../components/objectstore/bucket";
import type { ObjectStorePlan } from "../../components/objectstore/plan";
import { RustfsServiceUsers } from "../../components/objectstore/rustfs-users";
import type { RotationPlan } from "../../components/rotation";
import type { ObjectStoreConnection, PerService } from "./types";

/** An S3-compatible server: where services and Pulumi reach it, and the root credentials Pulumi uses. */
export interface S3Target {
    /** URL services use. */
    readonly serviceUrl: pulumi.Input<string>;
    /** URL the S3 and admin providers use (differs behind a port-forward). */
    readonly providerUrl: pulumi.Input<string>;
    readonly accessKey: pulumi.Output<string>;
    readonly secretKey: pulumi.Output<string>;
    readonly region: string;
    /** Resources that must be ready before the providers connect. */
    readonly ready: pulumi.Resource[];
    /** Per-service users through the MinIO-compatible admin API; false: every service shares the root credentials. */
    readonly users: boolean;
    /** Prefix of the per-service policy names. */
    readonly policyPrefix: string;
    /** dev: the endpoint as the Docker host reaches it. */
    readonly publishedUrl?: string;
}

export function createBuckets(plan: ObjectStorePlan, backend: "aws" | "s3compatible", provider: pulumi.ProviderResource, kmsKeyArn?: string): Map<string, StorageBucket> {
    const out = new Map<string, StorageBucket>();
    for (const spec of plan.buckets) out.set(spec.name, new StorageBucket(`objectstore-${spec.key}`, { spec, backend, kmsKeyArn }, { providers: [provider] }));
    return out;
}

export interface S3CompatibleStore {
    readonly services: PerService<ObjectStoreConnection>;
    /** The S3 provider at the server (more buckets: the backup bucket). */
    readonly s3: aws.Provider;
    /** The MinIO-compatible admin provider, when the server has users. */
    readonly admin?: minio.Provider;
}

/** `rotation`: the stack's plan (stacks/plans.ts); the services' users follow it. */
export function s3CompatibleStore(plan: ObjectStorePlan, target: S3Target, rotation: RotationPlan): S3CompatibleStore {
    const ready = { dependsOn: target.ready };
    const s3 = new aws.Provider(
        "objectstore-s3",
        {
            region: target.region,
            accessKey: target.accessKey,
            secretKey: target.secretKey,
            endpoints: [{ s3: target.providerUrl }],
            // Not AWS: path-style URLs, no STS/IMDS/account lookups, any region name.
            s3UsePathStyle: true,
            skipCredentialsValidation: true,
            skipRequestingAccountId: true,
            skipMetadataApiCheck: true,
            skipRegionValidation: true,
        },
        ready,
    );
    const buckets = createBuckets(plan, "s3compatible", s3);
    let credentials: (s: ServiceName) => ServiceCredentials;
    let admin: minio.Provider | undefined;
    if (target.users) {
        admin = new minio.Provider(
            "objectstore-admin",
            {
                minioServer: pulumi.output(target.providerUrl).apply((u) => new URL(u).host),
                minioSsl: pulumi.output(target.providerUrl).apply((u) => new URL(u).protocol === "https:"),
                minioUser: target.accessKey,
                minioPassword: target.secretKey,
                minioRegion: target.region,
            },
            ready,
        );
        const users = new RustfsServiceUsers("objectstore-users", { services: plan.services, policyPrefix: target.policyPrefix, rotation }, { providers: [admin] });
        credentials = (s) => users.credentials[s]!;
    } else {
        // A backend without users and policies: every service shares the given credentials,
        // limited only by what the backend's operator granted them (documented).
        credentials = () => ({ accessKeyId: target.accessKey, secretAccessKey: target.secretKey });
    }
    return { services: storeConnections(plan, buckets, { endpoint: target.serviceUrl, region: target.region, forcePathStyle: true }, credentials, target.publishedUrl), s3, admin };
}

/** Per-service settings with the bucket resources' names (an Output carries the dependency: clients wait for the bucket). */
export function storeConnections(
    plan: ObjectStorePlan,
    buckets: Map<string, StorageBucket>,
    server: S3Server,
    credentials: (s: ServiceName) => ServiceCredentials,
    publishedEndpoint?: string,
): PerService<ObjectStoreConnection> {
    const names = new Map([...buckets].map(([name, b]) => [name, b.bucketName] as const));
    const settings = s3Settings(plan, server, credentials, names);
    return Object.fromEntries(Object.entries(settings).map(([svc, st]) => [svc, { ...st!, ...(publishedEndpoint && { publishedEndpoint }) }]));
}
