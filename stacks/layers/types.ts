/**
 * What each layer hands back to the composition: per-service connection settings. Secrets are
 * Outputs marked secret; everything else may be plain or an Output.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BucketPurpose, ServiceName, ValkeyPattern } from "../../components/catalog";

export type PerService<T> = Partial<Record<ServiceName, T>>;

export interface PostgresConnection {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly database: string;
    readonly schema: string;
    readonly role: string;
    /** postgres://role:password@host:port/db?... (secret). */
    readonly dsn: pulumi.Output<string>;
    readonly password: pulumi.Output<string>;
}

export interface ValkeyConnection {
    /** redis(s)://host:port without credentials (streams, queues, nonces, rate limits). */
    readonly url: pulumi.Input<string>;
    /** redis(s)://host:port of the cache instance (the same as url unless split). */
    readonly cacheUrl: pulumi.Input<string>;
    readonly user: string;
    readonly password: pulumi.Output<string>;
    /** Key prefix per pattern the service uses. */
    readonly prefixes: Partial<Record<ValkeyPattern, string>>;
    /** TTLs in seconds the service should apply (nonce, cache default). */
    readonly ttls: Record<string, number>;
}

export interface ObjectStoreConnection {
    readonly endpoint: pulumi.Input<string>;
    readonly region: string;
    readonly forcePathStyle: boolean;
    /** Bucket and key prefix per purpose the service uses. */
    readonly buckets: Partial<Record<BucketPurpose, { readonly bucket: pulumi.Input<string>; readonly prefix: string; readonly access: "readwrite" | "readonly" }>>;
    readonly accessKeyId: pulumi.Output<string>;
    readonly secretAccessKey: pulumi.Output<string>;
}

export interface NatsConnection {
    readonly url: pulumi.Input<string>;
    readonly user: string;
    readonly password: pulumi.Output<string>;
    readonly subjects: string;
    readonly streams: readonly string[];
}

/** A server endpoint a layer stood up (or was pointed at), and what to wait on before using it. */
export interface Endpoint {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    /** Resources that must exist before clients connect (container, StatefulSet, RDS instance). */
    readonly ready: pulumi.Resource[];
}
