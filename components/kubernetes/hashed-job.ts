/**
 * A run-to-completion Job that Pulumi awaits and recreates exactly when what it runs changes:
 * its name carries a short hash of its mounted files, its pod template and its secret values,
 * so a changed file, image or password is a new name (Pulumi creates the new Job, then deletes
 * the old one; a Job's pod template is immutable anyway), and an unchanged one is no diff.
 * Shared by the bootstrap Jobs; not a component (it creates one resource for its caller).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { QUIET_POD, restrictedContainer, restrictedPod } from "./pod-security";

/** Container requests and limits. */
export interface JobResources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

export const DEFAULT_JOB_RESOURCES: JobResources = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/** What a Job runs: its mounted files, its plain settings (pod template, spec) and its secret values. */
export interface JobContent {
    readonly files: Readonly<Record<string, string>>;
    readonly plain: unknown;
    /** Secret values; only their SHA-256 enters the hash. */
    readonly secrets: readonly string[];
}

/**
 * Ten hex digits of a SHA-256 over the files (sorted by name), the plain settings and a SHA-256
 * per secret. Ten digits of a hash of hashes of 190-bit random passwords reveal nothing usable
 * about them, which is why the hash may be published (in the Job's name) as a plain value.
 */
export function contentHash(content: JobContent): string {
    const files = Object.fromEntries(Object.entries(content.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return sha256(JSON.stringify({ files, plain: content.plain, secrets: content.secrets.map(sha256) })).slice(0, 10);
}

/** `<prefix>-<hash>`, checked against the 63 characters of the `job-name` label Kubernetes puts on the pods. */
export function hashedName(prefix: string, hash: string): string {
    const name = `${prefix}-${hash}`;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) throw new Error(`namePrefix: expected a DNS-1123 label of at most 52 characters, got ${JSON.stringify(prefix)}`);
    return name;
}

export interface HashedJobArgs {
    /** Physical name before the hash. */
    readonly prefix: string;
    readonly namespace: pulumi.Input<string>;
    readonly labels: Readonly<Record<string, string>>;
    /** The pod template (plain values only: secrets come through secretKeyRef). */
    readonly template: pulumi.Input<k8s.types.input.core.v1.PodTemplateSpec>;
    /** Files of the ConfigMap the pod mounts. */
    readonly files: Readonly<Record<string, string>>;
    /** Values of the Secret the pod reads (secret Outputs). */
    readonly secrets: readonly pulumi.Input<string>[];
    /** activeDeadlineSeconds: all attempts together. */
    readonly deadlineSeconds: number;
    /** Pod retries after a failed attempt. */
    readonly backoffLimit: number;
}

/** The Job resource, awaited by Pulumi until it completes (failed: the `up` fails). */
export function hashedJob(name: string, args: HashedJobArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
    const spec = { backoffLimit: args.backoffLimit, activeDeadlineSeconds: args.deadlineSeconds };
    // Only the short hash leaves the secret context; the values themselves stay secret.
    const hash = pulumi.unsecret(pulumi.all([args.template, pulumi.all([...args.secrets])]).apply(([template, secrets]) => contentHash({ files: args.files, plain: { template, spec }, secrets })));
    const timeout = `${args.deadlineSeconds + 120}s`;
    return new k8s.batch.v1.Job(
        name,
        {
            // replaceUnready: a Job that failed in an earlier `up` is recreated, not awaited again.
            // No ttlSecondsAfterFinished: a Job the cluster deleted would be recreated by `up --refresh`.
            metadata: { name: hash.apply((h) => hashedName(args.prefix, h)), namespace: args.namespace, labels: { ...args.labels }, annotations: { "pulumi.com/replaceUnready": "true" } },
            spec: { ...spec, template: args.template },
        },
        { ...opts, customTimeouts: { create: timeout, update: timeout } },
    );
}

/** One script run from a mounted ConfigMap, its secret settings from a Secret of the same name. */
export interface ScriptPodArgs {
    readonly container: string;
    readonly image: string;
    readonly uid: number;
    /** Name of the ConfigMap (files) and of the Secret (secret settings). */
    readonly name: string;
    /** Where the files are mounted, and the script among them. */
    readonly dir: string;
    readonly script: string;
    /** Plain environment; HOME (/tmp) and BOOTSTRAP_DIR are added. */
    readonly env: Readonly<Record<string, string>>;
    /** Keys of the Secret, each passed as the environment variable of that name. */
    readonly secretKeys: readonly string[];
    readonly resources?: JobResources;
}

/** The bootstrap Jobs' pod: non-root and read-only, /tmp on a small emptyDir, no token, no capabilities. */
export function scriptPodSpec(a: ScriptPodArgs) {
    const env = [
        ...Object.entries({ ...a.env, HOME: "/tmp", BOOTSTRAP_DIR: a.dir }).map(([name, value]) => ({ name, value })),
        ...a.secretKeys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: a.name, key } } })),
    ];
    return {
        restartPolicy: "Never",
        ...QUIET_POD,
        securityContext: restrictedPod(a.uid),
        containers: [
            {
                name: a.container,
                image: a.image,
                imagePullPolicy: "IfNotPresent",
                command: ["sh", `${a.dir}/${a.script}`],
                env,
                volumeMounts: [
                    { name: "files", mountPath: a.dir, readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                ],
                resources: a.resources ?? DEFAULT_JOB_RESOURCES,
                securityContext: restrictedContainer(),
            },
        ],
        volumes: [
            { name: "files", configMap: { name: a.name, defaultMode: 0o444 } },
            { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
        ],
    };
}
