/**
 * Where one nats-server runs: its name, addresses, ports and directories. The plan is the same
 * everywhere; the layout is the platform's (a container, a pod, a local run), so the file a test
 * starts on loopback differs from the deployed one only in these values.
 */
import * as path from "path";
import type { NatsPlan } from "./plan";

/** A config value: literal, or an environment variable nats-server reads at start-up. */
export type ConfValue = string | { readonly env: string };

export interface NatsServerLayout {
    /** server_name; unique per server in a cluster, stable so the JetStream store keeps its identity. */
    readonly serverName: ConfValue;
    /** Address the client, monitoring and route ports listen on. */
    readonly listenHost: string;
    readonly clientPort: number;
    readonly monitorPort: number;
    /** JetStream store_dir; unset: no store_dir line, start the server with `-sd <dir>`. */
    readonly storeDir?: string;
    /** Directory holding tls.crt and tls.key, when the plan has TLS. */
    readonly tlsDir?: string;
    /** Route port, when the plan is a cluster. */
    readonly clusterPort?: number;
}

/** The ports nats-server uses by default, and the ones every platform uses inside the network. */
export const NATS_PORTS = { client: 4222, monitor: 8222, cluster: 6222 } as const;

/** Inside a container or pod: the volume at /data, TLS files at /etc/nats/tls. */
export const NATS_STORE_DIR = "/data";
export const NATS_TLS_DIR = "/etc/nats/tls";

/** The layout of a container (dev) or a pod (airgap); a cluster pod takes its name from POD_NAME. */
export function containerLayout(plan: NatsPlan, serverName: string): NatsServerLayout {
    return {
        serverName: plan.cluster ? { env: "POD_NAME" } : serverName,
        listenHost: "0.0.0.0",
        clientPort: NATS_PORTS.client,
        monitorPort: NATS_PORTS.monitor,
        storeDir: NATS_STORE_DIR,
        tlsDir: NATS_TLS_DIR,
        clusterPort: plan.cluster ? NATS_PORTS.cluster : undefined,
    };
}

export interface LocalLayoutOptions {
    /** Data directory: the store goes to `<dataDir>/nats`. @default none: no store_dir, start with `-sd <dir>` */
    readonly dataDir?: string;
    /** @default "127.0.0.1" */
    readonly listenHost?: string;
    /** @default 4222 */
    readonly clientPort?: number;
    /** @default 8222 */
    readonly monitorPort?: number;
    /** @default 6222 (cluster plans only) */
    readonly clusterPort?: number;
    /** @default "stellaops-nats" */
    readonly serverName?: string;
    /** Directory holding tls.crt and tls.key. @default `<dataDir>/nats-tls`, else "/etc/nats/tls" */
    readonly tlsDir?: string;
}

/** A server run by hand from `npm run render` output (`nats-server -c nats/nats-server.conf`). */
export function localLayout(plan: NatsPlan, opts: LocalLayoutOptions = {}): NatsServerLayout {
    const data = opts.dataDir === undefined ? undefined : path.resolve(opts.dataDir);
    return {
        serverName: opts.serverName ?? "stellaops-nats",
        listenHost: opts.listenHost ?? "127.0.0.1",
        clientPort: opts.clientPort ?? NATS_PORTS.client,
        monitorPort: opts.monitorPort ?? NATS_PORTS.monitor,
        storeDir: data && path.join(data, "nats"),
        tlsDir: opts.tlsDir ?? (data ? path.join(data, "nats-tls") : NATS_TLS_DIR),
        clusterPort: plan.cluster ? (opts.clusterPort ?? NATS_PORTS.cluster) : undefined,
    };
}

/**
 * The environment a cluster member needs (values quoted, as nats-server parses them): the route
 * password and one route URL per member, credentials included. `hosts` are `host:port` of the
 * members' route listeners, in order. Kubernetes builds the same from a Secret (./cluster.ts).
 */
export function routeEnvironment(plan: NatsPlan, hosts: readonly string[], password: string): Record<string, string> {
    const c = plan.cluster;
    if (!c) throw new Error("routeEnvironment: the plan is not a cluster");
    if (hosts.length !== c.routeVars.length) throw new Error(`routeEnvironment: expected ${c.routeVars.length} route hosts, got ${hosts.length}`);
    const env: Record<string, string> = { [c.passwordVar]: JSON.stringify(password) };
    c.routeVars.forEach((v, i) => (env[v] = JSON.stringify(`nats-route://${c.routeUser}:${encodeURIComponent(password)}@${hosts[i]}`)));
    return env;
}
