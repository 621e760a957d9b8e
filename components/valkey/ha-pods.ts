/**
 * Pod-level pieces of the ha topology, shared by the data members and the Sentinels: the
 * restricted security context, topology spread over nodes and zones, probes, and the
 * NetworkPolicy ingress rules. Plain Kubernetes objects (types only), so they are tested as data.
 */
import type * as k8s from "@pulumi/kubernetes";
import { restrictedContainer, restrictedPod } from "../kubernetes/pod-security";
import type { ClientSelector } from "../types";

export type Labels = Readonly<Record<string, string>>;

/** uid/gid of the valkey user in the official images. */
export const HA_UID = 999;

/** The Pod Security Standards' restricted profile, for the pod and its container. */
export function restrictedSecurity(): { pod: k8s.types.input.core.v1.PodSecurityContext; container: k8s.types.input.core.v1.SecurityContext } {
    return { pod: restrictedPod(HA_UID), container: restrictedContainer() };
}

/**
 * Members on different nodes, always (two members on one node would fall together), and on
 * different zones: required when `requireZones` (the cluster must have as many zones as members,
 * or pods stay Pending), else preferred, so clusters with fewer zones still schedule.
 */
export function spread(labels: Labels, zoneKey: string, requireZones: boolean): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    const labelSelector = { matchLabels: { ...labels } };
    return [
        { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector },
        { maxSkew: 1, topologyKey: zoneKey, whenUnsatisfiable: requireZones ? "DoNotSchedule" : "ScheduleAnyway", labelSelector },
    ];
}

/** Readiness and liveness from one exec check; liveness waits longer (an AOF takes a while to load). */
export function probes(command: readonly string[]): { readinessProbe: k8s.types.input.core.v1.Probe; livenessProbe: k8s.types.input.core.v1.Probe } {
    const exec = { command: [...command] };
    return {
        readinessProbe: { exec, timeoutSeconds: 5, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
        livenessProbe: { exec, timeoutSeconds: 5, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
    };
}

/** Peers allowed in on one port: the clients (in their namespaces and this one) and pods with the given labels (replication, Sentinel). */
export function ingress(port: number, clients: ClientSelector, peers: readonly Labels[]): k8s.types.input.networking.v1.NetworkPolicyIngressRule {
    const client = { [clients.podLabel.key]: clients.podLabel.value };
    return {
        from: [
            { podSelector: { matchLabels: client }, namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...clients.namespaces] }] } },
            { podSelector: { matchLabels: client } },
            ...peers.map((p) => ({ podSelector: { matchLabels: { ...p } } })),
        ],
        ports: [{ protocol: "TCP", port }],
    };
}

/** Environment every pod needs: its namespace (stable DNS names), and the probe password from a Secret. */
export function podEnv(secretName: k8s.types.input.core.v1.SecretKeySelector["name"], passwordEnv: string): k8s.types.input.core.v1.EnvVar[] {
    return [
        { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        { name: passwordEnv, valueFrom: { secretKeyRef: { name: secretName, key: passwordEnv } } },
    ];
}
