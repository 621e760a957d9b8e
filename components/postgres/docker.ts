/**
 * PostgreSQL in a Docker container (dev profile): data on a retained volume, superuser
 * password from a secret, ready (pg_isready) before `pulumi up` moves on to roles and schemas.
 */
import * as pulumi from "@pulumi/pulumi";
import { ContainerServer } from "../docker/container-server";

export const POSTGRES_CONTAINER_TYPE = "stellaops:postgres:PostgresContainer";

export interface PostgresContainerArgs {
    /** Physical container name (host name on the network). */
    readonly containerName: string;
    /** Pinned image reference. */
    readonly image: string;
    readonly networkName: pulumi.Input<string>;
    /** Host address and port the server is published on. */
    readonly bindAddress: string;
    readonly hostPort: number;
    /** Superuser password (secret). */
    readonly superuserPassword: pulumi.Input<string>;
}

export class PostgresContainer extends pulumi.ComponentResource {
    /** Host name on the Docker network (what service containers use). */
    public readonly host: pulumi.Output<string>;
    public readonly port: number = 5432;
    /** Where the Pulumi PostgreSQL provider connects: the published port on the host. */
    public readonly adminHost: string;
    public readonly adminPort: number;
    public readonly server: ContainerServer;

    constructor(name: string, args: PostgresContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(POSTGRES_CONTAINER_TYPE, name, {}, opts);
        this.server = new ContainerServer(
            `${name}-server`,
            {
                containerName: args.containerName,
                image: args.image,
                networkName: args.networkName,
                env: { POSTGRES_USER: "postgres", POSTGRES_PASSWORD: args.superuserPassword, PGDATA: "/var/lib/postgresql/data/pgdata" },
                ports: [{ internal: 5432, external: args.hostPort }],
                bindAddress: args.bindAddress,
                volumes: [{ name: `${args.containerName}-data`, containerPath: "/var/lib/postgresql/data" }],
                healthcheck: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"],
            },
            { parent: this },
        );
        this.host = this.server.host;
        this.adminHost = args.bindAddress === "0.0.0.0" ? "127.0.0.1" : args.bindAddress;
        this.adminPort = args.hostPort;
        this.registerOutputs({ host: this.host, port: this.port, adminHost: this.adminHost, adminPort: this.adminPort });
    }
}
