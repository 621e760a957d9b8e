/**
 * The backup job as plain Kubernetes objects, shared by the airgap CronJob component and the
 * external profile's rendered `backup/cronjob.json`: a pod whose init container (the PostgreSQL
 * image: pg_dump) dumps into an emptyDir and whose container (an image with curl >= 7.76) uploads
 * it, both running stellaops-backup.sh from a ConfigMap, non-root, read-only, no capabilities.
 * Generic over the value type so the component passes Outputs and the renderer plain strings.
 */
import { restrictedContainer } from "../kubernetes/pod-security";
import type { BackupPlan } from "./plan";
import { SCRIPT_DIR, SCRIPT_FILE, SPOOL_DIR } from "./script";

/** The two images of a backup run. */
export interface BackupImages {
    /** The PostgreSQL server image of the deployment (same major: its pg_dump). */
    readonly postgres: string;
    /** An image with curl >= 7.76 and a POSIX shell (busybox is enough): `images.backup`. */
    readonly upload: string;
}

/** Where the job reaches PostgreSQL and S3. */
export interface BackupTarget<S> {
    readonly pgHost: S;
    readonly pgPort: number;
    readonly sslMode: string;
    readonly s3Endpoint: S;
    readonly s3Region: string;
}

/** Container resources of each step. */
export interface StepResources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Keys of the Secret the job reads its credentials from. */
export const SECRET_KEYS = { pgPassword: "PGPASSWORD", accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" } as const;

/** uid/gid of the official postgres image's user; curl runs as any uid. */
export const BACKUP_UID = 999;

export const DEFAULT_RESOURCES: StepResources = { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } };

/** Plain (non-secret) environment of the dump and upload steps. */
export function stepEnvironment<S>(plan: BackupPlan, target: BackupTarget<S>): { dump: Record<string, S | string>; upload: Record<string, S | string> } {
    const common = { BACKUP_DIR: SPOOL_DIR, PGDATABASE: plan.database };
    return {
        dump: { ...common, PGHOST: target.pgHost, PGPORT: String(target.pgPort), PGSSLMODE: target.sslMode, PGUSER: plan.role.name },
        upload: { ...common, S3_ENDPOINT: target.s3Endpoint, S3_REGION: target.s3Region, S3_BUCKET: plan.bucket.name, S3_PREFIX: plan.prefix, BACKUP_PART_MB: String(plan.partSizeMb), HOME: "/tmp" },
    };
}

/** One environment variable: a value, or a key of the credentials Secret. */
type EnvEntry<S> = { name: string; value: S | string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };

const secretRef = (secretName: string, key: string): EnvEntry<never> => ({ name: key, valueFrom: { secretKeyRef: { name: secretName, key } } });
const restricted = restrictedContainer();

/** The pod template spec of one backup run. */
export function backupPodSpec<S>(plan: BackupPlan, images: BackupImages, target: BackupTarget<S>, names: { secret: string; configMap: string }, resources: StepResources = DEFAULT_RESOURCES) {
    const env = stepEnvironment(plan, target);
    const plain = (e: Record<string, S | string>): EnvEntry<S>[] => Object.entries(e).map(([name, value]) => ({ name, value }));
    const mounts = [
        { name: "script", mountPath: SCRIPT_DIR, readOnly: true },
        { name: "spool", mountPath: SPOOL_DIR },
        { name: "tmp", mountPath: "/tmp" },
    ];
    const step = (name: string, image: string, command: string, vars: EnvEntry<S>[]) => ({
        name,
        image,
        imagePullPolicy: "IfNotPresent",
        command: ["sh", SCRIPT_FILE, command],
        env: vars,
        volumeMounts: mounts,
        resources,
        securityContext: restricted,
    });
    return {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: { runAsNonRoot: true, runAsUser: BACKUP_UID, runAsGroup: BACKUP_UID, fsGroup: BACKUP_UID, seccompProfile: { type: "RuntimeDefault" } },
        // The dump runs to completion before the upload starts; a failed dump fails the Job.
        initContainers: [step("dump", images.postgres, "dump", [...plain(env.dump), secretRef(names.secret, SECRET_KEYS.pgPassword)])],
        containers: [step("upload", images.upload, "upload", [...plain(env.upload), secretRef(names.secret, SECRET_KEYS.accessKeyId), secretRef(names.secret, SECRET_KEYS.secretAccessKey)])],
        volumes: [
            { name: "script", configMap: { name: names.configMap, defaultMode: 0o555 } },
            { name: "spool", emptyDir: {} },
            { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
        ],
    };
}

/** The CronJob spec around a pod spec: one run at a time, a short history, bounded retries. */
export function backupCronJobSpec<P>(plan: BackupPlan, podSpec: P, podLabels: Readonly<Record<string, string>>) {
    return {
        schedule: plan.schedule,
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        // A run missed by more than an hour (controller down) is skipped, not run late at peak time.
        startingDeadlineSeconds: 3600,
        jobTemplate: {
            spec: {
                backoffLimit: 2,
                activeDeadlineSeconds: 6 * 3600,
                template: { metadata: { labels: { ...podLabels } }, spec: podSpec },
            },
        },
    };
}
