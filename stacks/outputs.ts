/**
 * Per-service connection settings, merged from the layers, as stack outputs and (Kubernetes)
 * one Secret per service. Secret values remain secret Outputs throughout.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_NAMES, ServiceName } from "../components/catalog";
import type { Platform } from "./platform";
import type { NatsConnection, ObjectStoreConnection, PerService, PostgresConnection, ValkeyConnection } from "./layers/types";

export interface LayerConnections {
    readonly postgres: PerService<PostgresConnection>;
    readonly valkey?: PerService<ValkeyConnection>;
    readonly objectStore?: PerService<ObjectStoreConnection>;
    /** Present only when NATS is enabled. */
    readonly nats?: PerService<NatsConnection>;
    readonly queueTransport?: "valkey" | "nats";
}

export interface ServiceConnection {
    readonly postgres?: PostgresConnection;
    readonly valkey?: ValkeyConnection;
    readonly objectStore?: ObjectStoreConnection;
    readonly nats?: NatsConnection;
    readonly queueTransport: "valkey" | "nats";
}

export type ServiceConnections = Partial<Record<ServiceName, ServiceConnection>>;

export function serviceConnections(platform: Platform, layers: LayerConnections): ServiceConnections {
    const out: ServiceConnections = {};
    for (const name of SERVICE_NAMES) {
        const conn: ServiceConnection = {
            ...(layers.postgres[name] && { postgres: layers.postgres[name] }),
            ...(layers.valkey?.[name] && { valkey: layers.valkey[name] }),
            ...(layers.objectStore?.[name] && { objectStore: layers.objectStore[name] }),
            ...(layers.nats?.[name] && { nats: layers.nats[name] }),
            queueTransport: layers.queueTransport ?? "valkey",
        };
        out[name] = conn;
        if (platform.kind === "airgap") serviceSecret(platform, name, conn);
    }
    return out;
}

/** Environment-style keys a service's deployment can mount with envFrom. */
export function secretEntries(conn: ServiceConnection): Record<string, pulumi.Input<string>> {
    const e: Record<string, pulumi.Input<string>> = { QUEUE_TRANSPORT: conn.queueTransport };
    if (conn.postgres) {
        e.POSTGRES_DSN = conn.postgres.dsn;
        e.POSTGRES_SCHEMA = conn.postgres.schema;
    }
    if (conn.valkey) {
        e.VALKEY_URL = conn.valkey.url;
        e.VALKEY_CACHE_URL = conn.valkey.cacheUrl;
        for (const [name, ttl] of Object.entries(conn.valkey.ttls)) e[`VALKEY_TTL_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] = String(ttl);
        e.VALKEY_USER = conn.valkey.user;
        e.VALKEY_PASSWORD = conn.valkey.password;
        for (const [pattern, prefix] of Object.entries(conn.valkey.prefixes)) e[`VALKEY_PREFIX_${pattern.toUpperCase()}`] = prefix!;
    }
    if (conn.objectStore) {
        e.S3_ENDPOINT = conn.objectStore.endpoint;
        e.S3_REGION = conn.objectStore.region;
        e.S3_FORCE_PATH_STYLE = String(conn.objectStore.forcePathStyle);
        e.S3_ACCESS_KEY_ID = conn.objectStore.accessKeyId;
        e.S3_SECRET_ACCESS_KEY = conn.objectStore.secretAccessKey;
        for (const [purpose, b] of Object.entries(conn.objectStore.buckets)) {
            e[`S3_BUCKET_${purpose.toUpperCase()}`] = b!.bucket;
            e[`S3_PREFIX_${purpose.toUpperCase()}`] = b!.prefix;
        }
    }
    if (conn.nats) {
        e.NATS_URL = conn.nats.url;
        e.NATS_USER = conn.nats.user;
        e.NATS_PASSWORD = conn.nats.password;
    }
    return e;
}

function serviceSecret(platform: Extract<Platform, { kind: "airgap" }>, name: ServiceName, conn: ServiceConnection): void {
    new k8s.core.v1.Secret(
        `k8s-secret-${name}`,
        {
            metadata: { name: `stellaops-${name}-deps`, namespace: platform.servicesNamespace, labels: { "app.kubernetes.io/part-of": "stellaops", "stellaops.io/service": name } },
            type: "Opaque",
            stringData: secretEntries(conn),
        },
        { provider: platform.provider },
    );
}
