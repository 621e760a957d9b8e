/**
 * Valkey as Kubernetes StatefulSets (airgap profile): one per planned instance, a retained PVC,
 * valkey.conf from a ConfigMap, the hashed aclfile from a Secret, readiness and liveness probes
 * that PING as the probe user.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigFiles, StatefulServer } from "../kubernetes/stateful-server";
import { Passwords, aclFile, aclRevision, rotatedPasswords } from "./credentials";
import type { RotationPlan } from "../rotation";
import type { ClientSelector, InstanceEndpoint, TlsPair } from "../types";
import type { InstanceKey, InstancePlan, ValkeyPlan } from "./plan";
import { CONF_PATH, CONTAINER_SETTINGS, PROBE_PASSWORD_ENV, aclfileName, probeCommand, renderValkeyConf } from "./render";

export const VALKEY_STATEFULSETS_TYPE = "stellaops:valkey:ValkeyStatefulSets";

/** uid/gid of the valkey user in the official images. */
export const VALKEY_UID = 999;

export interface ValkeyStatefulSetsArgs {
    /** The Valkey plan (instances, users). */
    readonly plan: ValkeyPlan;
    readonly namespace: pulumi.Input<string>;
    /** Mirror image reference (registry/repository@sha256:...). */
    readonly image: string;
    /** PVC size per instance, e.g. 8Gi. */
    readonly storageSize: string;
    /** @default the cluster's default StorageClass */
    readonly storageClass?: string;
    /** Pods allowed through the NetworkPolicy. */
    readonly clients: ClientSelector;
    /** PEM certificate and key, required when the plan has TLS on (kept in a Secret). @default none */
    readonly tls?: TlsPair;
    /** Password generations; a rotated user keeps its previous password until the next rotation. @default no rotation */
    readonly rotation?: RotationPlan;
}

/** Memory: maxmemory plus overhead; the limit leaves room for the AOF rewrite's copy-on-write. */
export function memoryFor(instance: InstancePlan): { request: string; limit: string } {
    return { request: `${instance.maxmemoryMb + 64}Mi`, limit: `${instance.maxmemoryMb * 2 + 64}Mi` };
}

export class ValkeyStatefulSets extends pulumi.ComponentResource {
    /** Generated passwords by user name (secret). */
    public readonly passwords: Passwords;
    /** Endpoint per instance key (Service DNS name). */
    public readonly endpoints: Partial<Record<InstanceKey, InstanceEndpoint>>;
    public readonly servers: StatefulServer[];

    constructor(name: string, args: ValkeyStatefulSetsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(VALKEY_STATEFULSETS_TYPE, name, {}, opts);
        const plan = args.plan;
        if (plan.tls && !args.tls) throw new Error("valkey.tls is true: expected a certificate and key (tls.cert, tls.key)");
        const pw = rotatedPasswords(name, plan, this, args.rotation);
        this.passwords = pw.passwords;
        // Valkey reads its aclfile at start-up only, and a changed Secret does not restart a pod:
        // the revision in the pod template does, once per rotation (absent before the first).
        const revision = aclRevision(plan, args.rotation);
        const settings = CONTAINER_SETTINGS;
        const probe = { exec: { command: probeCommand(plan, settings) }, timeoutSeconds: 5 };
        this.endpoints = {};
        const tlsFiles: ConfigFiles[] = plan.tls && args.tls ? [{ mountPath: settings.tlsDir, files: { "tls.crt": args.tls.cert, "tls.key": pulumi.secret(args.tls.key) }, secret: true }] : [];
        this.servers = plan.instances.map((instance) => {
            const memory = memoryFor(instance);
            const server = new StatefulServer(
                `${name}-${instance.key}`,
                {
                    namespace: args.namespace,
                    appName: instance.name,
                    image: args.image,
                    // The image's entrypoint runs as the non-root uid already; args replace only CMD.
                    args: ["valkey-server", CONF_PATH],
                    secretEnv: { [PROBE_PASSWORD_ENV]: this.passwords[plan.probe] },
                    ...(revision && { env: { STELLAOPS_ACL_REVISION: revision } }),
                    ports: [{ name: "valkey", port: settings.port }],
                    storage: { size: args.storageSize, mountPath: settings.dir, storageClass: args.storageClass },
                    configFiles: [
                        { mountPath: path.posix.dirname(CONF_PATH), files: { [path.posix.basename(CONF_PATH)]: renderValkeyConf(plan, instance, settings) }, secret: false },
                        { mountPath: settings.aclDir, files: { [aclfileName(instance)]: aclFile(instance, pw.passwords, pw.previous) }, secret: true },
                        ...tlsFiles,
                    ],
                    readiness: { ...probe, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
                    // Loading a large AOF takes a while: liveness waits longer and tolerates more misses.
                    liveness: { ...probe, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
                    resources: { requests: { cpu: "100m", memory: memory.request }, limits: { cpu: "1", memory: memory.limit } },
                    runAsUser: VALKEY_UID,
                    clients: args.clients,
                },
                { parent: this },
            );
            this.endpoints[instance.key] = { host: server.host, port: settings.port };
            return server;
        });
        this.registerOutputs({ passwords: this.passwords, endpoints: this.endpoints, servers: this.servers });
    }
}
