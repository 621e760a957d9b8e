/**
 * NATS JetStream as a single-server StatefulSet (airgap profile, `kubernetes.topology: single`):
 * the rendered nats-server.conf in a Secret (it holds bcrypt hashes), the JetStream store on a
 * retained PVC, HTTP probes on the monitoring port, memory limits derived from the memory store,
 * non-root with a read-only root filesystem. The HA topology is NatsCluster (./cluster.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { StatefulServer } from "../kubernetes/stateful-server";
import { NatsCredentials, natsRevision } from "./credentials";
import { NatsKubernetesArgs, NATS_POD_COMMAND, natsGoMemLimit, natsPodFiles, natsPodResources } from "./kubernetes-pod";
import { containerLayout } from "./layout";

export const NATS_STATEFULSET_TYPE = "stellaops:nats:NatsStatefulSet";

export type NatsStatefulSetArgs = NatsKubernetesArgs;

export class NatsStatefulSet extends pulumi.ComponentResource {
    /** In-cluster DNS name of the Service. */
    public readonly host: pulumi.Output<string>;
    /** Client port. */
    public readonly port: number;
    public readonly credentials: NatsCredentials;
    /** Password per NATS user (secret). */
    public readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;
    public readonly server: StatefulServer;

    constructor(name: string, args: NatsStatefulSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NATS_STATEFULSET_TYPE, name, {}, opts);
        const { plan } = args;
        if (plan.cluster) throw new Error(`${name}: the plan is a cluster: expected NatsCluster`);
        const layout = containerLayout(plan, "nats");
        if (plan.tls && !args.tls) throw new Error(`${name}: the plan has TLS: expected tls.cert and tls.key`);
        this.credentials = new NatsCredentials(`${name}-credentials`, { plan, rotation: args.rotation }, { parent: this });
        // nats-server reads its config at start-up only, and a changed Secret restarts no pod: the revision does.
        const revision = natsRevision(plan, args.rotation);
        const configFiles = natsPodFiles(args, layout, this.credentials.bcryptHashes);
        const probe = (path: string) => ({ httpGet: { path, port: layout.monitorPort } });
        this.server = new StatefulServer(
            `${name}-server`,
            {
                namespace: args.namespace,
                appName: "nats",
                image: args.image,
                command: [NATS_POD_COMMAND[0]],
                args: NATS_POD_COMMAND.slice(1),
                env: { GOMEMLIMIT: natsGoMemLimit(plan), ...(revision && { STELLAOPS_NATS_REVISION: revision }) },
                ports: [
                    { name: "client", port: layout.clientPort },
                    { name: "monitor", port: layout.monitorPort },
                ],
                storage: { size: args.storageSize, mountPath: layout.storeDir!, storageClass: args.storageClass },
                configFiles,
                // Ready once JetStream is healthy; alive while JetStream is enabled (recovery of a large store may take a while).
                readiness: { ...probe("/healthz"), periodSeconds: 5, failureThreshold: 6 },
                liveness: { ...probe(plan.healthPath), initialDelaySeconds: 10, periodSeconds: 30, failureThreshold: 5 },
                resources: natsPodResources(plan),
                runAsUser: 1000,
                clients: args.clients,
            },
            { parent: this },
        );
        this.host = this.server.host;
        this.port = layout.clientPort;
        this.passwords = this.credentials.passwords;
        this.registerOutputs({ host: this.host, port: this.port, credentials: this.credentials, passwords: this.passwords, server: this.server });
    }
}
