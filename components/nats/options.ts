/**
 * The options of the NATS plan: the `stellaops:nats` section as the plan reads it (problems name
 * these fields) plus the topology the stack derives from `kubernetes.topology`.
 */

export type QueueTransport = "valkey" | "nats";

/** JetStream limits of one service account, in MiB of stream data. */
export interface NatsAccountLimits {
    /** Memory-store limit. @default an even share of what the server has left */
    readonly maxMemoryMb?: number;
    /** File-store limit. @default an even share of what the server has left */
    readonly maxFileMb?: number;
    /** Consumers across the account's streams. @default unlimited */
    readonly maxConsumers?: number;
}

/** The `stellaops:nats` section as the plan reads it; problems name these fields. */
export interface NatsOptions {
    /** Server-wide JetStream memory-store limit in MiB (per server). Required. */
    readonly maxMemoryStoreMb?: number;
    /** Server-wide JetStream file-store limit in MiB (per server). Required. */
    readonly maxFileStoreMb?: number;
    /** Size of the volume the store lives on, in MiB (`nats.storageSize`); the file store must fit. @default not checked */
    readonly volumeMb?: number;
    /** Services that get an account, with optional limits. @default every service with NATS streams */
    readonly accounts?: Readonly<Record<string, NatsAccountLimits>>;
    /** Queue transport; `nats` needs an account for every service with streams. @default "valkey" */
    readonly queueTransport?: QueueTransport;
    /** TLS on the client port. @default false */
    readonly tls?: boolean;
    /** A JetStream cluster of NATS_CLUSTER_SIZE servers instead of one server. @default false */
    readonly cluster?: boolean;
}
