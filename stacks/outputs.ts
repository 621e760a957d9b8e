/**
 * Per-service connection settings, merged from what the platform deployed, as the stack's
 * outputs; and the environment keys a service's deployment mounts (Kubernetes Secrets).
 * Secret values remain secret Outputs throughout.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Catalog, ServiceSpec, Setting } from "../components/catalog";
import { s3Environment } from "../components/objectstore/settings";
import type { Deployed, ServiceConnection, ServiceConnections } from "./layers/types";

export type { ServiceConnection, ServiceConnections };

export interface StackOutputs {
    readonly profile: string;
    /** Per service: everything it needs to connect (secrets stay secret). */
    readonly services: ServiceConnections;
    /** The release-migration role (`stella system migrations-run`); password and DSN secret. */
    readonly postgresMigrator?: Deployed["postgresMigrator"];
    /** PostgreSQL backups (where the stack runs them): bucket, prefix, role and keys; secrets secret. */
    readonly backup?: Deployed["backup"];
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

const envName = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/**
 * Environment-style keys a service's deployment mounts with envFrom: this project's keys, the
 * standard AWS SDK variables, and the .NET configuration keys the catalog names for the service
 * (`ScannerStorage__Postgres`, `notifier__queue__Redis__ConnectionString`, ...).
 */
export function secretEntries(conn: ServiceConnection, spec?: ServiceSpec): Record<string, pulumi.Input<string>> {
    const e: Record<string, pulumi.Input<string>> = { QUEUE_TRANSPORT: conn.queueTransport };
    const alias = (setting: Setting, value: pulumi.Input<string>) => {
        for (const key of spec?.env?.[setting] ?? []) e[key] = value;
    };
    if (conn.postgres) {
        e.POSTGRES_DSN = conn.postgres.dsn;
        e.POSTGRES_CONNECTION_STRING = conn.postgres.connectionString;
        e.POSTGRES_SCHEMA = conn.postgres.schema;
        alias("postgresConnectionString", conn.postgres.connectionString);
    }
    if (conn.valkey) {
        const v = conn.valkey;
        if (v.url) e.VALKEY_URL = v.url;
        if (v.cacheUrl) e.VALKEY_CACHE_URL = v.cacheUrl;
        if (v.masterName) e.VALKEY_SENTINEL_MASTER = v.masterName;
        e.VALKEY_CONFIGURATION = v.configuration;
        e.VALKEY_CACHE_CONFIGURATION = v.cacheConfiguration;
        e.VALKEY_USER = v.user;
        e.VALKEY_PASSWORD = v.password;
        e.VALKEY_NAMESPACE = v.namespace;
        for (const [name, ttl] of Object.entries(v.ttls)) e[`VALKEY_TTL_${envName(name)}`] = String(ttl);
        for (const [pattern, prefix] of Object.entries(v.prefixes)) e[`VALKEY_PREFIX_${pattern.toUpperCase()}`] = prefix!;
        alias("valkeyConfiguration", v.configuration);
    }
    if (conn.objectStore) Object.assign(e, s3Environment(conn.objectStore, spec?.env?.s3Endpoint ?? []));
    if (conn.nats) {
        e.NATS_URL = conn.nats.url;
        e.NATS_USER = conn.nats.user;
        e.NATS_PASSWORD = conn.nats.password;
        e.NATS_STREAM_REPLICAS = String(conn.nats.replicas);
    }
    return e;
}
