/**
 * High availability on Kubernetes (`kubernetes.topology: ha`): each planned instance becomes a
 * primary with replicas, and one quorum of Sentinels watches every instance under its master name.
 * Pure: extends a ValkeyPlan with the users replication and Sentinel need (only what the Redis and
 * Valkey ACL docs list for them), the Sentinels' own ACL, and the failover settings.
 */
import { PlanError, Problems } from "../problems";
import type { AclUser, InstanceKey, PasswordUser, ValkeyPlan } from "./plan";

/** A replica authenticates to its primary (`masteruser`) and runs the replication handshake: nothing else. */
export const REPLICATION_RULES: readonly string[] = ["resetkeys", "resetchannels", "-@all", "+psync", "+replconf", "+ping"];

/**
 * What a Sentinel runs on the data members (`sentinel auth-user`): the Redis ACL docs' list for
 * Sentinel, with REPLICAOF beside SLAVEOF (Valkey) and only the hello channel instead of allchannels.
 */
export const SENTINEL_ON_DATA_RULES: readonly string[] = [
    "resetkeys",
    "resetchannels",
    "&__sentinel__:hello",
    "-@all",
    "+multi",
    "+exec",
    "+slaveof",
    "+replicaof",
    "+ping",
    "+subscribe",
    "+publish",
    "+config|rewrite",
    "+role",
    "+info",
    "+client|setname",
    "+client|kill",
    "+script|kill",
];

/**
 * Sentinel clients must confirm the primary with ROLE (Redis' Sentinel client guidelines);
 * StackExchange.Redis before 2.13.17 fails to connect through Sentinel without it. ROLE is
 * @dangerous, so it is granted after the denials, and only with Sentinel.
 */
export const SENTINEL_CLIENT_RULES: readonly string[] = ["+role"];

/** The Sentinels' own ACL: discovery for services, failover commands for operators only. */
export const SENTINEL_RULES = {
    default: ["resetkeys", "resetchannels", "-@all"],
    operator: ["~*", "&*", "+@all"],
    /** Health checks and start scripts: PING and "who is the primary". */
    probe: ["resetchannels", "-@all", "+ping", "+sentinel|get-master-addr-by-name"],
    /** Peer Sentinels: PING, hello messages, and votes on a primary being down. */
    peer: ["resetchannels", "&__sentinel__:hello", "-@all", "+@connection", "+ping", "+publish", "+info", "+sentinel|is-master-down-by-addr"],
    /** Services: find the primary, follow its changes (+switch-master). */
    service: ["resetchannels", "&*", "-@all", "+@connection", "+role", "+sentinel|get-master-addr-by-name", "+sentinel|master", "+sentinel|masters", "+sentinel|replicas", "+sentinel|slaves", "+sentinel|sentinels", "+subscribe", "+psubscribe", "+unsubscribe", "+punsubscribe"],
} as const;

export interface HaOptions {
    /** Replicas per instance besides the primary. @default 2 */
    readonly replicas?: number;
    /** Sentinels watching every instance: an odd number, at least 3. @default 3 */
    readonly sentinels?: number;
    /** How long a primary may not answer before a Sentinel deems it down, in ms. @default 5000 */
    readonly downAfterMs?: number;
    /** @default 60000 */
    readonly failoverTimeoutMs?: number;
}

export interface HaMaster {
    readonly instance: InstanceKey;
    /** Sentinel master name, and StackExchange.Redis `serviceName=`. */
    readonly masterName: string;
}

export interface HaSettings {
    readonly replicas: number;
    /** Data members per instance: the primary and its replicas. */
    readonly members: number;
    readonly sentinels: number;
    /** Sentinels that must agree a primary is down: a majority. */
    readonly quorum: number;
    readonly downAfterMs: number;
    readonly failoverTimeoutMs: number;
    /** A primary refuses writes while fewer replicas are connected (no writes an isolated primary would lose). */
    readonly minReplicasToWrite: number;
    readonly masters: readonly HaMaster[];
    /** The user replicas authenticate to their primary with. */
    readonly replicationUser: string;
    /** The user Sentinels authenticate to data members and to each other with. */
    readonly sentinelUser: string;
    /** The Sentinels' aclfile, in order: default (off), operator, probe, peer, one per service. */
    readonly sentinelAcl: readonly AclUser[];
}

export interface ValkeyHaPlan extends ValkeyPlan {
    readonly ha: HaSettings;
}

export function isHaPlan(plan: ValkeyPlan): plan is ValkeyHaPlan {
    return "ha" in plan;
}

/** The HA plan on top of a single-topology plan; problems are reported under `valkey`. */
export function planValkeyHa(plan: ValkeyPlan, opts: HaOptions = {}): ValkeyHaPlan {
    const replicas = opts.replicas ?? 2;
    const sentinels = opts.sentinels ?? 3;
    const p = new Problems();
    p.need(Number.isInteger(replicas) && replicas >= 1 && replicas <= 8, ["replicas"], "expected an integer from 1 to 8 (replicas besides the primary)", replicas);
    p.need(Number.isInteger(sentinels) && sentinels >= 3 && sentinels % 2 === 1 && sentinels <= 7, ["sentinels"], "expected an odd integer from 3 to 7 (a Sentinel quorum needs a majority)", sentinels);
    p.need(!plan.tls, ["tls"], "expected false with the ha topology: replication and Sentinel over TLS are not built yet", plan.tls);
    if (p.list.length > 0) throw new PlanError("valkey", p.list);

    const replicationUser = `${plan.userPrefix}replication`;
    const sentinelUser = `${plan.userPrefix}sentinel`;
    const instances = plan.instances.map((i) => ({
        ...i,
        users: [
            ...i.users.map((u) => (u.kind === "service" ? { ...u, rules: [...u.rules, ...SENTINEL_CLIENT_RULES] } : u)),
            { name: replicationUser, kind: "replication" as const, rules: REPLICATION_RULES },
            { name: sentinelUser, kind: "sentinel" as const, rules: SENTINEL_ON_DATA_RULES },
        ],
    }));
    const sentinelAcl: AclUser[] = [
        { name: "default", kind: "default", rules: SENTINEL_RULES.default },
        { name: plan.operator, kind: "operator", rules: SENTINEL_RULES.operator },
        { name: plan.probe, kind: "probe", rules: SENTINEL_RULES.probe },
        { name: sentinelUser, kind: "sentinel", rules: SENTINEL_RULES.peer },
        ...plan.services.map((s): AclUser => ({ name: s.user, kind: "service", service: s.service, rules: SENTINEL_RULES.service })),
    ];
    const passwordUsers: PasswordUser[] = [...plan.passwordUsers, { key: "replication", name: replicationUser }, { key: "sentinel", name: sentinelUser }];
    return {
        ...plan,
        instances,
        passwordUsers,
        ha: {
            replicas,
            members: 1 + replicas,
            sentinels,
            quorum: Math.floor(sentinels / 2) + 1,
            downAfterMs: opts.downAfterMs ?? 5000,
            failoverTimeoutMs: opts.failoverTimeoutMs ?? 60000,
            minReplicasToWrite: replicas >= 2 ? 1 : 0,
            masters: plan.instances.map((i) => ({ instance: i.key, masterName: i.name })),
            replicationUser,
            sentinelUser,
            sentinelAcl,
        },
    };
}
