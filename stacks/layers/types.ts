/**
 * What each layer hands to the composition: per-service connection settings. Secrets are
 * Outputs marked secret; everything else may be plain or an Output.
 */
import * as pulumi from "@pulumi/pulumi";
import type { NatsStreamSpec, ServiceName, ValkeyPattern } from "../../components/catalog";
import type { InstanceEndpoint } from "../../components/types";
import type { S3Settings, ServiceCredentials as S3Credentials } from "../../components/objectstore/settings";
import type { QueuePlan } from "../../components/valkey/plan";

export type PerService<T> = Partial<Record<ServiceName, T>>;

/** Where a process on the Docker host reaches a server (dev: the published port). */
export interface Published {
    readonly host: string;
    readonly port: number;
}

export interface PostgresConnection {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly database: string;
    readonly schema: string;
    readonly role: string;
    /** postgres://role:password@host:port/db?... (secret). */
    readonly dsn: pulumi.Output<string>;
    /** Npgsql keyword form with the search path and SSL mode, as the .NET services read it (secret). */
    readonly connectionString: pulumi.Output<string>;
    readonly password: pulumi.Output<string>;
    readonly published?: Published;
}

export interface ValkeyConnection {
    /** redis(s)://host:port without credentials; absent with Sentinel (no address stays the primary's). */
    readonly url?: pulumi.Input<string>;
    /** redis(s)://host:port of the cache instance (the same as url unless split). */
    readonly cacheUrl?: pulumi.Input<string>;
    /** With Sentinel: every Sentinel's host:port, and the master names to ask them for. */
    readonly sentinels?: pulumi.Input<string>[];
    readonly masterName?: string;
    readonly cacheMasterName?: string;
    readonly user: string;
    readonly password: pulumi.Output<string>;
    /** StackExchange.Redis configuration strings of the coordination and cache instances (secret). */
    readonly configuration: pulumi.Output<string>;
    readonly cacheConfiguration: pulumi.Output<string>;
    /** The service's key namespace (`scanner:`): its ACL user may touch every key under it. */
    readonly namespace: string;
    /** Key prefix per pattern the service uses. */
    readonly prefixes: Partial<Record<ValkeyPattern, string>>;
    /** TTLs in seconds the service should apply (nonce, cache default). */
    readonly ttls: Record<string, number>;
    /** Work queues: stream, consumer group, idempotency prefix, dead-letter stream. */
    readonly queues: readonly QueuePlan[];
    /** Keys the platform shares on purpose (the Router's), by id, that this service may use. */
    readonly sharedKeys: Readonly<Record<string, string>>;
    /** dev: where the Docker host reaches it, and its configuration string there (secret). */
    readonly published?: Published;
    readonly publishedConfiguration?: pulumi.Output<string>;
}

export type ObjectStoreConnection = S3Settings & {
    /** dev: the endpoint as the Docker host reaches it. */
    readonly publishedEndpoint?: string;
};

export interface NatsConnection {
    readonly url: pulumi.Input<string>;
    readonly user: string;
    readonly password: pulumi.Output<string>;
    readonly subjects: string;
    /** Streams (and durable consumers) the service creates itself. */
    readonly streams: readonly NatsStreamSpec[];
    /** Replicas the service gives its streams (the cluster size with `ha`, else 1). */
    readonly replicas: number;
    readonly published?: Published;
}

/** A server endpoint a layer stood up (or was pointed at), and what to wait on before using it. */
export interface Endpoint extends InstanceEndpoint {
    /** Resources that must exist before clients connect (container, StatefulSet, RDS instance). */
    readonly ready: pulumi.Resource[];
}

/** What one platform module deployed, per dependency. */
export interface Deployed {
    readonly postgres: PerService<PostgresConnection>;
    readonly valkey: PerService<ValkeyConnection>;
    readonly objectStore: PerService<ObjectStoreConnection>;
    /** Only when NATS is enabled. */
    readonly nats?: PerService<NatsConnection>;
    /** Valkey operator login (absent on external: the server's owners have theirs). */
    readonly valkeyOperator?: { readonly user: string; readonly password: pulumi.Output<string> };
    /** Only when NATS is enabled: the system account's operator, and (external) the accounts block to include. */
    /** The migration role for operators' release migrations (`stella system migrations-run`). */
    readonly postgresMigrator?: { readonly role: string; readonly password: pulumi.Output<string>; readonly dsn: pulumi.Output<string> };
    readonly natsOperator?: { readonly user: string; readonly password: pulumi.Output<string>; readonly accountsConf?: pulumi.Output<string> };
    /** PostgreSQL backups: bucket, prefix, schedule, the backup role and the bucket's writer and reader keys (secrets secret). */
    readonly backup?: {
        readonly bucket: pulumi.Output<string>;
        readonly prefix: string;
        readonly schedule: string;
        /** The pg_dump login (absent with CloudNativePG, whose Barman Cloud archiving backs up instead). */
        readonly role?: pulumi.Output<string>;
        readonly password?: pulumi.Output<string>;
        readonly writer?: S3Credentials;
        readonly reader?: S3Credentials;
        readonly archiver?: S3Credentials;
    };
    /** Hands the assembled connections to the platform (Kubernetes: one Secret per service). */
    readonly publish?: (services: ServiceConnections) => void;
}

/** Everything one service needs to connect; NATS only when enabled and the service has streams. */
export interface ServiceConnection {
    readonly postgres?: PostgresConnection;
    readonly valkey?: ValkeyConnection;
    readonly objectStore?: ObjectStoreConnection;
    readonly nats?: NatsConnection;
    /** Where the service's queues live: nats only for services with NATS streams, when chosen. */
    readonly queueTransport: "valkey" | "nats";
}

export type ServiceConnections = PerService<ServiceConnection>;
