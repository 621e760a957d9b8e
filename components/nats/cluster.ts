/**
 * NATS JetStream as a 3-server cluster on Kubernetes (airgap, `kubernetes.topology: ha`): one
 * StatefulSet whose pods find each other through a headless Service, routes authenticated with a
 * generated password that only reaches the pods' environment, a PodDisruptionBudget keeping the
 * JetStream quorum, spread over nodes and zones, and a NetworkPolicy admitting StellaOps clients
 * on the client port and route traffic between members only. PVCs retained, StatefulSet protected.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mountedFiles } from "../kubernetes/mounted-files";
import { QUIET_POD, RETAIN_CLAIMS, restrictedContainer, restrictedPod } from "../kubernetes/pod-security";
import { NatsCredentials, natsRevision } from "./credentials";
import { NatsKubernetesArgs, NATS_POD_COMMAND, natsGoMemLimit, natsPodFiles, natsPodResources } from "./kubernetes-pod";
import { containerLayout } from "./layout";

export const NATS_CLUSTER_TYPE = "stellaops:nats:NatsCluster";

/** Physical names: the StatefulSet and client Service, and the headless Service the routes use. */
export const NATS_CLUSTER_NAMES = { app: "nats", routes: "nats-routes" } as const;

export type NatsClusterArgs = NatsKubernetesArgs;

type EnvVar = k8s.types.input.core.v1.EnvVar;

export class NatsCluster extends pulumi.ComponentResource {
    /** In-cluster DNS name of the client Service (every member behind it). */
    public readonly host: pulumi.Output<string>;
    /** Client port. */
    public readonly port: number;
    /** Number of servers, and the most replicas a stream may have. */
    public readonly replicas: number;
    public readonly credentials: NatsCredentials;
    /** Password per NATS user (secret). */
    public readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;
    public readonly statefulSet: k8s.apps.v1.StatefulSet;

    constructor(name: string, args: NatsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NATS_CLUSTER_TYPE, name, {}, opts);
        const { plan, namespace } = args;
        const cluster = plan.cluster;
        if (!cluster) throw new Error(`${name}: the plan is a single server: expected NatsStatefulSet`);
        if (plan.tls && !args.tls) throw new Error(`${name}: the plan has TLS: expected tls.cert and tls.key`);
        const layout = containerLayout(plan, NATS_CLUSTER_NAMES.app);
        const clusterPort = layout.clusterPort!;
        const labels = { "app.kubernetes.io/name": NATS_CLUSTER_NAMES.app, "app.kubernetes.io/part-of": "stellaops-deps" };
        const meta = (n: string) => ({ name: n, namespace, labels });
        const child = { parent: this };

        this.credentials = new NatsCredentials(`${name}-credentials`, { plan, rotation: args.rotation }, child);
        // nats-server reads its config at start-up only: the revision rolls the members (the route password is never rotated).
        const revision = natsRevision(plan, args.rotation);
        const volumes: k8s.types.input.core.v1.Volume[] = [];
        const mounts: k8s.types.input.core.v1.VolumeMount[] = [{ name: "data", mountPath: layout.storeDir! }];
        natsPodFiles(args, layout, this.credentials.bcryptHashes).forEach((f, i) => {
            const secret = mountedFiles(`${name}-files-${i}`, { namespace, labels, files: f.files, secret: true }, child);
            volumes.push({ name: `config-${i}`, secret: { secretName: secret.metadata.name, defaultMode: 0o440 } });
            mounts.push({ name: `config-${i}`, mountPath: f.mountPath, readOnly: true });
        });
        const routeSecret = new k8s.core.v1.Secret(`${name}-route`, { metadata: meta(`${NATS_CLUSTER_NAMES.app}-route`), stringData: { password: this.credentials.routePassword! } }, child);

