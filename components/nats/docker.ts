/**
 * NATS JetStream in a Docker container (dev profile): the rendered nats-server.conf (bcrypt
 * hashes, secret) uploaded into the container and passed with --config so it replaces the
 * image's built-in file, the JetStream store on a retained volume, a JetStream health check.
 */
import * as pulumi from "@pulumi/pulumi";
import { ContainerServer } from "../docker/container-server";
import { NatsCredentials, secretNatsConf } from "./credentials";
import { containerLayout } from "./layout";
import { NatsPlan } from "./plan";
import type { RotationPlan } from "../rotation";
import type { TlsPair } from "../types";

export const NATS_CONTAINER_TYPE = "stellaops:nats:NatsContainer";

/** Where the rendered config lives inside the container. */
export const NATS_CONF_PATH = "/etc/nats/stellaops/nats-server.conf";

export interface NatsContainerArgs {
    /** The NATS plan (planNats), computed once by the stack; a single server (no cluster). */
    readonly plan: NatsPlan;
    /** Physical container name, host name on the network and server_name; the volume is `<containerName>-data`. */
    readonly containerName: string;
    /** Pinned image reference; an image with `nats-server` on PATH and busybox wget (the -alpine variant). */
    readonly image: string;
    /** Docker network the container joins. */
    readonly networkName: pulumi.Input<string>;
    /** Host address the client port is published on; monitoring stays inside the network. */
    readonly bindAddress: string;
    /** Host port the client port is published on. */
    readonly hostPort: number;
    /** PEM certificate and key (secret); required when the plan has TLS. @default none */
    readonly tls?: TlsPair;
    /** Password generations (components/rotation.ts); a new config recreates the container, which loads it. @default no rotation */
    readonly rotation?: RotationPlan;
}

export class NatsContainer extends pulumi.ComponentResource {
    /** Host name on the Docker network (what service containers use). */
    public readonly host: pulumi.Output<string>;
    /** Client port inside the network. */
    public readonly port: number;
    public readonly credentials: NatsCredentials;
    /** Password per NATS user (secret). */
    public readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;
    public readonly server: ContainerServer;

    constructor(name: string, args: NatsContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NATS_CONTAINER_TYPE, name, {}, opts);
        const { plan } = args;
        if (plan.cluster) throw new Error(`${name}: a NATS cluster runs on Kubernetes only (NatsCluster)`);
        if (plan.tls && !args.tls) throw new Error(`${name}: the plan has TLS: expected tls.cert and tls.key`);
        const layout = containerLayout(plan, args.containerName);
        this.credentials = new NatsCredentials(`${name}-credentials`, { plan, rotation: args.rotation }, { parent: this });
        const files = [{ path: NATS_CONF_PATH, content: secretNatsConf(plan, layout, this.credentials.bcryptHashes) }];
        if (plan.tls && args.tls) {
            files.push({ path: `${layout.tlsDir}/tls.crt`, content: pulumi.output(args.tls.cert) }, { path: `${layout.tlsDir}/tls.key`, content: pulumi.secret(args.tls.key) });
        }
        this.server = new ContainerServer(
            `${name}-server`,
            {
                containerName: args.containerName,
                image: args.image,
                networkName: args.networkName,
                // Only our file: the image's default config carries a well-known route password.
                command: ["nats-server", "--config", NATS_CONF_PATH],
                ports: [{ internal: layout.clientPort, external: args.hostPort }],
                bindAddress: args.bindAddress,
                volumes: [{ name: `${args.containerName}-data`, containerPath: layout.storeDir! }],
                files,
                healthcheck: ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${layout.monitorPort}${plan.healthPath}`],
            },
            { parent: this },
        );
        this.host = this.server.host;
        this.port = layout.clientPort;
        this.passwords = this.credentials.passwords;
        this.registerOutputs({ host: this.host, port: this.port, credentials: this.credentials, passwords: this.passwords, server: this.server });
    }
}
