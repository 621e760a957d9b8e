/**
 * airgap: RustFS as a StatefulSet through the shared StatefulServer: PVC (retained), Service,
 * root credentials in a Secret, readiness and liveness on /health, non-root read-only root
 * filesystem with scratch space for logs.
 */
import * as pulumi from "@pulumi/pulumi";
import { StatefulServer } from "../kubernetes/stateful-server";
import type { ClientSelector } from "../types";
import { RUSTFS_ACCESS_KEY_ENV, RUSTFS_DATA_DIR, RUSTFS_HEALTH_PATH, RUSTFS_LOG_DIR, RUSTFS_S3_PORT, RUSTFS_SECRET_KEY_ENV, RUSTFS_UID, rustfsEnv } from "./rustfs-server";

export const RUSTFS_STATEFUL_TYPE = "stellaops:objectstore:RustfsStatefulSet";

export interface RustfsStatefulSetArgs {
    readonly namespace: pulumi.Input<string>;
    /** Physical name of the StatefulSet and Service. */
    readonly appName: string;
    /** Mirror-registry image by digest. */
    readonly image: string;
    /** PVC size. */
    readonly storageSize: string;
    /** @default the cluster's default StorageClass */
    readonly storageClass?: string;
    /** Root credentials (secret Outputs). */
    readonly rootAccessKey: pulumi.Input<string>;
    readonly rootSecretKey: pulumi.Input<string>;
    /** Pods admitted by the NetworkPolicy. */
    readonly clients: ClientSelector;
}

export class RustfsStatefulSet extends pulumi.ComponentResource {
    /** In-cluster DNS name of the Service. */
    public readonly host: pulumi.Output<string>;
    public readonly port: number;
    /** The server, for `dependsOn` of anything that talks to it. */
    public readonly server: StatefulServer;

    constructor(name: string, args: RustfsStatefulSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super(RUSTFS_STATEFUL_TYPE, name, {}, opts);
        const health = { httpGet: { path: RUSTFS_HEALTH_PATH, port: RUSTFS_S3_PORT } };
        this.server = new StatefulServer(
            `${name}-server`,
            {
                namespace: args.namespace,
                appName: args.appName,
                image: args.image,
                env: rustfsEnv(),
                secretEnv: { [RUSTFS_ACCESS_KEY_ENV]: pulumi.secret(args.rootAccessKey), [RUSTFS_SECRET_KEY_ENV]: pulumi.secret(args.rootSecretKey) },
                ports: [{ name: "s3", port: RUSTFS_S3_PORT }],
                storage: { size: args.storageSize, mountPath: RUSTFS_DATA_DIR, storageClass: args.storageClass },
                scratchPaths: [RUSTFS_LOG_DIR, "/tmp"],
                readiness: { ...health, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
                liveness: { ...health, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 5 },
                resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
                runAsUser: RUSTFS_UID,
                clients: args.clients,
            },
            { parent: this },
        );
        this.host = this.server.host;
        this.port = RUSTFS_S3_PORT;
        this.registerOutputs({ host: this.host, port: this.port, server: this.server });
    }
}
