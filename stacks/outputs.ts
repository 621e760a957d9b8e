/**
 * Per-service connection settings, merged from what the platform deployed, as the stack's
 * outputs; and the environment keys a service's deployment mounts (Kubernetes Secrets).
 * Secret values remain secret Outputs throughout.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Catalog } from "../components/catalog";
import type { Deployed, ServiceConnection, ServiceConnections } from "./layers/types";

export type { ServiceConnection, ServiceConnections };

export interface StackOutputs {
    readonly profile: string;
    /** Per service: everything it needs to connect (secrets stay secret). */
    readonly services: ServiceConnections;
    /** Valkey operator login (ACL administration, monitoring); password secret. */
    readonly valkeyOperator?: { readonly user: string; readonly password: pulumi.Output<string> };
    /** Only when NATS is enabled: the operator's system-account login, and (external) the accounts to include. */
    readonly nats?: { readonly operator: { readonly user: string; readonly password: pulumi.Output<string> }; readonly accountsConf?: pulumi.Output<string> };
}

export function serviceConnections(catalog: Catalog, deployed: Deployed, transport: Readonly<Record<string, "valkey" | "nats">>): ServiceConnections {
    const out: ServiceConnections = {};
    for (const { name } of catalog.services) {
        out[name] = {
            ...(deployed.postgres[name] && { postgres: deployed.postgres[name] }),
            ...(deployed.valkey[name] && { valkey: deployed.valkey[name] }),
            ...(deployed.objectStore[name] && { objectStore: deployed.objectStore[name] }),
            ...(deployed.nats?.[name] && { nats: deployed.nats[name] }),
            queueTransport: transport[name] ?? "valkey",
        };
    }
    return out;
}

const envName = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

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
        for (const [name, ttl] of Object.entries(conn.valkey.ttls)) e[`VALKEY_TTL_${envName(name)}`] = String(ttl);
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
            e[`S3_BUCKET_${envName(purpose)}`] = b.bucket;
            e[`S3_PREFIX_${envName(purpose)}`] = b.prefix;
        }
    }
    if (conn.nats) {
        e.NATS_URL = conn.nats.url;
        e.NATS_USER = conn.nats.user;
        e.NATS_PASSWORD = conn.nats.password;
    }
    return e;
}
