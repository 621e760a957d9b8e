/**
 * Valkey with replication and Sentinel on Kubernetes (airgap, `kubernetes.topology: ha`). Per
 * planned instance a StatefulSet of members (a primary and its replicas, retained PVCs); one
 * StatefulSet of Sentinels watching every instance. Two StatefulSets rather than Sentinel
 * sidecars: a quorum of 3 must not fall with the data pods it judges, its size is independent
 * of the replica count, and a Sentinel restart never restarts a member. Each set has a
 * PodDisruptionBudget, spread over nodes and zones, the restricted security context, probes, and
 * a NetworkPolicy admitting the clients plus exactly the replication and Sentinel traffic.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClientSelector, InstanceEndpoint } from "../types";
import { Passwords, acceptedHashes, aclFile, rotatedPasswords } from "./credentials";
import type { RotationPlan } from "../rotation";
import type { ValkeyHaPlan } from "./ha-plan";
import { Labels, ingress, podEnv, probes, restrictedSecurity, spread } from "./ha-pods";
import { HA_SECRETS_DIR, REPLICATION_AUTH_FILE, SENTINEL_PORT, renderHaMemberConf, renderReplicationAuth, renderSentinelConf } from "./ha-render";
import { memberStartScript, sentinelStartScript } from "./ha-scripts";
import { mountedFiles } from "../kubernetes/mounted-files";
import { memoryFor } from "./kubernetes";
import type { InstanceKey, InstancePlan } from "./plan";
import { CONTAINER_SETTINGS, PROBE_PASSWORD_ENV, aclfileName, probeCommand, renderAclUsers } from "./render";

export const VALKEY_HA_TYPE = "stellaops:valkey:ValkeyHaStatefulSets";

/** Name of the Sentinels' StatefulSet and headless Service. */
export const SENTINEL_NAME = "valkey-sentinel";

export interface ValkeyHaStatefulSetsArgs {
    /** The HA plan (planValkeyHa): instances, users, replicas, quorum. */
    readonly plan: ValkeyHaPlan;
    readonly namespace: pulumi.Input<string>;
    /** Mirror image reference (registry/repository@sha256:...); it runs valkey-server and Sentinel. */
    readonly image: string;
    /** PVC size per member, e.g. 8Gi. */
    readonly storageSize: string;
    /** @default the cluster's default StorageClass */
    readonly storageClass?: string;
    /** Pods allowed through the NetworkPolicies. */
    readonly clients: ClientSelector;
    /** Node label naming a zone. @default "topology.kubernetes.io/zone" */
    readonly zoneKey?: string;
    /** Refuse to schedule two members of a set in one zone (needs as many zones as members). @default false */
    readonly requireZoneSpread?: boolean;
    /**
     * Rotates the services' users only: members and Sentinels accept the current and the previous
     * password until the next rotation, and roll onto the new files. The users the servers use
     * among themselves (replication, Sentinel, probe, operator) are not rotated: members and
     * Sentinels restart one at a time, and one that restarted with a new replication or
     * Sentinel password would be refused by those that have not yet.
     */
    readonly rotation?: RotationPlan;
}

const PART_OF = { "app.kubernetes.io/part-of": "stellaops-deps" };
const labelsOf = (app: string): Labels => ({ "app.kubernetes.io/name": app, ...PART_OF });

export class ValkeyHaStatefulSets extends pulumi.ComponentResource {
    /** Generated passwords by user name (secret), replication and Sentinel users included. */
    public readonly passwords: Passwords;
    /** Every Sentinel's stable address: what clients list (StackExchange.Redis endpoints). */
    public readonly sentinels: InstanceEndpoint[];
    /** Sentinel master name per instance (StackExchange.Redis `serviceName=`). */
    public readonly masters: Partial<Record<InstanceKey, string>>;
    /** The members' StatefulSets (one per instance), then the Sentinels'. */
    public readonly statefulSets: k8s.apps.v1.StatefulSet[];

    private readonly args: ValkeyHaStatefulSetsArgs;

