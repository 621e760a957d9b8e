/**
 * NATS JetStream as a StatefulSet (airgap profile): the rendered nats-server.conf in a Secret
 * (it holds bcrypt hashes), the JetStream store on a retained PVC, HTTP probes on the monitoring
 * port, memory limits derived from the memory store, non-root with a read-only root filesystem.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigFiles, StatefulServer } from "../kubernetes/stateful-server";
import { credentialsFor, NatsCredentials, secretNatsConf } from "./credentials";
import { NatsPlan, NatsPlanOptions, planNats, serverMemoryMb } from "./plan";

export const NATS_STATEFULSET_TYPE = "stellaops:nats:NatsStatefulSet";

const CONF_DIR = "/etc/nats/stellaops";
const TLS_DIR = "/etc/nats/tls";

export interface NatsStatefulSetArgs {
    readonly namespace: pulumi.Input<string>;
    /** Mirror@digest image reference with `nats-server` on PATH. */
    readonly image: string;
    /** PVC size for the JetStream store. */
    readonly storageSize: string;
    readonly storageClass?: string;
    /** JetStream limits, accounts and TLS; the store directory and ports are the pod's. */
    readonly options: Omit<NatsPlanOptions, "serverName" | "listenHost" | "clientPort" | "monitorPort" | "storeDir" | "tlsDir">;
    /** PEM certificate and key, required when options.tls is true (secret). */
    readonly tls?: { readonly cert: pulumi.Input<string>; readonly key: pulumi.Input<string> };
    readonly clients: { readonly podLabel: { readonly key: string; readonly value: string }; readonly namespaces: readonly string[] };
}

export class NatsStatefulSet extends pulumi.ComponentResource {
    /** In-cluster DNS name of the Service. */
    public readonly host: pulumi.Output<string>;
    public readonly port: number;
    public readonly plan: NatsPlan;
    public readonly credentials: NatsCredentials;
    public readonly server: StatefulServer;

    constructor(name: string, args: NatsStatefulSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NATS_STATEFULSET_TYPE, name, {}, opts);
        this.plan = planNats({ ...args.options, serverName: "nats", tlsDir: TLS_DIR });
        if (this.plan.tls && !args.tls) throw new Error(`${name}: options.tls is true: expected tls.cert and tls.key`);
        this.credentials = credentialsFor(`${name}-credentials`, this.plan, { parent: this });
        const configFiles: ConfigFiles[] = [{ mountPath: CONF_DIR, files: { "nats-server.conf": secretNatsConf(this.plan, this.credentials.bcryptHashes) }, secret: true }];
        if (this.plan.tls && args.tls) configFiles.push({ mountPath: TLS_DIR, files: { "tls.crt": pulumi.output(args.tls.cert), "tls.key": pulumi.secret(args.tls.key) }, secret: true });
        const memMb = serverMemoryMb(this.plan);
        const probe = (path: string) => ({ httpGet: { path, port: this.plan.monitorPort } });
        this.server = new StatefulServer(
            `${name}-server`,
            {
                namespace: args.namespace,
                appName: "nats",
                image: args.image,
                // Only our file: the image's default config carries a well-known route password.
                command: ["nats-server"],
                args: ["--config", `${CONF_DIR}/nats-server.conf`],
                // Lets the Go runtime collect garbage before the container limit is reached.
                env: { GOMEMLIMIT: `${Math.floor(memMb * 0.9)}MiB` },
                ports: [
                    { name: "client", port: this.plan.clientPort },
                    { name: "monitor", port: this.plan.monitorPort },
                ],
                storage: { size: args.storageSize, mountPath: this.plan.jetstream.storeDir, storageClass: args.storageClass },
                configFiles,
                // Ready once JetStream is healthy; alive while JetStream is enabled (recovery of a large store may take a while).
                readiness: { ...probe("/healthz"), periodSeconds: 5, failureThreshold: 6 },
                liveness: { ...probe(this.plan.healthPath), initialDelaySeconds: 10, periodSeconds: 30, failureThreshold: 5 },
                resources: { requests: { cpu: "100m", memory: `${memMb}Mi` }, limits: { cpu: "1", memory: `${memMb}Mi` } },
                runAsUser: 1000,
                clients: args.clients,
            },
            { parent: this },
        );
        this.host = this.server.host;
        this.port = this.plan.clientPort;
        this.registerOutputs({ host: this.host, port: this.port });
    }
}
