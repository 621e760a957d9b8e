/**
 * Renderers of the ha topology: a data member's conf (the instance's conf plus replication), the
 * replication credentials it includes, and sentinel.conf. Pure, string out. Replication and
 * Sentinel must present plaintext passwords to their peers (`masterauth`, `sentinel auth-pass`),
 * so those two files are secrets; the aclfiles still hold only hashes.
 */
import type { HaSettings, ValkeyHaPlan } from "./ha-plan";
import type { InstancePlan } from "./plan";
import { ServerSettings, renderValkeyConf } from "./render";

/** Where a Sentinel listens. */
export const SENTINEL_PORT = 26379;

/** Where a data member's Secret files are mounted in Kubernetes: the aclfile and the replication credentials. */
export const HA_SECRETS_DIR = "/etc/valkey-secrets";

/** File of the included `masteruser` / `masterauth` lines. */
export const REPLICATION_AUTH_FILE = "replication.conf";

export interface MemberSettings extends ServerSettings {
    /** Path of the replication credentials file (`renderReplicationAuth`). */
    readonly replicationAuth: string;
    /** Start as a replica of this primary; Kubernetes passes `--replicaof` from its start script instead. */
    readonly replicaOf?: { readonly host: string; readonly port: number };
    /** Address the member announces to Sentinel and its primary (a stable DNS name on Kubernetes). */
    readonly announceHost?: string;
}

/** A data member: the instance's conf, then replication. Every member may become primary. */
export function renderHaMemberConf(plan: ValkeyHaPlan, instance: InstancePlan, settings: MemberSettings): string {
    const lines = [
        "",
        "# Replication (ha): a primary and replicas; Sentinel decides which member is primary.",
        `include ${settings.replicationAuth}`,
        "replica-read-only yes",
        "repl-diskless-sync yes",
        // A full sync streams to every replica at once; it starts as soon as all of them asked for one.
        `repl-diskless-sync-max-replicas ${plan.ha.replicas}`,
        // Writes acknowledged by a replica survive a failover; an isolated primary stops taking writes it would lose.
        `min-replicas-to-write ${plan.ha.minReplicasToWrite}`,
        "min-replicas-max-lag 10",
    ];
    if (settings.announceHost) lines.push(`replica-announce-ip ${settings.announceHost}`);
    if (settings.replicaOf) lines.push(`replicaof ${settings.replicaOf.host} ${settings.replicaOf.port}`);
    return `${renderValkeyConf(plan, instance, settings)}${lines.join("\n")}\n`;
}

/** The credentials a replica presents to its primary (secret: plaintext, Redis needs it to log in). */
export function renderReplicationAuth(plan: ValkeyHaPlan, password: string): string {
    if (!password || /\s/.test(password)) throw new Error("replication password: expected a non-empty value without spaces");
    return `masteruser ${plan.ha.replicationUser}\nmasterauth ${password}\n`;
}

export interface SentinelSettings {
    readonly port: number;
    readonly bind: string;
    /** Sentinel's working directory. */
    readonly dir: string;
    /** Path of the Sentinels' aclfile. */
    readonly aclfile: string;
    /** Address this Sentinel announces to its peers (a stable DNS name on Kubernetes). */
    readonly announceHost?: string;
}

/** Where a master is first looked for; Sentinel follows it across failovers from then on. */
export interface MonitoredMaster {
    readonly masterName: string;
    readonly host: string;
    readonly port: number;
}

/**
 * sentinel.conf. Sentinel rewrites this file with what it learns (replicas, peers, epochs), so
 * it must be writable: Kubernetes copies it out of its Secret at start. Without `password` the
 * auth lines are left out (a file for review: it cannot reach the members).
 */
export function renderSentinelConf(ha: HaSettings, masters: readonly MonitoredMaster[], settings: SentinelSettings, password?: string): string {
    const lines = [
        `# Sentinel for ${masters.map((m) => m.masterName).join(", ")}, rendered from the StellaOps catalog; Sentinel rewrites it.`,
        `port ${settings.port}`,
        `bind ${settings.bind}`,
        `dir ${settings.dir}`,
        "# Users come only from the aclfile: services may only discover the primary.",
        `aclfile ${settings.aclfile}`,
        "sentinel resolve-hostnames yes",
        "sentinel announce-hostnames yes",
    ];
    if (settings.announceHost) lines.push(`sentinel announce-ip ${settings.announceHost}`);
    if (password !== undefined) {
        if (!password || /\s/.test(password)) throw new Error("sentinel password: expected a non-empty value without spaces");
        lines.push("# Peers and members authenticate Sentinel as this user.", `sentinel sentinel-user ${ha.sentinelUser}`, `sentinel sentinel-pass ${password}`);
    }
    for (const m of masters) {
        lines.push(
            "",
            `sentinel monitor ${m.masterName} ${m.host} ${m.port} ${ha.quorum}`,
            `sentinel down-after-milliseconds ${m.masterName} ${ha.downAfterMs}`,
            `sentinel failover-timeout ${m.masterName} ${ha.failoverTimeoutMs}`,
            `sentinel parallel-syncs ${m.masterName} 1`,
        );
        if (password !== undefined) lines.push(`sentinel auth-user ${m.masterName} ${ha.sentinelUser}`, `sentinel auth-pass ${m.masterName} ${password}`);
    }
    return `${lines.join("\n")}\n`;
}
