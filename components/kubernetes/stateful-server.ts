/**
 * One server as a Kubernetes StatefulSet (airgap profile): a PVC per replica that outlives the
 * stack, a Service, config files from a ConfigMap or a Secret, probes, requests and limits, a
 * non-root restricted security context, and a NetworkPolicy that admits only StellaOps pods.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { QUIET_POD, RETAIN_CLAIMS, restrictedContainer, restrictedPod } from "./pod-security";
import { mountedFiles } from "./mounted-files";
import type { ClientSelector } from "../types";

export const STATEFUL_SERVER_TYPE = "stellaops:kubernetes:StatefulServer";

type Probe = k8s.types.input.core.v1.Probe;

export interface ConfigFiles {
    /** Directory the files appear in. */
    readonly mountPath: string;
    /** File name to content. */
    readonly files: Readonly<Record<string, pulumi.Input<string>>>;
    /** Stored as a Secret (credentials, ACL files) instead of a ConfigMap. */
    readonly secret: boolean;
}

export interface StatefulServerArgs {
    readonly namespace: pulumi.Input<string>;
    /** Physical name of the StatefulSet and Service; label app.kubernetes.io/name. */
    readonly appName: string;
    /** Image reference (the airgap profile passes mirror@sha256 references only). */
    readonly image: string;
    readonly command?: readonly string[];
    readonly args?: readonly string[];
    /** Plain environment variables. */
    readonly env?: Readonly<Record<string, string>>;
    /** Environment variables kept in a Secret and read through secretKeyRef. */
    readonly secretEnv?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly ports: readonly { readonly name: string; readonly port: number }[];
    readonly storage: { readonly size: string; readonly mountPath: string; readonly storageClass?: string };
    readonly configFiles?: readonly ConfigFiles[];
    /** Writable scratch directories (emptyDir); the root filesystem is read-only. */
    readonly scratchPaths?: readonly string[];
    readonly readiness: Probe;
    readonly liveness: Probe;
    readonly resources: {
        readonly requests: { readonly cpu: string; readonly memory: string };
        readonly limits: { readonly cpu: string; readonly memory: string };
    };
    /** Non-root uid/gid the image expects. */
    readonly runAsUser: number;
    /** Pods that may connect: a label, in these namespaces (plus the server's own). */
    readonly clients: ClientSelector;
}

export class StatefulServer extends pulumi.ComponentResource {
    /** In-cluster DNS name of the Service. */
    public readonly host: pulumi.Output<string>;
    public readonly statefulSet: k8s.apps.v1.StatefulSet;

    constructor(name: string, args: StatefulServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(STATEFUL_SERVER_TYPE, name, {}, opts);
        const labels = { "app.kubernetes.io/name": args.appName, "app.kubernetes.io/part-of": "stellaops-deps" };
        const meta = (suffix: string) => ({ name: `${args.appName}-${suffix}`, namespace: args.namespace, labels });
        const volumes: k8s.types.input.core.v1.Volume[] = [];
        const mounts: k8s.types.input.core.v1.VolumeMount[] = [{ name: "data", mountPath: args.storage.mountPath }];

        (args.configFiles ?? []).forEach((cf, i) => {
            const volName = `config-${i}`;
            const f = mountedFiles(`${name}-files-${i}`, { namespace: args.namespace, labels, files: cf.files, secret: cf.secret }, { parent: this });
            volumes.push(cf.secret ? { name: volName, secret: { secretName: f.metadata.name, defaultMode: 0o440 } } : { name: volName, configMap: { name: f.metadata.name } });
            mounts.push({ name: volName, mountPath: cf.mountPath, readOnly: true });
        });

        (args.scratchPaths ?? []).forEach((p, i) => {
            volumes.push({ name: `scratch-${i}`, emptyDir: {} });
            mounts.push({ name: `scratch-${i}`, mountPath: p });
        });

        const env: k8s.types.input.core.v1.EnvVar[] = Object.entries(args.env ?? {}).map(([k, v]) => ({ name: k, value: v }));
        if (args.secretEnv && Object.keys(args.secretEnv).length > 0) {
            const s = mountedFiles(`${name}-env`, { namespace: args.namespace, labels, files: args.secretEnv, secret: true }, { parent: this });
            for (const k of Object.keys(args.secretEnv)) env.push({ name: k, valueFrom: { secretKeyRef: { name: s.metadata.name, key: k } } });
        }

        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: args.appName, namespace: args.namespace, labels },
                spec: { selector: labels, ports: args.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port })) },
            },
            { parent: this },
        );

        this.statefulSet = new k8s.apps.v1.StatefulSet(
            `${name}-statefulset`,
            {
                metadata: { name: args.appName, namespace: args.namespace, labels },
                spec: {
                    serviceName: service.metadata.name,
                    replicas: 1,
                    selector: { matchLabels: labels },
                    // Keep PVCs when the StatefulSet is deleted or scaled down: data outlives the stack.
                    persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
                    template: {
                        metadata: { labels },
                        spec: {
                            ...QUIET_POD,
                            securityContext: restrictedPod(args.runAsUser),
                            containers: [
                                {
                                    name: args.appName,
                                    image: args.image,
                                    imagePullPolicy: "IfNotPresent",
                                    command: args.command ? [...args.command] : undefined,
                                    args: args.args ? [...args.args] : undefined,
                                    env,
                                    ports: args.ports.map((p) => ({ name: p.name, containerPort: p.port })),
                                    volumeMounts: mounts,
                                    readinessProbe: args.readiness,
                                    livenessProbe: args.liveness,
                                    resources: args.resources,
                                    securityContext: restrictedContainer(),
                                },
                            ],
                            volumes,
                        },
                    },
                    volumeClaimTemplates: [
                        {
                            metadata: { name: "data", labels },
                            spec: {
                                accessModes: ["ReadWriteOnce"],
                                storageClassName: args.storage.storageClass,
                                resources: { requests: { storage: args.storage.size } },
                            },
                        },
                    ],
                },
            },
            // The StatefulSet carries the volume claims: never replace it silently.
            { parent: this, protect: true, retainOnDelete: true },
        );

        new k8s.networking.v1.NetworkPolicy(
            `${name}-netpol`,
            {
                metadata: meta("clients"),
                spec: {
                    podSelector: { matchLabels: labels },
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [
                                {
                                    podSelector: { matchLabels: { [args.clients.podLabel.key]: args.clients.podLabel.value } },
                                    namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...args.clients.namespaces] }] },
                                },
                                { podSelector: { matchLabels: { [args.clients.podLabel.key]: args.clients.podLabel.value } } },
                            ],
                            ports: args.ports.map((p) => ({ protocol: "TCP", port: p.port })),
                        },
                    ],
                },
            },
            { parent: this },
        );

        this.host = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
        this.registerOutputs({ host: this.host, statefulSet: this.statefulSet });
    }
}
