/**
 * What the single-server StatefulSet and the cluster share on Kubernetes: their args, the config
 * and TLS files (Secrets, never ConfigMaps: the config holds bcrypt hashes), memory sizing.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigFiles } from "../kubernetes/stateful-server";
import { secretNatsConf } from "./credentials";
import { NatsServerLayout } from "./layout";
import { NatsPlan, serverMemoryMb } from "./plan";
import type { RotationPlan } from "../rotation";
import type { ClientSelector, TlsPair } from "../types";

/** Directory of the rendered config inside the pod. */
export const NATS_POD_CONF_DIR = "/etc/nats/stellaops";

/** Only our file: the image's default config carries a well-known route password. */
export const NATS_POD_COMMAND = ["nats-server", "--config", `${NATS_POD_CONF_DIR}/nats-server.conf`];

export interface NatsKubernetesArgs {
    /** The NATS plan (planNats), computed once by the stack. */
    readonly plan: NatsPlan;
    /** Namespace of the servers (and of their Secrets and Services). */
    readonly namespace: pulumi.Input<string>;
    /** Mirror@digest image reference with `nats-server` on PATH. */
    readonly image: string;
    /** PVC size of each server's JetStream store, e.g. "10Gi". */
    readonly storageSize: string;
    /** @default the cluster's default storage class */
    readonly storageClass?: string;
    /** PEM certificate and key (secret); required when the plan has TLS. @default none */
    readonly tls?: TlsPair;
    /** Pods that may connect as clients: a label, in these namespaces (plus the server's own). */
    readonly clients: ClientSelector;
    /** Password generations (components/rotation.ts); a rotation restarts the pods so they load the new hashes. @default no rotation */
    readonly rotation?: RotationPlan;
}

/** The rendered config and, with TLS (callers check the material is there), the certificate and key, as Secret-backed files. */
export function natsPodFiles(args: NatsKubernetesArgs, layout: NatsServerLayout, hashes: Readonly<Record<string, pulumi.Input<string>>>): ConfigFiles[] {
    const files: ConfigFiles[] = [{ mountPath: NATS_POD_CONF_DIR, files: { "nats-server.conf": secretNatsConf(args.plan, layout, hashes) }, secret: true }];
    if (args.plan.tls && args.tls) files.push({ mountPath: layout.tlsDir!, files: { "tls.crt": pulumi.output(args.tls.cert), "tls.key": pulumi.secret(args.tls.key) }, secret: true });
    return files;
}

/** Requests and limits: memory is the memory store plus headroom. */
export function natsPodResources(plan: NatsPlan) {
    const memory = `${serverMemoryMb(plan)}Mi`;
    return { requests: { cpu: "100m", memory }, limits: { cpu: "1", memory } };
}

/** GOMEMLIMIT at 90 % of the limit lets the Go runtime collect garbage before the container is killed. */
export function natsGoMemLimit(plan: NatsPlan): string {
    return `${Math.floor(serverMemoryMb(plan) * 0.9)}MiB`;
}
