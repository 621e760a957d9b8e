/**
 * ObjectStoreBootstrapJob: every planned bucket (object lock at creation, versioning, default
 * retention, lifecycle) and one user and identity policy per service (plus extra buckets and
 * users: the backup bucket and its identities), made from inside the
 * cluster by a Job running the MinIO client (`mc`, a mirrored image) against the S3 Service, so
 * a runner outside the cluster network needs no port-forward. The script and the policy and
 * lifecycle documents sit in a ConfigMap, the root and service secret keys in a Secret. Pulumi
 * awaits the Job; its name carries a hash of everything it runs, so a changed plan, image or
 * key makes Pulumi create a new Job, and nothing else does.
 * @example
 * new ObjectStoreBootstrapJob("objectstore-bootstrap", { plan, namespace, image: cfg.images.mc, endpoint: "http://rustfs.stellaops-deps.svc.cluster.local:9000", rootAccessKey, rootSecretKey, policyPrefix: "stellaops", podLabel, ready: [rustfs.server.statefulSet] }, { providers: [k8sProvider] });
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceName } from "../catalog";
import { generatedPassword, slotName } from "../credentials";
import { generationOf, RotationPlan, Slot, slots } from "../rotation";
import { hashedJob, JobResources, scriptPodSpec } from "../kubernetes/hashed-job";
import { BOOTSTRAP_DIR, ExtraIdentity, SCRIPT_FILE, allBuckets, identities, objectStoreFiles } from "./bootstrap-job-script";
import type { BucketSpec, ObjectStorePlan } from "./plan";
import type { ServiceCredentials } from "./settings";

export const OBJECTSTORE_BOOTSTRAP_JOB_TYPE = "stellaops:objectstore:BootstrapJob";

export interface ObjectStoreBootstrapJobArgs {
    /** The plan computed once by the caller (stacks/plans.ts). */
    readonly plan: ObjectStorePlan;
    /** Namespace of the server; the Job, ConfigMap and Secret go there. */
    readonly namespace: pulumi.Input<string>;
    /** An image with `mc` and a POSIX sh on PATH (`images.mc`, mirror@sha256 on airgap). */
    readonly image: string;
    /** The S3 endpoint inside the cluster, `http[s]://host:port`. */
    readonly endpoint: pulumi.Input<string>;
    /** Root credentials of the server (secret Outputs); they must be usable in a URL (the generated ones are alphanumeric). */
    readonly rootAccessKey: pulumi.Input<string>;
    readonly rootSecretKey: pulumi.Input<string>;
    /** Prefix of the policy names (`<policyPrefix>-<service>`); user names are the service names. */
    readonly policyPrefix: string;
    /** Per-service users through the MinIO-compatible admin API; false: every service gets the root credentials. @default true */
    readonly users?: boolean;
    /** Buckets beyond the plan's (the backup bucket: `BackupPlan.bucket`), made the same way. @default none */
    readonly extraBuckets?: readonly BucketSpec[];
    /** Users beyond the services, each with its own policy (the backup writer, reader, archiver); needs users. @default none */
    readonly extraIdentities?: readonly ExtraIdentity[];
    /** Label the server's NetworkPolicy admits (`kubernetes.clientPodLabel`), put on the Job's pod. */
    readonly podLabel: { readonly key: string; readonly value: string };
    /** Resources that must be ready before the Job is created (the server's StatefulSet). @default none */
    readonly ready?: pulumi.Input<pulumi.Resource>[];
    /** Physical names: ConfigMap and Secret `<namePrefix>`, Job `<namePrefix>-<hash>`. @default "objectstore-bootstrap" */
    readonly namePrefix?: string;
    /** Seconds the script waits for the endpoint to answer. @default 300 */
    readonly waitSeconds?: number;
    /** activeDeadlineSeconds of the Job (all attempts together). @default 900 */
    readonly deadlineSeconds?: number;
    /** Pod retries after a failed attempt. @default 2 */
    readonly backoffLimit?: number;
    /** Non-root uid/gid the pod runs as (mc needs no user of its own). @default 1000 */
    readonly runAsUser?: number;
    /** @default 50m/64Mi requested, 500m/256Mi limit */
    readonly resources?: JobResources;
    /**
     * Secret generations per service (components/rotation.ts). As RustfsServiceUsers: the first
     * rotation adds a second user `<service>-b` with the service's policy, later ones give the
     * older user a new secret; the outputs carry the current one. @default no rotation
     */
    readonly rotation?: RotationPlan;
}

export class ObjectStoreBootstrapJob extends pulumi.ComponentResource {
    /** Per service: access key (the service name) and secret key (secret), resolving once the Job has completed. */
    public readonly credentials: Partial<Record<ServiceName, ServiceCredentials>>;
    /** Per extra identity (by user name): its credentials, resolving once the Job has completed. */
    public readonly identities: Readonly<Record<string, ServiceCredentials>>;
    /** Physical bucket name (plan and extras) to the same name as an Output that resolves once the Job has completed (clients wait for it). */
    public readonly bucketNames: Readonly<Record<string, pulumi.Output<string>>>;
    /** Physical name of the Job that ran (`<namePrefix>-<hash>`). */
    public readonly jobName: pulumi.Output<string>;

