/**
 * Files a protected workload mounts, as a ConfigMap or a Secret that the Kubernetes provider
 * names itself (`<resource name>-<suffix>`). The provider replaces a ConfigMap or Secret whose
 * data changes. Under a fixed name that replacement must delete first, and the engine then has to
 * replace every resource that depends on it: the protected StatefulSet, which it refuses
 * (measured by the airgap e2e on a Valkey maxmemory change). Auto-named, the new object is created
 * first, the pod template points at it (a rolling restart: these servers read their files only
 * at start-up), and the old one is deleted last.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface MountedFilesArgs {
    readonly namespace: pulumi.Input<string>;
    readonly labels: Readonly<Record<string, string>>;
    /** File name → content. */
    readonly files: Readonly<Record<string, pulumi.Input<string>>>;
    /** A Secret (credentials, ACL files) instead of a ConfigMap. */
    readonly secret: boolean;
}

/** The object's name is `.metadata.name`: mount it through that Output, never a literal. */
export function mountedFiles(name: string, args: MountedFilesArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.ConfigMap | k8s.core.v1.Secret {
    const metadata = { namespace: args.namespace, labels: { ...args.labels } };
    return args.secret
        ? new k8s.core.v1.Secret(name, { metadata, type: "Opaque", stringData: { ...args.files } }, opts)
        : new k8s.core.v1.ConfigMap(name, { metadata, data: { ...args.files } }, opts);
}
