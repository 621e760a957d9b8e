/**
 * dev: RustFS in a Docker container through the shared ContainerServer: pinned image, root
 * credentials as secret environment, data on a retained volume, health check on /health, the
 * S3 port published on the bind address only.
 */
import * as pulumi from "@pulumi/pulumi";
import { ContainerServer } from "../docker/container-server";
import { RUSTFS_ACCESS_KEY_ENV, RUSTFS_DATA_DIR, RUSTFS_HEALTHCHECK, RUSTFS_S3_PORT, RUSTFS_SECRET_KEY_ENV, RUSTFS_UID, rustfsEnv } from "./rustfs-server";

export const RUSTFS_CONTAINER_TYPE = "stellaops:objectstore:RustfsContainer";

export interface RustfsContainerArgs {
    /** Physical container name (also its host name on the network). */
    readonly containerName: string;
    /** Physical name of the data volume. */
    readonly volumeName: string;
    /** Pinned image reference. */
    readonly image: string;
    readonly networkName: pulumi.Input<string>;
    /** Host address and port the S3 API is published on. */
    readonly bindAddress: string;
    readonly hostPort: number;
    /** Root credentials (secret Outputs). */
    readonly rootAccessKey: pulumi.Input<string>;
    readonly rootSecretKey: pulumi.Input<string>;
}

export class RustfsContainer extends pulumi.ComponentResource {
    /** Host name on the Docker network. */
    public readonly host: pulumi.Output<string>;
    /** S3 port on the Docker network. */
    public readonly port: number;
    /** The server, for `dependsOn` of anything that talks to it. */
    public readonly server: ContainerServer;

    constructor(name: string, args: RustfsContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(RUSTFS_CONTAINER_TYPE, name, {}, opts);
        this.server = new ContainerServer(
            `${name}-server`,
            {
                containerName: args.containerName,
                image: args.image,
                networkName: args.networkName,
                env: {
                    ...rustfsEnv(),
                    [RUSTFS_ACCESS_KEY_ENV]: pulumi.secret(args.rootAccessKey),
                    [RUSTFS_SECRET_KEY_ENV]: pulumi.secret(args.rootSecretKey),
                },
                ports: [{ internal: RUSTFS_S3_PORT, external: args.hostPort }],
                bindAddress: args.bindAddress,
                volumes: [{ name: args.volumeName, containerPath: RUSTFS_DATA_DIR }],
                healthcheck: RUSTFS_HEALTHCHECK,
                user: `${RUSTFS_UID}:${RUSTFS_UID}`,
            },
            { parent: this },
        );
        this.host = this.server.host;
        this.port = RUSTFS_S3_PORT;
        this.registerOutputs({ host: this.host, port: this.port, server: this.server });
    }
}
