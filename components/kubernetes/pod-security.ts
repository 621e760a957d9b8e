/**
 * The Pod Security Standards' `restricted` profile as every pod of this project sets it: one
 * declaration for the StatefulSets, the ha clusters, the Jobs and the CronJobs, so a namespace
 * labelled `pod-security.kubernetes.io/enforce: restricted` admits them all.
 */
import type * as k8s from "@pulumi/kubernetes";

/** Pod level: a non-root uid/gid (the image's), the runtime's default seccomp profile; volumes group-owned by it. */
export function restrictedPod(uid: number): k8s.types.input.core.v1.PodSecurityContext {
    return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

/** Container level: no escalation, no capabilities, a read-only root filesystem (scratch goes to emptyDirs). */
export function restrictedContainer(): k8s.types.input.core.v1.SecurityContext {
    return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };
}

/** Pod spec fields every server pod sets: no API token (no server talks to the API), no service links. */
export const QUIET_POD = { automountServiceAccountToken: false, enableServiceLinks: false } as const;

/** PVCs of a StatefulSet outlive it and its scale-downs: data is never deleted with the workload. */
export const RETAIN_CLAIMS = { whenDeleted: "Retain", whenScaled: "Retain" } as const;
