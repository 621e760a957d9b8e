/**
 * Object storage layer: plans the buckets from the catalog, stands up RustFS where the profile
 * runs its own server (dev: container, airgap: StatefulSet), creates the buckets with the
 * @pulumi/aws S3 resources (AWS directly, RustFS and external endpoints through a provider with
 * a custom endpoint) and gives each service its endpoint, buckets, prefixes and credentials.
 */
import * as aws from "@pulumi/aws";
import * as minio from "@pulumi/minio";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CATALOG, ServiceName } from "../../components/catalog";
import { AwsServiceIdentities, ServiceCredentials } from "../../components/objectstore/aws-identities";
import { StorageBucket } from "../../components/objectstore/bucket";
import { layoutFor, ObjectStorePlan, planObjectStore } from "../../components/objectstore/plan";
import { RustfsContainer } from "../../components/objectstore/rustfs-docker";
import { RustfsStatefulSet } from "../../components/objectstore/rustfs-kubernetes";
import { RustfsServiceUsers } from "../../components/objectstore/rustfs-users";
import type { StackConfig, StackSecrets } from "../config";
import type { Platform } from "../platform";
import type { Endpoint, ObjectStoreConnection, PerService } from "./types";

export interface ObjectStoreLayer {
    /** The S3 server this stack runs or points at; undefined for aws (S3 is regional). */
    readonly endpoint: Endpoint | undefined;
    readonly services: PerService<ObjectStoreConnection>;
}

/** Where services and where Pulumi reach the S3 API, and the root credentials Pulumi uses. */
interface S3Target {
    /** URL services use. */
    readonly serviceUrl: pulumi.Input<string>;
    /** URL the S3 and admin providers use (differs for airgap behind a port-forward). */
    readonly providerUrl: pulumi.Input<string>;
    readonly accessKey: pulumi.Output<string>;
    readonly secretKey: pulumi.Output<string>;
    readonly endpoint: Endpoint;
}

/** The plan from config; throws (naming the key) before anything is registered. */
export function objectStorePlan(cfg: StackConfig): ObjectStorePlan {
    const os = cfg.objectStore;
    return planObjectStore(
        {
            layout: layoutFor(cfg.profile),
            bucketPrefix: os.bucketPrefix,
            objectLock: os.objectLock,
            backendSupportsLock: os.backendSupportsLock,
            retention: os.evidenceRetention,
            replayExpirationDays: os.replayExpirationDays,
        },
        CATALOG,
    );
}

export function deployObjectStore(cfg: StackConfig, secrets: StackSecrets, platform: Platform): ObjectStoreLayer {
    const plan = objectStorePlan(cfg);
    switch (platform.kind) {
        case "aws":
            return deployAws(plan, platform);
        case "external":
            return deployS3Compatible(plan, cfg, externalTarget(cfg, secrets), cfg.objectStore.supportsUsers);
        case "dev":
        case "airgap":
            return deployS3Compatible(plan, cfg, rustfsTarget(cfg, platform), true);
    }
}

function deployAws(plan: ObjectStorePlan, platform: Extract<Platform, { kind: "aws" }>): ObjectStoreLayer {
    const opts = { provider: platform.provider };
    const buckets = createBuckets(plan, "aws", platform.kmsKeyArn, opts);
    const ids = new AwsServiceIdentities("objectstore-iam", { services: plan.services, namePrefix: platform.namePrefix }, { providers: [platform.provider] });
    const url = `https://s3.${platform.region}.amazonaws.com`;
    return { endpoint: undefined, services: connections(plan, buckets, url, platform.region, false, (s) => ids.credentials[s]!) };
}