        // Members must resolve each other before they are ready (readiness needs the routes).
        const routes = new k8s.core.v1.Service(
            `${name}-routes`,
            { metadata: meta(NATS_CLUSTER_NAMES.routes), spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: labels, ports: [{ name: "cluster", port: clusterPort, targetPort: clusterPort }] } },
            child,
        );
        const ports = [
            { name: "client", port: layout.clientPort },
            { name: "monitor", port: layout.monitorPort },
        ];
        const service = new k8s.core.v1.Service(`${name}-service`, { metadata: meta(NATS_CLUSTER_NAMES.app), spec: { selector: labels, ports: ports.map((p) => ({ ...p, targetPort: p.port })) } }, child);

        // nats-server reads these (./layout.ts); Kubernetes expands $(VAR) from earlier entries, so the password is never in a file.
        const member = (i: number) => pulumi.interpolate`${NATS_CLUSTER_NAMES.app}-${i}.${NATS_CLUSTER_NAMES.routes}.${namespace}.svc.cluster.local:${clusterPort}`;
        const env: EnvVar[] = [
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "ROUTE_SECRET", valueFrom: { secretKeyRef: { name: routeSecret.metadata.name, key: "password" } } },
            { name: cluster.passwordVar, value: '"$(ROUTE_SECRET)"' },
            ...cluster.routeVars.map((v, i): EnvVar => ({ name: v, value: pulumi.interpolate`"nats-route://${cluster.routeUser}:$(ROUTE_SECRET)@${member(i)}"` })),
            { name: "GOMEMLIMIT", value: natsGoMemLimit(plan) },
            ...(revision ? [{ name: "STELLAOPS_NATS_REVISION", value: revision }] : []),
        ];
        const probe = (path: string, more: object) => ({ httpGet: { path, port: layout.monitorPort }, ...more });
        const spread = (topologyKey: string, whenUnsatisfiable: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: labels } });

        this.statefulSet = new k8s.apps.v1.StatefulSet(
            `${name}-statefulset`,
            {
                metadata: meta(NATS_CLUSTER_NAMES.app),
                spec: {
                    serviceName: routes.metadata.name,
                    replicas: cluster.size,
                    // All members start together: a JetStream cluster needs a quorum before any is healthy.
                    podManagementPolicy: "Parallel",
                    selector: { matchLabels: labels },
                    persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
                    template: {
                        metadata: { labels },
                        spec: {
                            ...QUIET_POD,
                            securityContext: restrictedPod(1000),
                            // One member per node, required; zones preferred (many air-gapped sites have one zone).
                            topologySpreadConstraints: [spread("kubernetes.io/hostname", "DoNotSchedule"), spread("topology.kubernetes.io/zone", "ScheduleAnyway")],
                            containers: [
                                {
                                    name: NATS_CLUSTER_NAMES.app,
                                    image: args.image,
                                    imagePullPolicy: "IfNotPresent",
                                    command: [...NATS_POD_COMMAND],
                                    env,
                                    ports: [...ports, { name: "cluster", port: clusterPort }].map((p) => ({ name: p.name, containerPort: p.port })),
                                    volumeMounts: mounts,
                                    // Started once caught up with the cluster (a rolling update waits for it), ready while its
                                    // server answers, alive while JetStream is enabled.
                                    startupProbe: probe("/healthz", { periodSeconds: 10, failureThreshold: 90 }),
                                    readinessProbe: probe("/healthz?js-server-only=true", { periodSeconds: 10, failureThreshold: 3 }),
                                    livenessProbe: probe(plan.healthPath, { periodSeconds: 30, failureThreshold: 5 }),
                                    resources: natsPodResources(plan),
                                    securityContext: restrictedContainer(),
                                },
                            ],
                            volumes,
                        },
                    },
                    volumeClaimTemplates: [
                        { metadata: { name: "data", labels }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClass, resources: { requests: { storage: args.storageSize } } } },
                    ],
                },
            },
            // The StatefulSet carries the volume claims: never replace it silently.
            { parent: this, protect: true, retainOnDelete: true },
        );

        // A voluntary eviction may take one member at a time: the other two keep the quorum.
        new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: meta(NATS_CLUSTER_NAMES.app), spec: { maxUnavailable: 1, selector: { matchLabels: labels } } }, child);

        const client = { [args.clients.podLabel.key]: args.clients.podLabel.value };
        new k8s.networking.v1.NetworkPolicy(
            `${name}-netpol`,
            {
                metadata: meta(`${NATS_CLUSTER_NAMES.app}-clients-and-routes`),
                spec: {
                    podSelector: { matchLabels: labels },
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [{ podSelector: { matchLabels: client }, namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...args.clients.namespaces] }] } }, { podSelector: { matchLabels: client } }],
                            ports: ports.map((p) => ({ protocol: "TCP", port: p.port })),
                        },
                        // Routes: from the other members only.
                        { from: [{ podSelector: { matchLabels: labels } }], ports: [{ protocol: "TCP", port: clusterPort }] },
                    ],
                },
            },
            child,
        );

        this.host = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
        this.port = layout.clientPort;
        this.replicas = cluster.size;
        this.passwords = this.credentials.passwords;
        this.registerOutputs({ host: this.host, port: this.port, replicas: this.replicas, credentials: this.credentials, passwords: this.passwords, statefulSet: this.statefulSet });
    }
}
