/**
 * Valkey in Docker containers (dev profile): one container per planned instance, data on a
 * retained volume, valkey.conf and the hashed aclfile uploaded before start, healthy only when
 * the probe user gets PONG.
 */
import * as pulumi from "@pulumi/pulumi";
import { ContainerServer } from "../docker/container-server";
import { Passwords, aclFile, rotatedPasswords } from "./credentials";
import type { RotationPlan } from "../rotation";
import type { InstanceEndpoint, TlsPair } from "../types";
import type { InstanceKey, ValkeyPlan } from "./plan";
import { CONF_PATH, CONTAINER_SETTINGS, PROBE_PASSWORD_ENV, aclfilePath, probeCommand, renderValkeyConf } from "./render";

export const VALKEY_CONTAINERS_TYPE = "stellaops:valkey:ValkeyContainers";

export interface ValkeyContainersArgs {
    /** The Valkey plan (instances, users). */
    readonly plan: ValkeyPlan;
    /** Pinned Valkey image. */
    readonly image: string;
    /** Docker network the containers join. */
    readonly networkName: pulumi.Input<string>;
    /** Host address published ports bind to. */
    readonly bindAddress: string;
    /** Host port of the first instance; a split cache instance takes the next port. */
    readonly hostPort: number;
    /** Prefix of container and volume names. */
    readonly namePrefix: string;
    /** PEM certificate and key, required when the plan has TLS on (the key is kept secret). @default none */
    readonly tls?: TlsPair;
    /** Password generations; a rotated user keeps its previous password until the next rotation. @default no rotation */
    readonly rotation?: RotationPlan;
}

export class ValkeyContainers extends pulumi.ComponentResource {
    /** Generated passwords by user name (secret). */
    public readonly passwords: Passwords;
    /** Endpoint per instance key, on the Docker network. */
    public readonly endpoints: Partial<Record<InstanceKey, InstanceEndpoint>>;
    /** The servers, for `dependsOn` of clients. */
    public readonly servers: ContainerServer[];

    constructor(name: string, args: ValkeyContainersArgs, opts?: pulumi.ComponentResourceOptions) {
        super(VALKEY_CONTAINERS_TYPE, name, {}, opts);
        const plan = args.plan;
        if (plan.tls && !args.tls) throw new Error("valkey.tls is true: expected a certificate and key (tls.cert, tls.key)");
        const pw = rotatedPasswords(name, plan, this, args.rotation);
        this.passwords = pw.passwords;
        const settings = CONTAINER_SETTINGS;
        this.endpoints = {};
        this.servers = plan.instances.map((instance, i) => {
            const containerName = `${args.namePrefix}-${instance.name}`;
            const files = [
                { path: CONF_PATH, content: renderValkeyConf(plan, instance, settings) as pulumi.Input<string> },
                // A changed aclfile recreates the container (uploads), which loads both hashes of a rotated user.
                { path: aclfilePath(settings, instance), content: aclFile(instance, pw.passwords, pw.previous) },
            ];
            if (plan.tls && args.tls) {
                files.push({ path: `${settings.tlsDir}/tls.crt`, content: args.tls.cert }, { path: `${settings.tlsDir}/tls.key`, content: pulumi.secret(args.tls.key) });
            }
            const server = new ContainerServer(
                `${name}-${instance.key}`,
                {
                    containerName,
                    image: args.image,
                    networkName: args.networkName,
                    command: ["valkey-server", CONF_PATH],
                    env: { [PROBE_PASSWORD_ENV]: this.passwords[plan.probe] },
                    ports: [{ internal: settings.port, external: args.hostPort + i }],
                    bindAddress: args.bindAddress,
                    volumes: [{ name: `${containerName}-data`, containerPath: settings.dir }],
                    files,
                    healthcheck: probeCommand(plan, settings),
                },
                { parent: this },
            );
            this.endpoints[instance.key] = { host: server.host, port: settings.port };
            return server;
        });
        this.registerOutputs({ passwords: this.passwords, endpoints: this.endpoints, servers: this.servers });
    }
}
