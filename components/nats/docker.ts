/**
 * NATS JetStream in a Docker container (dev profile): the rendered nats-server.conf (bcrypt
 * hashes, secret) uploaded into the container and passed with --config so it replaces the
 * image's built-in file, the JetStream store on a retained volume, a JetStream health check.
 */
import * as pulumi from "@pulumi/pulumi";
import { ContainerServer } from "../docker/container-server";
import { credentialsFor, NatsCredentials, secretNatsConf } from "./credentials";
import { NatsPlan, NatsPlanOptions, planNats } from "./plan";

export const NATS_CONTAINER_TYPE = "stellaops:nats:NatsContainer";

/** Where the rendered config and the TLS files live inside the container. */
export const NATS_CONF_PATH = "/etc/nats/stellaops/nats-server.conf";

export interface NatsContainerArgs {
    /** Physical container name (host name on the network); the volume is `<containerName>-data`. */
    readonly containerName: string;
    /** Pinned image reference; an image with `nats-server` on PATH and busybox wget (the -alpine variant). */
    readonly image: string;
    readonly networkName: pulumi.Input<string>;
    /** Host address and port the client port is published on; monitoring stays inside the network. */
    readonly bindAddress: string;
    readonly hostPort: number;
    /** JetStream limits, accounts and TLS; the store directory and ports are the container's. */
    readonly options: Omit<NatsPlanOptions, "serverName" | "listenHost" | "clientPort" | "monitorPort" | "storeDir" | "tlsDir">;
    /** PEM certificate and key, required when options.tls is true (secret). */
    readonly tls?: { readonly cert: pulumi.Input<string>; readonly key: pulumi.Input<string> };
}

export class NatsContainer extends pulumi.ComponentResource {
    /** Host name on the Docker network (what service containers use). */
    public readonly host: pulumi.Output<string>;
    public readonly port: number;
    public readonly plan: NatsPlan;
    public readonly credentials: NatsCredentials;
    public readonly server: ContainerServer;

    constructor(name: string, args: NatsContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NATS_CONTAINER_TYPE, name, {}, opts);
        this.plan = planNats({ ...args.options, serverName: args.containerName });
        if (this.plan.tls && !args.tls) throw new Error(`${name}: options.tls is true: expected tls.cert and tls.key`);
        this.credentials = credentialsFor(`${name}-credentials`, this.plan, { parent: this });
        const files = [{ path: NATS_CONF_PATH, content: secretNatsConf(this.plan, this.credentials.bcryptHashes) }];
        if (this.plan.tls && args.tls) {
            files.push({ path: this.plan.tls.certFile, content: pulumi.output(args.tls.cert) }, { path: this.plan.tls.keyFile, content: pulumi.secret(args.tls.key) });
        }
        this.server = new ContainerServer(
            `${name}-server`,
            {
                containerName: args.containerName,
                image: args.image,
                networkName: args.networkName,
                // Only our file: the image's default config carries a well-known route password.
                command: ["nats-server", "--config", NATS_CONF_PATH],
                ports: [{ internal: this.plan.clientPort, external: args.hostPort }],
                bindAddress: args.bindAddress,
                volumes: [{ name: `${args.containerName}-data`, containerPath: this.plan.jetstream.storeDir }],
                files,
                healthcheck: ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${this.plan.monitorPort}${this.plan.healthPath}`],
            },
            { parent: this },
        );
        this.host = this.server.host;
        this.port = this.plan.clientPort;
        this.registerOutputs({ host: this.host, port: this.port });
    }
}