    constructor(name: string, args: ValkeyHaStatefulSetsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(VALKEY_HA_TYPE, name, {}, opts);
        this.args = args;
        const plan = args.plan;
        const rotated = rotatedPasswords(name, plan, this, args.rotation, true);
        this.passwords = rotated.passwords;
        const previous = rotated.previous;
        const ns = pulumi.output(args.namespace);
        this.sentinels = Array.from({ length: plan.ha.sentinels }, (_, i) => ({ host: pulumi.interpolate`${SENTINEL_NAME}-${i}.${SENTINEL_NAME}.${ns}.svc.cluster.local`, port: SENTINEL_PORT }));
        this.masters = Object.fromEntries(plan.ha.masters.map((m) => [m.instance, m.masterName]));
        const memberLabels = plan.instances.map((i) => labelsOf(i.name));
        const sentinelLabels = labelsOf(SENTINEL_NAME);
        const names = { sentinels: SENTINEL_NAME, sentinelCount: plan.ha.sentinels, port: CONTAINER_SETTINGS.port, sentinelPort: SENTINEL_PORT, probeUser: plan.probe };

        const members = plan.instances.map((instance, idx) => {
            const base = `${name}-${instance.key}`;
            const settings = { ...CONTAINER_SETTINGS, aclDir: HA_SECRETS_DIR, replicationAuth: `${HA_SECRETS_DIR}/${REPLICATION_AUTH_FILE}` };
            const secret = this.files(`${base}-secrets`, PART_OF, {
                [aclfileName(instance)]: aclFile(instance, this.passwords, previous),
                [REPLICATION_AUTH_FILE]: this.passwords[plan.ha.replicationUser].apply((pw) => renderReplicationAuth(plan, pw)),
            }, true);
            const script = memberStartScript({ ...names, members: instance.name }, plan.ha.masters[idx].masterName, "/etc/valkey/valkey.conf");
            const config = this.files(`${base}-config`, memberLabels[idx], { "valkey.conf": renderHaMemberConf(plan, instance, settings), "start.sh": script }, false);
            const sts = this.statefulSet(base, instance.name, memberLabels[idx], plan.ha.members, {
                port: settings.port,
                script: "/etc/valkey/start.sh",
                mounts: [
                    { name: "config", mountPath: "/etc/valkey", volume: { configMap: { name: config.metadata.name } } },
                    { name: "secrets", mountPath: HA_SECRETS_DIR, volume: { secret: { secretName: secret.metadata.name, defaultMode: 0o440 } } },
                ],
                probe: probeCommand(plan, settings),
                resources: this.resources(instance),
                claim: true,
            });
            new k8s.networking.v1.NetworkPolicy(`${base}-netpol`, { metadata: this.meta(`${instance.name}-clients`, memberLabels[idx]), spec: { podSelector: { matchLabels: { ...memberLabels[idx] } }, policyTypes: ["Ingress"], ingress: [ingress(settings.port, args.clients, [memberLabels[idx], sentinelLabels])] } }, { parent: this });
            return sts;
        });

        const base = `${name}-sentinel`;
        const hashes = acceptedHashes(this.passwords, previous, plan.ha.sentinelAcl.filter((u) => u.kind !== "default").map((u) => u.name));
        const template = pulumi.all([ns, this.passwords[plan.ha.sentinelUser]]).apply(([n, pw]) =>
            renderSentinelConf(plan.ha, plan.instances.map((i) => ({ masterName: i.name, host: `${i.name}-0.${i.name}.${n}.svc.cluster.local`, port: CONTAINER_SETTINGS.port })), { port: SENTINEL_PORT, bind: CONTAINER_SETTINGS.bind, dir: "/data", aclfile: "/etc/valkey-sentinel/users-sentinel.acl" }, pw),
        );
        const files = this.files(`${base}-files`, PART_OF, { "sentinel.conf": template, "users-sentinel.acl": hashes.apply((h) => renderAclUsers(plan.ha.sentinelAcl, h)) }, true);
        const script = sentinelStartScript(names, plan.ha.masters.map((m) => m.masterName), plan.ha.quorum, "/etc/valkey-sentinel/sentinel.conf", "/data/sentinel.conf");
        const config = this.files(`${base}-config`, sentinelLabels, { "start.sh": script }, false);
        const sentinelSet = this.statefulSet(base, SENTINEL_NAME, sentinelLabels, plan.ha.sentinels, {
            port: SENTINEL_PORT,
            script: "/etc/valkey-sentinel-start/start.sh",
            mounts: [
                { name: "start", mountPath: "/etc/valkey-sentinel-start", volume: { configMap: { name: config.metadata.name } } },
                { name: "files", mountPath: "/etc/valkey-sentinel", volume: { secret: { secretName: files.metadata.name, defaultMode: 0o440 } } },
                { name: "data", mountPath: "/data", volume: { emptyDir: {} } },
            ],
            probe: probeCommand(plan, { port: SENTINEL_PORT }),
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
            claim: false,
        });
        new k8s.networking.v1.NetworkPolicy(`${base}-netpol`, { metadata: this.meta(`${SENTINEL_NAME}-clients`, sentinelLabels), spec: { podSelector: { matchLabels: { ...sentinelLabels } }, policyTypes: ["Ingress"], ingress: [ingress(SENTINEL_PORT, args.clients, [sentinelLabels, ...memberLabels])] } }, { parent: this });

        this.statefulSets = [...members, sentinelSet];
        this.registerOutputs({ passwords: this.passwords, sentinels: this.sentinels, masters: this.masters, statefulSets: this.statefulSets });
    }

