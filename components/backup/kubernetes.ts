/**
 * Scheduled PostgreSQL backups on Kubernetes (airgap profile): a CronJob from mirrored images
 * (the PostgreSQL image dumps, `images.backup` uploads), the script in a ConfigMap, credentials in
 * a Secret, concurrencyPolicy Forbid, history limits, restricted security context, and the
 * client pod label so the servers' NetworkPolicies admit it.
 * @example
 * new PostgresBackupCronJob("backup", { plan, namespace, images, target, pgPassword, s3: writer, podLabel }, { providers: [k8sProvider] });
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceCredentials } from "../objectstore/settings";
import { BackupImages, BackupTarget, DEFAULT_RESOURCES, SECRET_KEYS, StepResources, backupCronJobSpec, backupPodSpec } from "./job";
import type { BackupPlan } from "./plan";
import { backupScript } from "./script";
import type { ClientSelector } from "../types";

export const POSTGRES_BACKUP_CRONJOB_TYPE = "stellaops:backup:PostgresBackupCronJob";

export interface PostgresBackupCronJobArgs {
    /** The backup plan (schedule, role, bucket, prefix). */
    readonly plan: BackupPlan;
    readonly namespace: pulumi.Input<string>;
    /** Mirror@digest references (the airgap profile's image rules apply to both). */
    readonly images: BackupImages;
    /** In-cluster PostgreSQL and S3 addresses. */
    readonly target: BackupTarget<pulumi.Input<string>>;
    /** The backup role's password (secret). */
    readonly pgPassword: pulumi.Input<string>;
    /** The put-only S3 identity of the backup writer. */
    readonly s3: ServiceCredentials;
    /** Label the servers' NetworkPolicies admit (`kubernetes.clientPodLabel`). */
    readonly podLabel: ClientSelector["podLabel"];
    /**
     * Requests and limits of each step.
     * @default 100m/256Mi requested, 1 CPU/1Gi limit
     */
    readonly resources?: StepResources;
}

export class PostgresBackupCronJob extends pulumi.ComponentResource {
    /** Physical name of the CronJob. */
    public readonly cronJobName: pulumi.Output<string>;

    constructor(name: string, args: PostgresBackupCronJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super(POSTGRES_BACKUP_CRONJOB_TYPE, name, {}, opts);
        const labels = { "app.kubernetes.io/name": "stellaops-backup", "app.kubernetes.io/component": "postgres-backup" };
        const meta = (n: string) => ({ name: n, namespace: args.namespace, labels });
        const script = new k8s.core.v1.ConfigMap(`${name}-script`, { metadata: meta("stellaops-backup-script"), data: { "stellaops-backup.sh": backupScript() } }, { parent: this });
        const secret = new k8s.core.v1.Secret(
            `${name}-credentials`,
            {
                metadata: meta("stellaops-backup"),
                type: "Opaque",
                stringData: {
                    [SECRET_KEYS.pgPassword]: pulumi.secret(args.pgPassword),
                    [SECRET_KEYS.accessKeyId]: args.s3.accessKeyId,
                    [SECRET_KEYS.secretAccessKey]: pulumi.secret(args.s3.secretAccessKey),
                },
            },
            { parent: this },
        );
        const podSpec = backupPodSpec(args.plan, args.images, args.target, { secret: "stellaops-backup", configMap: "stellaops-backup-script" }, args.resources ?? DEFAULT_RESOURCES);
        const podLabels = { ...labels, [args.podLabel.key]: args.podLabel.value };
        const cronJob = new k8s.batch.v1.CronJob(
            `${name}-cronjob`,
            { metadata: meta("stellaops-postgres-backup"), spec: backupCronJobSpec(args.plan, podSpec, podLabels) },
            { parent: this, dependsOn: [script, secret] },
        );
        this.cronJobName = cronJob.metadata.name;
        this.registerOutputs({ cronJobName: this.cronJobName });
    }
}
