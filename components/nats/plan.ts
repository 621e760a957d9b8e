/**
 * Pure NATS JetStream plan: the (config-extended) catalog and the `nats` options in; accounts,
 * users, permissions, JetStream limits and the cluster shape out. No Pulumi import and nothing
 * platform-specific (ports and directories are the layout's, ./layout.ts): the stack plans once
 * and hands this value to the component, the renderer and the outputs.
 */
import { Catalog, NatsStreamSpec, ServiceName, natsCapable } from "../catalog";
import { PlanError } from "../problems";
import { natsProblems } from "./check";
import type { NatsOptions } from "./options";
import { natsPermissions } from "./permissions";

export type { NatsAccountLimits, NatsOptions, QueueTransport } from "./options";

const MIB = 1024 * 1024;

/** The number of servers of a JetStream cluster (airgap `kubernetes.topology: ha`): quorum survives one loss. */
export const NATS_CLUSTER_SIZE = 3;

/** Monitoring path that answers 200 once JetStream is enabled. */
export const NATS_HEALTH_PATH = "/healthz?js-enabled-only=true";

export interface JetStreamAccountLimits {
    /** What the config says: in a cluster every replica counts, so it is the data limit times the replicas. */
    readonly maxMemoryBytes: number;
    readonly maxFileBytes: number;
    readonly maxStreams: number;
    readonly maxConsumers?: number;
}

export interface NatsUserPlan {
    /** Account name in nats-server.conf. */
    readonly account: string;
    readonly user: string;
    /** Environment variable the offline render references for this user's bcrypt hash. */
    readonly passwordVar: string;
}

export interface NatsAccountPlan extends NatsUserPlan {
    readonly service: ServiceName;
    /** Subject root the service owns: it may use `<subjects>.>`. */
    readonly subjects: string;
    /** The streams (and durable consumers) the service creates itself. */
    readonly streams: readonly NatsStreamSpec[];
    readonly publish: readonly string[];
    readonly subscribe: readonly string[];
    readonly jetstream: JetStreamAccountLimits;
}

export interface NatsClusterPlan {
    /** cluster.name, the same on every server. */
    readonly name: string;
    readonly size: number;
    /** The user servers authenticate routes with (cluster authorization, not an account user). */
    readonly routeUser: string;
    /** Environment variable holding the route password, quoted (never written to a file). */
    readonly passwordVar: string;
    /** Environment variables holding each route URL with its credentials, quoted. */
    readonly routeVars: readonly string[];
}

export interface NatsPlan {
    /** Server-wide limits, per server. */
    readonly jetstream: { readonly maxMemoryBytes: number; readonly maxFileBytes: number };
    /** The system account and its operator user. */
    readonly system: NatsUserPlan;
    readonly accounts: readonly NatsAccountPlan[];
    readonly tls: boolean;
    readonly cluster?: NatsClusterPlan;
    /** Replicas services give their streams: the cluster size (the most the servers accept), else 1. */
    readonly streamReplicas: number;
    readonly healthPath: string;
}

/** Services the catalog gives NATS streams to (the only ones that can have an account), in catalog order. */
export function natsServices(catalog: Catalog): ServiceName[] {
    return catalog.services.filter(natsCapable).map((s) => s.name);
}

/** Services with an account: those listed in `accounts`, else every service with streams. */
export function accountServices(opts: NatsOptions, catalog: Catalog): ServiceName[] {
    const all = natsServices(catalog);
    return opts.accounts ? all.filter((s) => s in opts.accounts!) : all;
}

/** Builds the plan; throws PlanError("nats", problems) naming every bad field. */
export function planNats(opts: NatsOptions, catalog: Catalog): NatsPlan {
    const problems = natsProblems(opts, catalog);
    if (problems.length > 0) throw new PlanError("nats", problems);
    const limits = opts.accounts ?? {};
    const services = accountServices(opts, catalog);
    const size = opts.cluster ? NATS_CLUSTER_SIZE : 1;
    const share = (field: "maxMemoryMb" | "maxFileMb", server: number): number => {
        const explicit = services.filter((s) => limits[s]?.[field] !== undefined);
        const used = explicit.reduce((n, s) => n + limits[s]![field]!, 0);
        return Math.floor((server - used) / Math.max(1, services.length - explicit.length));
    };
    const memShare = share("maxMemoryMb", opts.maxMemoryStoreMb!);
    const fileShare = share("maxFileMb", opts.maxFileStoreMb!);
    const accounts = services.map((service): NatsAccountPlan => {
        const spec = catalog.services.find((s) => s.name === service)!.nats!;
        const l = limits[service] ?? {};
        const upper = service.toUpperCase();
        return {
            service,
            account: upper,
            user: service,
            passwordVar: `${upper}_PASSWORD_BCRYPT`,
            subjects: spec.subjects,
            streams: spec.streams,
            ...natsPermissions(spec.subjects, spec.streams),
            jetstream: {
                // A clustered server counts each replica against the account (flat limits).
                maxMemoryBytes: (l.maxMemoryMb ?? memShare) * MIB * size,
                maxFileBytes: (l.maxFileMb ?? fileShare) * MIB * size,
                maxStreams: spec.streams.length,
                maxConsumers: l.maxConsumers,
            },
        };
    });
    return {
        jetstream: { maxMemoryBytes: opts.maxMemoryStoreMb! * MIB, maxFileBytes: opts.maxFileStoreMb! * MIB },
        system: { account: "SYS", user: "operator", passwordVar: "SYS_PASSWORD_BCRYPT" },
        accounts,
        tls: opts.tls ?? false,
        cluster: opts.cluster
            ? {
                  name: "stellaops",
                  size,
                  routeUser: "route",
                  passwordVar: "NATS_ROUTE_PASSWORD",
                  routeVars: Array.from({ length: size }, (_, i) => `NATS_ROUTE_${i}`),
              }
            : undefined,
        streamReplicas: size,
        healthPath: NATS_HEALTH_PATH,
    };
}

/** Every user the server knows: the operator first, then one per service account. */
export function natsUsers(plan: NatsPlan): NatsUserPlan[] {
    return [plan.system, ...plan.accounts];
}

/** Container memory limit in MiB: the memory store plus headroom for the Go runtime and connections. */
export function serverMemoryMb(plan: NatsPlan): number {
    return Math.ceil(plan.jetstream.maxMemoryBytes / MIB) + 256;
}