    constructor(name: string, args: ObjectStoreBootstrapJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super(OBJECTSTORE_BOOTSTRAP_JOB_TYPE, name, {}, opts);
        const { plan } = args;
        const users = args.users !== false;
        const prefix = args.namePrefix ?? "objectstore-bootstrap";
        const uid = args.runAsUser ?? 1000;
        const labels = { "app.kubernetes.io/name": prefix, "app.kubernetes.io/component": "bootstrap", "app.kubernetes.io/part-of": "stellaops-deps" };
        const meta = { name: prefix, namespace: args.namespace, labels };

        const slotsOf = new Map(plan.services.map((s) => [s.service, slots(generationOf(args.rotation, s.service))]));
        const slotB = users ? plan.services.filter((s) => slotsOf.get(s.service)!.b !== undefined).map((s) => s.service) : [];
        const scriptOptions = { policyPrefix: args.policyPrefix, users, waitSeconds: args.waitSeconds, extraBuckets: args.extraBuckets, extraIdentities: args.extraIdentities, ...(slotB.length > 0 && { slotB }) };
        const files = objectStoreFiles(plan, scriptOptions);
        const configMap = new k8s.core.v1.ConfigMap(`${name}-files`, { metadata: meta, data: files }, { parent: this });
        // One generated 40-character key per user, child `-<user>-secret` (RustfsServiceUsers' names for services),
        // a service's second user `-<service>-secret-b`; each at its slot's generation.
        const slotOf = (user: string): [string, Slot, number] => {
            const [service, slot]: [string, Slot] = user.endsWith("-b") && slotB.includes(user.slice(0, -2)) ? [user.slice(0, -2), "b"] : [user, "a"];
            return [service, slot, slotsOf.get(service)?.[slot] ?? 0];
        };
        const secretKeys = new Map(
            identities(plan, scriptOptions).map((u) => {
                const [service, slot, generation] = slotOf(u.user);
                return [u.user, { env: u.env, key: generatedPassword(slotName(`${name}-${service}-secret`, slot), { parent: this }, 40, generation) }] as const;
            }),
        );
        const secretData: Record<string, pulumi.Output<string>> = { ROOT_ACCESS_KEY: pulumi.secret(args.rootAccessKey), ROOT_SECRET_KEY: pulumi.secret(args.rootSecretKey) };
        for (const { env, key } of secretKeys.values()) secretData[env] = key;
        const secret = new k8s.core.v1.Secret(`${name}-keys`, { metadata: meta, type: "Opaque", stringData: secretData }, { parent: this });

        const template = pulumi.output(args.endpoint).apply((endpoint) => ({
            metadata: { labels: { ...labels, [args.podLabel.key]: args.podLabel.value } },
            // mc from the mirrored image, its config dir on the /tmp emptyDir.
            spec: scriptPodSpec({ container: "mc", image: args.image, uid, name: prefix, dir: BOOTSTRAP_DIR, script: SCRIPT_FILE, env: { S3_ENDPOINT: endpoint, MC_CONFIG_DIR: "/tmp/.mc" }, secretKeys: Object.keys(secretData), resources: args.resources }),
        }));
        const job = hashedJob(
            `${name}-job`,
            { prefix, namespace: args.namespace, labels, template, files, secrets: Object.values(secretData), deadlineSeconds: args.deadlineSeconds ?? 900, backoffLimit: args.backoffLimit ?? 2 },
            { parent: this, dependsOn: [configMap, secret, ...(args.ready ?? [])] },
        );

        this.jobName = job.metadata.name;
        const after = <T>(v: pulumi.Input<T>) => pulumi.all([this.jobName, v]).apply(([, x]) => x);
        this.credentials = Object.fromEntries(
            plan.services.map((s) => {
                const user = slotsOf.get(s.service)!.current === "b" ? `${s.service}-b` : s.service;
                const c: ServiceCredentials = users
                    ? { accessKeyId: after(user), secretAccessKey: pulumi.secret(after(secretKeys.get(user)!.key)) }
                    : { accessKeyId: after(args.rootAccessKey), secretAccessKey: pulumi.secret(after(args.rootSecretKey)) };
                return [s.service, c];
            }),
        );
        this.identities = Object.fromEntries((args.extraIdentities ?? []).map((x) => [x.user, { accessKeyId: after(x.user), secretAccessKey: pulumi.secret(after(secretKeys.get(x.user)!.key)) }]));
        this.bucketNames = Object.fromEntries(allBuckets(plan, scriptOptions).map((b) => [b.name, after(b.name)]));
        this.registerOutputs({ credentials: this.credentials, identities: this.identities, bucketNames: this.bucketNames, jobName: this.jobName });
    }
}
