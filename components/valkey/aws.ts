/**
 * Valkey on ElastiCache (aws profile): one replication group per planned instance, engine
 * valkey, encrypted in transit (required) and at rest, reachable only from StellaOps services,
 * with a user group holding a disabled `default` user, the operator and one user per service.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AwsNetworkArgs, clientSecurityGroup } from "../aws/security-group";
import { Passwords, rotatedPasswords } from "./credentials";
import type { RotationPlan } from "../rotation";
import type { InstanceEndpoint } from "../types";
import type { InstanceKey, InstancePlan, ValkeyPlan } from "./plan";

export const VALKEY_ELASTICACHE_TYPE = "stellaops:valkey:ValkeyElastiCache";

export const ELASTICACHE_ENGINE_VERSION = "8.1";
export const ELASTICACHE_PARAMETER_FAMILY = "valkey8";
export const VALKEY_PORT = 6379;

/** Commands ElastiCache offers to no user; naming them in an access string is rejected. */
export const ELASTICACHE_RESTRICTED = ["config", "debug", "shutdown", "module", "migrate", "sync", "psync", "replicaof", "slaveof", "save", "bgsave", "bgrewriteaof"];

/**
 * ElastiCache access string from plan rules: `on`/`off` first, no reset* (ElastiCache manages
 * passwords and rejects reset), and no rules naming commands it never offers.
 */
export function accessString(on: boolean, rules: readonly string[]): string {
    const kept = rules.filter((r) => !r.startsWith("reset") && !ELASTICACHE_RESTRICTED.includes(r.replace(/^[+-]/, "").split("|")[0]));
    return [on ? "on" : "off", ...kept].join(" ");
}

export interface ValkeyElastiCacheArgs extends AwsNetworkArgs {
    /** The Valkey plan (instances, users). */
    readonly plan: ValkeyPlan;
    /** Prefix of every physical name (replication groups, users, groups). */
    readonly namePrefix: string;
    /** ElastiCache node type, e.g. cache.t4g.small. */
    readonly nodeType: string;
    /** Read replicas per instance; with one or more, Multi-AZ failover is on. */
    readonly replicas: number;
    /** Password generations; a rotated user keeps its previous password (ElastiCache users hold two) until the next rotation. @default no rotation */
    readonly rotation?: RotationPlan;
}

/** Short tag per instance: physical names stay within ElastiCache's 40 characters. */
const TAG: Record<InstanceKey, string> = { main: "", coordination: "coord", cache: "cache" };
const physical = (prefix: string, instance: InstancePlan, rest: string) => [prefix, rest, TAG[instance.key]].filter((s) => s !== "").join("-");

export class ValkeyElastiCache extends pulumi.ComponentResource {
    /** Generated passwords by user name (secret). */
    public readonly passwords: Passwords;
    public readonly endpoints: Partial<Record<InstanceKey, InstanceEndpoint>>;
    public readonly replicationGroups: aws.elasticache.ReplicationGroup[];

    constructor(name: string, args: ValkeyElastiCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super(VALKEY_ELASTICACHE_TYPE, name, {}, opts);
        const plan = args.plan;
        const prefix = args.namePrefix;
        // No probe user: ElastiCache runs its own health checks.
        const pw = rotatedPasswords(name, { ...plan, passwordUsers: plan.passwordUsers.filter((u) => u.name !== plan.probe) }, this, args.rotation);
        this.passwords = pw.passwords;
        // Current first: a user accepts up to two passwords, so the previous one keeps working.
        const accepted = (user: string) => [pw.passwords[user], ...(pw.previous[user] ? [pw.previous[user]] : [])];

        const sg = clientSecurityGroup(name, { ...args, groupName: `${prefix}-valkey`, description: "StellaOps Valkey clients", port: VALKEY_PORT }, this);
        const subnets = new aws.elasticache.SubnetGroup(`${name}-subnets`, { name: `${prefix}-valkey`, subnetIds: [...args.subnetIds] }, { parent: this });

        // AWS requires a user named `default` in every group: this one is off and can do nothing.
        const defaultPassword = new random.RandomPassword(`${name}-password-default`, { length: 32, special: false }, { parent: this });
        const defaultUser = this.user(`${name}-user-default`, `${prefix}-default`, "default", accessString(false, ["-@all"]), [pulumi.secret(defaultPassword.result)]);
        const operatorRules = plan.instances[0].users.find((u) => u.kind === "operator")!.rules;
        const operator = this.user(`${name}-user-operator`, `${prefix}-operator`, plan.operator, accessString(true, operatorRules), accepted(plan.operator));

        this.endpoints = {};
        this.replicationGroups = plan.instances.map((instance) => {
            const base = `${name}-${instance.key}`;
            const services = instance.users
                .filter((u) => u.kind === "service")
                .map((u) => this.user(`${base}-user-${u.service}`, physical(prefix, instance, u.service!), u.name, accessString(true, u.rules), accepted(u.name)));
            const group = new aws.elasticache.UserGroup(
                `${base}-users`,
                { userGroupId: physical(prefix, instance, "valkey"), engine: "valkey", userIds: [defaultUser, operator, ...services].map((u) => u.userId) },
                { parent: this },
            );
            const params = new aws.elasticache.ParameterGroup(
                `${base}-params`,
                { name: `${physical(prefix, instance, "valkey")}-params`, family: ELASTICACHE_PARAMETER_FAMILY, parameters: [{ name: "maxmemory-policy", value: instance.evictionPolicy }] },
                { parent: this },
            );
            const id = physical(prefix, instance, "valkey");
            const rg = new aws.elasticache.ReplicationGroup(
                base,
                {
                    replicationGroupId: id,
                    description: `StellaOps Valkey ${instance.role} (${instance.patterns.join(", ")})`,
                    engine: "valkey",
                    engineVersion: ELASTICACHE_ENGINE_VERSION,
                    nodeType: args.nodeType,
                    numCacheClusters: 1 + args.replicas,
                    automaticFailoverEnabled: args.replicas > 0,
                    multiAzEnabled: args.replicas > 0,
                    port: VALKEY_PORT,
                    subnetGroupName: subnets.name,
                    securityGroupIds: [sg.id],
                    parameterGroupName: params.name,
                    atRestEncryptionEnabled: true,
                    kmsKeyId: args.kmsKeyArn,
                    transitEncryptionEnabled: true,
                    transitEncryptionMode: "required",
                    userGroupIds: [group.userGroupId],
                    // ElastiCache has no AOF: replicas plus daily snapshots protect queues and streams.
                    snapshotRetentionLimit: instance.persistence ? 7 : 0,
                    finalSnapshotIdentifier: instance.persistence ? `${id}-final` : undefined,
                    autoMinorVersionUpgrade: true,
                    applyImmediately: false,
                },
                { parent: this, protect: true, retainOnDelete: true },
            );
            this.endpoints[instance.key] = { host: rg.primaryEndpointAddress, port: VALKEY_PORT };
            return rg;
        });
        this.registerOutputs({ passwords: this.passwords, endpoints: this.endpoints, replicationGroups: this.replicationGroups });
    }

    private user(name: string, userId: string, userName: string, access: string, passwords: pulumi.Input<string>[]): aws.elasticache.User {
        return new aws.elasticache.User(
            name,
            { userId, userName, engine: "valkey", accessString: access, authenticationMode: { type: "password", passwords } },
            { parent: this },
        );
    }
}
