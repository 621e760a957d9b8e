/**
 * airgap, `kubernetes.topology: ha`: distributed RustFS, N servers x M volumes, as one
 * StatefulSet (Parallel start, so the servers can form their erasure sets together), a headless
 * Service through which the servers find each other, a client Service at the same address the
 * single server has, a PodDisruptionBudget, one server per Kubernetes node and servers spread
 * over zones, the restricted security context, probes on /health, and a NetworkPolicy admitting
 * S3 clients from StellaOps pods and peer traffic between members only. PVCs are retained and
 * the StatefulSet is protected; a change of N or M would re-cut the erasure sets of existing
 * data, so it is a replacement, which protection refuses.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { QUIET_POD, RETAIN_CLAIMS, restrictedContainer, restrictedPod } from "../kubernetes/pod-security";
import type { ClientSelector } from "../types";
import { ErasureLayout, rustfsVolumes } from "./rustfs-erasure";
import { RUSTFS_ACCESS_KEY_ENV, RUSTFS_HEALTH_PATH, RUSTFS_LOG_DIR, RUSTFS_S3_PORT, RUSTFS_SECRET_KEY_ENV, RUSTFS_UID } from "./rustfs-server";

export const RUSTFS_CLUSTER_TYPE = "stellaops:objectstore:RustfsCluster";

type Resources = k8s.types.input.core.v1.ResourceRequirements;

export interface RustfsClusterArgs {
    readonly namespace: pulumi.Input<string>;
    /** Physical name of the StatefulSet and the client Service; the headless Service is `<appName>-peers`. */
    readonly appName: string;
    /** Mirror-registry image by digest. */
    readonly image: string;
    /** The erasure layout from `planErasure` (servers, volumes, parity). */
    readonly layout: ErasureLayout;
    /** Size of each volume (PVC). */
    readonly volumeSize: string;
    /** @default the cluster's default StorageClass */
    readonly storageClass?: string;
    /** Root credentials (secret Outputs). */
    readonly rootAccessKey: pulumi.Input<string>;
    readonly rootSecretKey: pulumi.Input<string>;
    /** Pods admitted to the S3 port besides the members themselves. */
    readonly clients: ClientSelector;
    /**
     * required: a server is not scheduled where it would put two more in one zone than in
     * another (needed for the zone-loss guarantee); preferred: spread when possible.
     * @default "required"
     */
    readonly zoneSpread?: "required" | "preferred";
    /** @default "cluster.local" */
    readonly clusterDomain?: string;
    /** @default requests 500m CPU / 1Gi, limits 2 CPU / 4Gi */
    readonly resources?: Resources;
}

const ZONE = "topology.kubernetes.io/zone";
const HOSTNAME = "kubernetes.io/hostname";

export class RustfsCluster extends pulumi.ComponentResource {
    /** In-cluster DNS name of the client Service. */
    public readonly host: pulumi.Output<string>;
    public readonly port: number;
    /** The `RUSTFS_VOLUMES` every server runs with. */
    public readonly volumes: pulumi.Output<string>;
    /** The StatefulSet, for `dependsOn` of anything that talks to the cluster. */
    public readonly statefulSet: k8s.apps.v1.StatefulSet;

    constructor(name: string, args: RustfsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(RUSTFS_CLUSTER_TYPE, name, {}, opts);
        const layout = args.layout;
        const labels = { "app.kubernetes.io/name": args.appName, "app.kubernetes.io/part-of": "stellaops-deps" };
        const peers = `${args.appName}-peers`;
        const domain = args.clusterDomain ?? "cluster.local";
        const peerDomain = pulumi.interpolate`${peers}.${args.namespace}.svc.${domain}`;
        this.volumes = peerDomain.apply((d) => rustfsVolumes(layout, { statefulSet: args.appName, peerDomain: d, port: RUSTFS_S3_PORT }));
        const s3Port = [{ name: "s3", port: RUSTFS_S3_PORT, targetPort: RUSTFS_S3_PORT }];

        const secret = new k8s.core.v1.Secret(
            `${name}-env`,
            { metadata: { name: `${args.appName}-root`, namespace: args.namespace, labels }, stringData: { [RUSTFS_ACCESS_KEY_ENV]: pulumi.secret(args.rootAccessKey), [RUSTFS_SECRET_KEY_ENV]: pulumi.secret(args.rootSecretKey) } },
            { parent: this },
        );
        const client = new k8s.core.v1.Service(`${name}-service`, { metadata: { name: args.appName, namespace: args.namespace, labels }, spec: { selector: labels, ports: s3Port } }, { parent: this });
        // Servers must resolve each other before they are ready (they become ready only together).
        const headless = new k8s.core.v1.Service(
            `${name}-peers`,
            { metadata: { name: peers, namespace: args.namespace, labels }, spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: labels, ports: s3Port } },
            { parent: this },
        );

