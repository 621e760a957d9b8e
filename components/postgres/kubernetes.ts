/**
 * PostgreSQL as a StatefulSet (airgap profile): PVC retained, superuser password in a Secret,
 * pg_isready probes, non-root (uid 999 as in the official image), read-only root filesystem.
 */
import * as pulumi from "@pulumi/pulumi";
import { StatefulServer } from "../kubernetes/stateful-server";
import type { ClientSelector } from "../types";

export const POSTGRES_STATEFULSET_TYPE = "stellaops:postgres:PostgresStatefulSet";

export interface PostgresStatefulSetArgs {
    readonly namespace: pulumi.Input<string>;
    /** Mirror@digest image reference. */
    readonly image: string;
    readonly storageSize: string;
    readonly storageClass?: string;
    /** Superuser password (secret). */
    readonly superuserPassword: pulumi.Input<string>;
    readonly clients: ClientSelector;
}

const isReady = { exec: { command: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"] } };

export class PostgresStatefulSet extends pulumi.ComponentResource {
    /** In-cluster DNS name. */
    public readonly host: pulumi.Output<string>;
    public readonly port: number = 5432;
    public readonly server: StatefulServer;

    constructor(name: string, args: PostgresStatefulSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super(POSTGRES_STATEFULSET_TYPE, name, {}, opts);
        this.server = new StatefulServer(
            `${name}-server`,
            {
                namespace: args.namespace,
                appName: "postgres",
                image: args.image,
                env: { POSTGRES_USER: "postgres", PGDATA: "/var/lib/postgresql/data/pgdata" },
                secretEnv: { POSTGRES_PASSWORD: args.superuserPassword },
                ports: [{ name: "postgres", port: 5432 }],
                storage: { size: args.storageSize, mountPath: "/var/lib/postgresql/data", storageClass: args.storageClass },
                scratchPaths: ["/var/run/postgresql", "/tmp"],
                readiness: { ...isReady, periodSeconds: 5, failureThreshold: 6 },
                liveness: { ...isReady, initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 },
                resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
                runAsUser: 999,
                clients: args.clients,
            },
            { parent: this },
        );
        this.host = this.server.host;
        this.registerOutputs({ host: this.host, port: this.port });
    }
}
