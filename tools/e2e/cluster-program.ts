/**
 * The throwaway program of tools/e2e/cluster-smoke.ts: the upstream Kubernetes provider against
 * the local cluster (tools/e2e/cluster.ts). A restricted namespace, a Secret, a headless Service
 * and a StatefulSet with a claim template, each awaited by the provider as in a real deploy.
 * Config (project stellaops-e2e): kubeconfig (a path), namespace, storageClass.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export = async () => {
    const cfg = new pulumi.Config();
    const provider = new k8s.Provider("local", { kubeconfig: cfg.require("kubeconfig") });
    const ns = new k8s.core.v1.Namespace("smoke", { metadata: { name: cfg.require("namespace"), labels: { "pod-security.kubernetes.io/enforce": "restricted" } } }, { provider });
    const namespace = ns.metadata.name;
    const labels = { app: "smoke-db" };
    const secret = new k8s.core.v1.Secret("smoke-credentials", { metadata: { namespace, name: "smoke-credentials" }, stringData: { PASSWORD: "not-a-real-secret" } }, { provider });
    const service = new k8s.core.v1.Service("smoke-db", { metadata: { namespace, name: "smoke-db" }, spec: { clusterIP: "None", selector: labels, ports: [{ name: "db", port: 5432 }] } }, { provider });
    const sts = new k8s.apps.v1.StatefulSet(
        "smoke-db",
        {
            metadata: { namespace, name: "smoke-db" },
            spec: {
                serviceName: service.metadata.name,
                replicas: 1,
                selector: { matchLabels: labels },
                persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                template: {
                    metadata: { labels },
                    spec: {
                        securityContext: { runAsNonRoot: true, runAsUser: 70, fsGroup: 70, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: "db",
                                image: "registry.invalid/postgres@sha256:" + "0".repeat(64), // kwok never pulls
                                ports: [{ name: "db", containerPort: 5432 }],
                                envFrom: [{ secretRef: { name: secret.metadata.name } }],
                                readinessProbe: { tcpSocket: { port: 5432 }, periodSeconds: 5 },
                                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                                volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }],
                            },
                        ],
                    },
                },
                volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: cfg.require("storageClass"), resources: { requests: { storage: "1Gi" } } } }],
            },
        },
        { provider },
    );
    return { namespace, readyReplicas: sts.status.readyReplicas, secret: secret.metadata.name };
};
