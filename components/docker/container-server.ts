/**
 * One server in a Docker container (dev profile): pinned image, data on named volumes that
 * survive `pulumi destroy`, config files uploaded into the container, a health check, and
 * ports published on one address (loopback by default).
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export const CONTAINER_SERVER_TYPE = "stellaops:docker:ContainerServer";

export interface ContainerServerArgs {
    /** Physical container name; also its host name on the network. */
    readonly containerName: string;
    /** Pinned image reference (tag or digest). */
    readonly image: string;
    /** Docker network the container joins. */
    readonly networkName: pulumi.Input<string>;
    /** Command (replaces the image's CMD). */
    readonly command?: readonly string[];
    /** Environment variables; secret values stay secret in state. */
    readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Ports published on `bindAddress`. */
    readonly ports: readonly { readonly internal: number; readonly external: number }[];
    /** Host address published ports bind to. */
    readonly bindAddress: string;
    /** Named volumes (physical names) and where they mount; protected and retained. */
    readonly volumes: readonly { readonly name: string; readonly containerPath: string }[];
    /** Files written into the container before it starts (config, ACL files). */
    readonly files?: readonly { readonly path: string; readonly content: pulumi.Input<string> }[];
    /** Health check command (exec form, without the CMD keyword). */
    readonly healthcheck: readonly string[];
    /** User the process runs as, e.g. "999:999". */
    readonly user?: string;
}

export class ContainerServer extends pulumi.ComponentResource {
    /** Host name other containers on the network use. */
    public readonly host: pulumi.Output<string>;
    /** The container, for `dependsOn` of clients that need the server up. */
    public readonly container: docker.Container;

    constructor(name: string, args: ContainerServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CONTAINER_SERVER_TYPE, name, {}, opts);
        const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, { parent: this });
        const volumes = args.volumes.map(
            (v) => new docker.Volume(`${name}-volume-${v.name}`, { name: v.name }, { parent: this, protect: true, retainOnDelete: true }),
        );
        this.container = new docker.Container(
            `${name}-container`,
            {
                name: args.containerName,
                image: image.imageId,
                command: args.command ? [...args.command] : undefined,
                envs: Object.entries(args.env ?? {}).map(([k, v]) => pulumi.interpolate`${k}=${v}`),
                networksAdvanced: [{ name: args.networkName, aliases: [args.containerName] }],
                ports: args.ports.map((p) => ({ internal: p.internal, external: p.external, ip: args.bindAddress })),
                volumes: args.volumes.map((v, i) => ({ volumeName: volumes[i].name, containerPath: v.containerPath })),
                uploads: (args.files ?? []).map((f) => ({ file: f.path, content: f.content })),
                healthcheck: { tests: ["CMD", ...args.healthcheck], interval: "10s", timeout: "5s", retries: 5, startPeriod: "20s" },
                restart: "unless-stopped",
                user: args.user,
                // `pulumi up` returns only once the health check passes, so clients can connect.
                wait: true,
                waitTimeout: 120,
            },
            { parent: this },
        );
        this.host = this.container.name;
        this.registerOutputs({ host: this.host, container: this.container });
    }
}