    private meta(physical: string, labels: Labels) {
        return { name: physical, namespace: this.args.namespace, labels: { ...labels } };
    }

    /** Mounted files, auto-named (components/kubernetes/mounted-files.ts); secret values are secret Outputs already. */
    private files(name: string, labels: Labels, files: Record<string, pulumi.Input<string>>, secret: boolean) {
        return mountedFiles(name, { namespace: this.args.namespace, labels, files, secret }, { parent: this });
    }

    private resources(instance: InstancePlan) {
        const memory = memoryFor(instance);
        return { requests: { cpu: "100m", memory: memory.request }, limits: { cpu: "1", memory: memory.limit } };
    }

    /** Headless Service (stable member names, reachable before ready for replication), StatefulSet, PDB. */
    private statefulSet(
        base: string,
        app: string,
        labels: Labels,
        replicas: number,
        s: { port: number; script: string; mounts: { name: string; mountPath: string; volume: Omit<k8s.types.input.core.v1.Volume, "name"> }[]; probe: string[]; resources: k8s.types.input.core.v1.ResourceRequirements; claim: boolean },
    ): k8s.apps.v1.StatefulSet {
        const args = this.args;
        const service = new k8s.core.v1.Service(`${base}-headless`, { metadata: this.meta(app, labels), spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: { ...labels }, ports: [{ name: "valkey", port: s.port, targetPort: s.port }] } }, { parent: this });
        const envSecret = this.files(`${base}-env`, PART_OF, { [PROBE_PASSWORD_ENV]: this.passwords[args.plan.probe] }, true);
        const security = restrictedSecurity();
        const sts = new k8s.apps.v1.StatefulSet(
            `${base}-statefulset`,
            {
                metadata: this.meta(app, labels),
                spec: {
                    serviceName: service.metadata.name,
                    replicas,
                    // Parallel: a member never waits for ordinal 0, which after a failover is just another replica.
                    podManagementPolicy: "Parallel",
                    selector: { matchLabels: { ...labels } },
                    persistentVolumeClaimRetentionPolicy: s.claim ? { whenDeleted: "Retain", whenScaled: "Retain" } : undefined,
                    template: {
                        metadata: { labels: { ...labels } },
                        spec: {
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            securityContext: security.pod,
                            topologySpreadConstraints: spread(labels, args.zoneKey ?? "topology.kubernetes.io/zone", args.requireZoneSpread ?? false),
                            containers: [
                                {
                                    name: app,
                                    image: args.image,
                                    imagePullPolicy: "IfNotPresent",
                                    command: ["sh", s.script],
                                    env: podEnv(envSecret.metadata.name, PROBE_PASSWORD_ENV),
                                    ports: [{ name: "valkey", containerPort: s.port }],
                                    volumeMounts: [...s.mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: !("emptyDir" in m.volume) })), ...(s.claim ? [{ name: "data", mountPath: CONTAINER_SETTINGS.dir }] : [])],
                                    ...probes(s.probe),
                                    resources: s.resources,
                                    securityContext: security.container,
                                },
                            ],
                            volumes: s.mounts.map((m) => ({ name: m.name, ...m.volume })),
                        },
                    },
                    volumeClaimTemplates: s.claim
                        ? [{ metadata: { name: "data", labels: { ...labels } }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClass, resources: { requests: { storage: args.storageSize } } } }]
                        : undefined,
                },
            },
            // Members carry the volume claims: never replaced silently, never deleted with the stack.
            s.claim ? { parent: this, protect: true, retainOnDelete: true } : { parent: this },
        );
        // One member (or Sentinel) at a time may be evicted: a drain never takes the quorum or the last replica.
        new k8s.policy.v1.PodDisruptionBudget(`${base}-pdb`, { metadata: this.meta(app, labels), spec: { maxUnavailable: 1, selector: { matchLabels: { ...labels } } } }, { parent: this });
        return sts;
    }
}
