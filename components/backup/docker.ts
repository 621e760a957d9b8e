/**
 * Scheduled PostgreSQL backups on Docker (dev profile). Docker has no scheduler, so two
 * long-running containers run stellaops-backup.sh in a loop on a shared spool volume: one from the
 * PostgreSQL image dumps every `backup.intervalMinutes`, one from `images.backup` (curl) uploads
 * finished dumps every minute. The spool is scratch space (not protected): the backups live in
 * the locked bucket. Both run as root inside their containers because a fresh named volume is
 * root-owned and the two images have different users; neither publishes a port.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceCredentials } from "../objectstore/settings";
import { BackupImages, BackupTarget, stepEnvironment } from "./job";
import type { BackupPlan } from "./plan";
import { SCRIPT_FILE, SPOOL_DIR, backupScript } from "./script";

export const POSTGRES_BACKUP_CONTAINERS_TYPE = "stellaops:backup:PostgresBackupContainers";

export interface PostgresBackupContainersArgs {
    readonly plan: BackupPlan;
    /** Prefix of container and volume names (`docker.namePrefix`). */
    readonly namePrefix: string;
    readonly networkName: pulumi.Input<string>;
    /** Pinned tags or digests. */
    readonly images: BackupImages;
    /** PostgreSQL and S3 as containers on the network reach them. */
    readonly target: BackupTarget<pulumi.Input<string>>;
    /** The backup role's password (secret). */
    readonly pgPassword: pulumi.Input<string>;
    /** The put-only S3 identity of the backup writer. */
    readonly s3: ServiceCredentials;
    /**
     * Seconds between two looks for finished dumps.
     * @default 60
     */
    readonly uploadPollSeconds?: number;
}

export class PostgresBackupContainers extends pulumi.ComponentResource {
    /** Physical names of the dump and upload containers. */
    public readonly dumpContainer: pulumi.Output<string>;
    public readonly uploadContainer: pulumi.Output<string>;

    constructor(name: string, args: PostgresBackupContainersArgs, opts?: pulumi.ComponentResourceOptions) {
        super(POSTGRES_BACKUP_CONTAINERS_TYPE, name, {}, opts);
        const env = stepEnvironment(args.plan, args.target);
        // Dumps wait here until uploaded: a volume like any other, kept when the stack goes.
        const spool = new docker.Volume(`${name}-spool`, { name: `${args.namePrefix}-backup-spool` }, { parent: this, protect: true, retainOnDelete: true });
        const step = (key: "dump" | "upload", image: string, vars: Record<string, pulumi.Input<string>>) => {
            const pulled = new docker.RemoteImage(`${name}-${key}-image`, { name: image, keepLocally: true }, { parent: this });
            return new docker.Container(
                `${name}-${key}`,
                {
                    name: `${args.namePrefix}-backup-${key}`,
                    image: pulled.imageId,
                    entrypoints: ["sh", SCRIPT_FILE],
                    command: ["loop", key],
                    envs: Object.entries(vars).map(([k, v]) => pulumi.interpolate`${k}=${v}`),
                    networksAdvanced: [{ name: args.networkName }],
                    volumes: [{ volumeName: spool.name, containerPath: SPOOL_DIR }],
                    uploads: [{ file: SCRIPT_FILE, content: backupScript(), executable: true }],
                    user: "0:0",
                    restart: "unless-stopped",
                },
                { parent: this },
            );
        };
        const dump = step("dump", args.images.postgres, { ...env.dump, PGPASSWORD: pulumi.secret(args.pgPassword), BACKUP_INTERVAL_SECONDS: String(args.plan.intervalSeconds) });
        const upload = step("upload", args.images.upload, {
            ...env.upload,
            AWS_ACCESS_KEY_ID: args.s3.accessKeyId,
            AWS_SECRET_ACCESS_KEY: pulumi.secret(args.s3.secretAccessKey),
            BACKUP_INTERVAL_SECONDS: String(args.uploadPollSeconds ?? 60),
            // Most polls find nothing: that is not a failure here (it is in the CronJob).
            BACKUP_ALLOW_EMPTY: "1",
        });
        this.dumpContainer = dump.name;
        this.uploadContainer = upload.name;
        this.registerOutputs({ dumpContainer: this.dumpContainer, uploadContainer: this.uploadContainer });
    }
}
