/**
 * Kubernetes workload rules: images pinned by digest from the air-gapped mirror, containers
 * non-root with CPU and memory limits. They read the pod template of every workload kind.
 */
import type { ResourceRule } from "./rule";
import { Props, Subject, list, rec } from "./subject";

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATH: Readonly<Record<string, readonly string[]>> = {
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    "kubernetes:core/v1:Pod": ["spec"],
};

export const WORKLOAD_TYPES = Object.keys(POD_SPEC_PATH);

export function podSpec(s: Subject): Props {
    return (POD_SPEC_PATH[s.type] ?? []).reduce<Props>((o, k) => rec(o[k]), s.props);
}

/** Init containers too: they pull images and run code like the others. */
export function containersOf(pod: Props): { readonly label: string; readonly c: Props }[] {
    const named = (kind: string) => list(pod[kind]).map((c) => ({ label: `${kind === "initContainers" ? "init container" : "container"} "${String(rec(c).name ?? "?")}"`, c: rec(c) }));
    return [...named("initContainers"), ...named("containers")];
}

/** `<registry>/<repository>@sha256:<64 hex>`; the registry part must be a host (dot, port or localhost). */
const DIGEST_REF = /^(?<registry>[^/@]+)\/(?<repository>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)@sha256:[0-9a-f]{64}$/;

/** Registries on the internet: never reachable from an air-gapped cluster. */
const PUBLIC_REGISTRIES = ["docker.io", "ghcr.io", "quay.io", "gcr.io", "pkg.dev", "registry.k8s.io", "public.ecr.aws", "mcr.microsoft.com", "registry.gitlab.com", "cgr.dev", "nvcr.io"];

const isPublic = (host: string) => PUBLIC_REGISTRIES.some((p) => host === p || host.endsWith(`.${p}`));
const isHost = (s: string) => s.includes(".") || s.includes(":") || s === "localhost";

/** Violations for one image reference (empty when it is a mirror digest reference). */
export function imageProblems(image: unknown, mirror: string | undefined): string[] {
    if (typeof image !== "string" || image === "") return ["has no image"];
    const m = DIGEST_REF.exec(image);
    if (!m?.groups) return [`image "${image}" is not pinned by digest: expected <registry>/<repository>@sha256:<64 hex>`];
    const registry = m.groups.registry;
    if (!isHost(registry)) return [`image "${image}" names no registry host: expected the mirror's host (with a dot or a port) first`];
    if (isPublic(registry)) return [`image "${image}" comes from the public registry ${registry}: expected the air-gapped mirror`];
    if (mirror && registry !== mirror) return [`image "${image}" comes from ${registry}: expected the mirror ${mirror}`];
    return [];
}

export const airgapImages: ResourceRule = {
    name: "airgap-images-from-mirror",
    description: "Every Kubernetes container image is <mirror registry>/<repository>@sha256:<digest>: no tags, no public registry.",
    remediation: "Set stellaops:images.<name> to the mirrored digest reference from the release manifest.",
    types: WORKLOAD_TYPES,
    configSchema: {
        properties: {
            mirrorRegistry: { type: "string", description: "The mirror registry host[:port]; when set, images from any other registry are violations." },
        },
    },
    check: (s, config) => containersOf(podSpec(s)).flatMap(({ label, c }) => imageProblems(c.image, config.mirrorRegistry).map((p) => `${label} ${p}`)),
};

/** The container's setting, else the pod's (Kubernetes' own precedence). */
const effective = (c: Props, pod: Props, key: string): unknown => rec(c.securityContext)[key] ?? rec(pod.securityContext)[key];

export const nonRootWithLimits: ResourceRule = {
    name: "kubernetes-non-root-with-limits",
    description: "Kubernetes containers run as a non-root user, unprivileged, with CPU and memory limits.",
    remediation: "Set securityContext.runAsNonRoot (and a non-zero runAsUser) on the pod or container, and resources.limits.cpu and .memory.",
    types: WORKLOAD_TYPES,
    check: (s) => {
        const pod = podSpec(s);
        return containersOf(pod).flatMap(({ label, c }) => {
            const out: string[] = [];
            const user = effective(c, pod, "runAsUser");
            if (user === 0) out.push(`${label} runs as uid 0: expected a non-root runAsUser`);
            else if (effective(c, pod, "runAsNonRoot") !== true && !(typeof user === "number" && user > 0)) {
                out.push(`${label} may run as root: expected securityContext.runAsNonRoot true or a non-zero runAsUser`);
            }
            if (rec(c.securityContext).privileged === true) out.push(`${label} is privileged: expected privileged false`);
            const limits = rec(rec(c.resources).limits);
            for (const k of ["cpu", "memory"]) if (limits[k] === undefined || limits[k] === "") out.push(`${label} has no ${k} limit: expected resources.limits.${k}`);
            return out;
        });
    },
};