        const claim = (i: number) => (layout.volumesPerNode === 1 ? "data" : `data-${i}`);
        const health = { httpGet: { path: RUSTFS_HEALTH_PATH, port: RUSTFS_S3_PORT } };
        const env: k8s.types.input.core.v1.EnvVar[] = [
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "RUSTFS_VOLUMES", value: this.volumes },
            // Which endpoint of RUSTFS_VOLUMES is this server (newer RustFS; older ones resolve it by DNS).
            { name: "RUSTFS_LOCAL_ENDPOINT_HOST", value: pulumi.interpolate`$(POD_NAME).${peerDomain}` },
            { name: "RUSTFS_ADDRESS", value: `0.0.0.0:${RUSTFS_S3_PORT}` },
            { name: "RUSTFS_CONSOLE_ENABLE", value: "false" },
            { name: "RUSTFS_OBS_LOG_DIRECTORY", value: RUSTFS_LOG_DIR },
            ...(layout.explicitParity ? [{ name: "RUSTFS_STORAGE_CLASS_STANDARD", value: `EC:${layout.parity}` }] : []),
            ...[RUSTFS_ACCESS_KEY_ENV, RUSTFS_SECRET_KEY_ENV].map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: secret.metadata.name, key: k } } })),
        ];
        const selector = { matchLabels: labels };

        this.statefulSet = new k8s.apps.v1.StatefulSet(
            `${name}-statefulset`,
            {
                metadata: {
                    name: args.appName,
                    namespace: args.namespace,
                    labels,
                    annotations: { "stellaops.io/erasure": `${layout.nodes} servers x ${layout.volumesPerNode} volumes; ${layout.sets} set(s) of ${layout.setSize}; EC:${layout.parity}` },
                },
                spec: {
                    serviceName: headless.metadata.name,
                    replicas: layout.nodes,
                    podManagementPolicy: "Parallel",
                    selector,
                    persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
                    template: {
                        metadata: { labels },
                        spec: {
                            ...QUIET_POD,
                            securityContext: restrictedPod(RUSTFS_UID),
                            // One server per node: losing a node loses one server's drives, which the layout tolerates.
                            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: selector, topologyKey: HOSTNAME }] } },
                            topologySpreadConstraints: [
                                { maxSkew: 1, topologyKey: HOSTNAME, whenUnsatisfiable: "DoNotSchedule", labelSelector: selector },
                                { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: args.zoneSpread === "preferred" ? "ScheduleAnyway" : "DoNotSchedule", labelSelector: selector },
                            ],
                            containers: [
                                {
                                    name: "rustfs",
                                    image: args.image,
                                    imagePullPolicy: "IfNotPresent",
                                    env,
                                    ports: [{ name: "s3", containerPort: RUSTFS_S3_PORT }],
                                    volumeMounts: [
                                        ...layout.mountPaths.map((mountPath, i) => ({ name: claim(i), mountPath })),
                                        { name: "logs", mountPath: RUSTFS_LOG_DIR },
                                        { name: "tmp", mountPath: "/tmp" },
                                    ],
                                    // Readiness waits for the erasure sets to form; liveness gives it time.
                                    readinessProbe: { ...health, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
                                    livenessProbe: { ...health, initialDelaySeconds: 60, periodSeconds: 20, failureThreshold: 5 },
                                    resources: args.resources ?? { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } },
                                    securityContext: restrictedContainer(),
                                },
                            ],
                            volumes: [
                                { name: "logs", emptyDir: {} },
                                { name: "tmp", emptyDir: {} },
                            ],
                        },
                    },
                    volumeClaimTemplates: layout.mountPaths.map((_, i) => ({
                        metadata: { name: claim(i), labels },
                        spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClass, resources: { requests: { storage: args.volumeSize } } },
                    })),
                },
            },
            // The StatefulSet carries the claims; N or M changing would re-cut the erasure sets.
            { parent: this, protect: true, retainOnDelete: true, replaceOnChanges: ["spec.replicas", "spec.volumeClaimTemplates"] },
        );

        // The layout keeps writing with one server down (planErasure checks it): one voluntary disruption at a time.
        new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: { name: args.appName, namespace: args.namespace, labels }, spec: { maxUnavailable: 1, selector } }, { parent: this });

        const clientPods = { matchLabels: { [args.clients.podLabel.key]: args.clients.podLabel.value } };
        new k8s.networking.v1.NetworkPolicy(
            `${name}-netpol`,
            {
                metadata: { name: `${args.appName}-clients-and-peers`, namespace: args.namespace, labels },
                spec: {
                    podSelector: selector,
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [
                                { podSelector: clientPods, namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...args.clients.namespaces] }] } },
                                { podSelector: clientPods },
                                // Peer traffic: RustFS servers talk to each other on the S3 port.
                                { podSelector: selector },
                            ],
                            ports: [{ protocol: "TCP", port: RUSTFS_S3_PORT }],
                        },
                    ],
                },
            },
            { parent: this },
        );

        this.host = pulumi.interpolate`${client.metadata.name}.${client.metadata.namespace}.svc.${domain}`;
        this.port = RUSTFS_S3_PORT;
        this.registerOutputs({ host: this.host, port: this.port, volumes: this.volumes, statefulSet: this.statefulSet });
    }
}
