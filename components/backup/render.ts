/**
 * What `npm run render` writes for backups (the external profile's job definition, usable by any
 * operator): the script, the backup role SQL, the S3 policies, a systemd service + timer for a
 * host with pg_dump and curl, a Kubernetes CronJob manifest (JSON, which kubectl reads as YAML)
 * reading a Secret the operator creates, and the environment without secrets.
 */
import { BackupImages, BackupTarget, SECRET_KEYS, backupCronJobSpec, backupPodSpec } from "./job";
import type { BackupPlan } from "./plan";
import { renderBackupRoleSql } from "./role-sql";
import { backupScript } from "./script";

const DOW = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** One cron field as a systemd calendar component; `first` is where a step over `*` starts (0 for time, 1 for dates). */
function calendarField(field: string, dow: boolean, first = 0): string {
    return field
        .split(",")
        .map((part) => {
            const [range, step] = part.split("/");
            const name = (v: string) => (dow ? DOW[Number(v)] : v);
            const r = range === "*" ? (step ? (dow ? "Sun" : String(first)) : "*") : range.includes("-") ? range.split("-").map(name).join("..") : name(range);
            return step ? `${r}/${step}` : r;
        })
        .join(",");
}

/** A validated 5-field cron schedule as a systemd OnCalendar expression. */
export function onCalendar(schedule: string): string {
    const [minute, hour, dom, month, dow] = schedule.trim().split(/\s+/);
    const date = `*-${calendarField(month, false, 1)}-${calendarField(dom, false, 1)}`;
    const time = `${calendarField(hour, false)}:${calendarField(minute, false)}:00`;
    return dow === "*" ? `${date} ${time}` : `${calendarField(dow, true)} ${date} ${time}`;
}

export interface BackupRenderArgs {
    readonly adminSuperuser: boolean;
    /** Images for the rendered CronJob. */
    readonly images: BackupImages;
    /** Where the job reaches PostgreSQL and S3. */
    readonly target: BackupTarget<string>;
}

export function renderBackupFiles(plan: BackupPlan, args: BackupRenderArgs): Record<string, string> {
    const t = args.target;
    const env = {
        PGHOST: t.pgHost,
        PGPORT: String(t.pgPort),
        PGSSLMODE: t.sslMode,
        ...plan.environment,
        S3_ENDPOINT: t.s3Endpoint,
        S3_REGION: t.s3Region,
        BACKUP_DIR: "/var/lib/stellaops-backup",
    };
    const envFile = [
        "# stellaops-backup.sh environment (no secrets). Put the secrets in backup.secret.env (mode 0600):",
        ...Object.values(SECRET_KEYS).map((k) => `#   ${k}=...`),
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        "",
    ].join("\n");
    const service = [
        "[Unit]",
        "Description=StellaOps PostgreSQL backup (stellaops-backup.sh run)",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        "DynamicUser=yes",
        "StateDirectory=stellaops-backup",
        "EnvironmentFile=/etc/stellaops-backup/backup.env",
        "EnvironmentFile=/etc/stellaops-backup/backup.secret.env",
        "ExecStart=/bin/sh /usr/local/lib/stellaops-backup/stellaops-backup.sh run",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "",
    ].join("\n");
    const timer = ["[Unit]", "Description=StellaOps PostgreSQL backup schedule", "", "[Timer]", `OnCalendar=${onCalendar(plan.schedule)}`, "Persistent=true", "RandomizedDelaySec=300", "", "[Install]", "WantedBy=timers.target", ""].join("\n");
    const labels = { "app.kubernetes.io/name": "stellaops-backup", "app.kubernetes.io/component": "postgres-backup" };
    const cronJob = {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "stellaops-postgres-backup", labels },
        spec: backupCronJobSpec(plan, backupPodSpec(plan, args.images, t, { secret: "stellaops-backup", configMap: "stellaops-backup-script" }), labels),
    };
    return {
        "backup/stellaops-backup.sh": backupScript(),
        "backup/backup-role.sql": renderBackupRoleSql(plan, args.adminSuperuser),
        "backup/backup.env": envFile,
        "backup/stellaops-backup.service": service,
        "backup/stellaops-backup.timer": timer,
        "backup/cronjob.json": JSON.stringify(cronJob, null, 2) + "\n",
        "backup/writer-policy.json": JSON.stringify(plan.writerPolicy, null, 2) + "\n",
        "backup/reader-policy.json": JSON.stringify(plan.readerPolicy, null, 2) + "\n",
    };
}