function deployS3Compatible(plan: ObjectStorePlan, cfg: StackConfig, target: S3Target, perServiceUsers: boolean): ObjectStoreLayer {
    const region = cfg.objectStore.region;
    const ready = { dependsOn: target.endpoint.ready };
    const s3 = new aws.Provider(
        "objectstore-s3",
        {
            region,
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
    const buckets = createBuckets(plan, "s3compatible", undefined, { provider: s3 });
    let credentials: (s: ServiceName) => ServiceCredentials;
    if (perServiceUsers) {
        const admin = new minio.Provider(
            "objectstore-admin",
            {
                minioServer: pulumi.output(target.providerUrl).apply((u) => new URL(u).host),
                minioSsl: pulumi.output(target.providerUrl).apply((u) => new URL(u).protocol === "https:"),
                minioUser: target.accessKey,
                minioPassword: target.secretKey,
                minioRegion: region,
            },
            ready,
        );
        const users = new RustfsServiceUsers("objectstore-users", { services: plan.services, policyPrefix: cfg.objectStore.bucketPrefix }, { providers: [admin] });
        credentials = (s) => users.credentials[s]!;
    } else {
        // Tracked gap: a backend without users and policies; every service shares the given
        // credentials, limited only by what the backend's operator granted them.
        credentials = () => ({ accessKeyId: target.accessKey, secretAccessKey: target.secretKey });
    }
    return { endpoint: target.endpoint, services: connections(plan, buckets, target.serviceUrl, region, true, credentials) };
}

function rustfsTarget(cfg: StackConfig, platform: Extract<Platform, { kind: "dev" | "airgap" }>): S3Target {
    const accessKey = new random.RandomPassword("objectstore-root-access-key", { length: 20, special: false });
    const secretKey = new random.RandomPassword("objectstore-root-secret-key", { length: 40, special: false });
    const root = { rootAccessKey: accessKey.result, rootSecretKey: secretKey.result };
    const creds = { accessKey: pulumi.secret(accessKey.result), secretKey: pulumi.secret(secretKey.result) };
    if (platform.kind === "dev") {
        const containerName = `${platform.namePrefix}-rustfs`;
        const server = new RustfsContainer(
            "objectstore-rustfs",
            {
                containerName,
                volumeName: `${platform.namePrefix}-rustfs-data`,
                image: cfg.images.rustfs,
                networkName: platform.network.name,
                bindAddress: platform.bindAddress,
                hostPort: platform.ports.rustfs,
                ...root,
            },
            { providers: [platform.provider] },
        );
        // Pulumi runs on the Docker host: it reaches the published port; a wildcard bind is reachable on loopback.
        const hostAddress = platform.bindAddress === "0.0.0.0" ? "127.0.0.1" : platform.bindAddress;
        return {
            serviceUrl: pulumi.interpolate`http://${server.host}:${server.port}`,
            providerUrl: cfg.objectStore.providerEndpoint ?? `http://${hostAddress}:${platform.ports.rustfs}`,
            ...creds,
            endpoint: { host: server.host, port: server.port, ready: [server.server.container] },
        };
    }
    const server = new RustfsStatefulSet(
        "objectstore-rustfs",
        {
            namespace: platform.namespace,
            appName: "rustfs",
            image: cfg.images.rustfs,
            storageSize: cfg.objectStore.storageSize,
            storageClass: platform.storageClass,
            clients: platform.clients,
            ...root,
        },
        { providers: [platform.provider] },
    );
    const serviceUrl = pulumi.interpolate`http://${server.host}:${server.port}`;
    return {
        serviceUrl,
        // In-cluster DNS works only when Pulumi runs in the cluster; otherwise a port-forward.
        providerUrl: cfg.objectStore.providerEndpoint ?? serviceUrl,
        ...creds,
        endpoint: { host: server.host, port: server.port, ready: [server.server.statefulSet] },
    };
}

function externalTarget(cfg: StackConfig, secrets: StackSecrets): S3Target {
    const url = cfg.objectStore.endpoint;
    const missing = [
        ...(url ? [] : ["stellaops:objectStore.endpoint: expected the URL of the existing S3 endpoint (profile external), got nothing"]),
        ...(["objectStoreAccessKey", "objectStoreSecretKey"] as const)
            .filter((k) => !secrets[k])
            .map((k) => `stellaops:${k}: expected a secret (pulumi config set --secret stellaops:${k} ...) for the external S3 endpoint, got nothing`),
    ];
    if (missing.length > 0) throw new Error(`invalid object storage configuration:\n  ${missing.join("\n  ")}`);
    const parsed = new URL(url!);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
    return {
        serviceUrl: url!,
        providerUrl: cfg.objectStore.providerEndpoint ?? url!,
        accessKey: pulumi.secret(secrets.objectStoreAccessKey!),
        secretKey: pulumi.secret(secrets.objectStoreSecretKey!),
        endpoint: { host: parsed.hostname, port, ready: [] },
    };
}

function createBuckets(plan: ObjectStorePlan, backend: "aws" | "s3compatible", kmsKeyArn: string | undefined, opts: { provider: pulumi.ProviderResource }): Map<string, StorageBucket> {
    const out = new Map<string, StorageBucket>();
    for (const spec of plan.buckets) {
        out.set(spec.name, new StorageBucket(`objectstore-${spec.key}`, { spec, backend, kmsKeyArn }, { providers: [opts.provider] }));
    }
    return out;
}

function connections(
    plan: ObjectStorePlan,
    buckets: Map<string, StorageBucket>,
    endpoint: pulumi.Input<string>,
    region: string,
    forcePathStyle: boolean,
    credentials: (s: ServiceName) => ServiceCredentials,
): PerService<ObjectStoreConnection> {
    const out: PerService<ObjectStoreConnection> = {};
    for (const access of plan.services) {
        const c = credentials(access.service);
        const perPurpose: ObjectStoreConnection["buckets"] = Object.fromEntries(
            // The bucket name as an Output carries the dependency: clients wait for the bucket.
            access.grants.map((g) => [g.purpose, { bucket: buckets.get(g.bucket)!.bucketName, prefix: g.prefix, access: g.access }]),
        );
        out[access.service] = { endpoint, region, forcePathStyle, buckets: perPurpose, accessKeyId: c.accessKeyId, secretAccessKey: pulumi.secret(c.secretAccessKey) };
    }
    return out;
}
