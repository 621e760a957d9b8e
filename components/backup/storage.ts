/**
 * Where backups go: the dedicated bucket from the backup plan (versioned, object lock with the
 * backup retention as default, lifecycle expiry after it; protected and retained by
 * StorageBucket) and, on servers with the MinIO-compatible admin API (RustFS), two identities:
 * a writer that may only put objects under the prefix (the scheduled job) and a reader that may
 * only list and get them (restores). Providers (S3 API, admin API) come through `opts`.
 */
import * as minio from "@pulumi/minio";
import * as pulumi from "@pulumi/pulumi";
import { generatedPassword } from "../credentials";
import type { PolicyDocument } from "../objectstore/access-policy";
import { StorageBucket } from "../objectstore/bucket";
import type { ServiceCredentials } from "../objectstore/settings";
import { BackupPlan, archiverPolicy } from "./plan";

export const BACKUP_STORAGE_TYPE = "stellaops:backup:BackupStorage";

export interface BackupStorageArgs {
    readonly plan: BackupPlan;
    /** aws: Block Public Access, ownership and encryption too (StorageBucket). */
    readonly backend: "aws" | "s3compatible";
    /**
     * Create writer and reader users through the MinIO-compatible admin API; false: the caller
     * supplies credentials the backend's operator limited (external without `supportsUsers`).
     */
    readonly users: boolean;
    /** Prefix of user and policy names. @default "stellaops" */
    readonly namePrefix?: string;
    /** Key prefix of a continuous archiver (CloudNativePG) that also gets an identity: put, get, list, delete there. @default none */
    readonly archiverPrefix?: string;
}

export class BackupStorage extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    /** Put-only identity (present when `users`). */
    public readonly writer?: ServiceCredentials;
    /** List-and-read identity for restores (present when `users`). */
    public readonly reader?: ServiceCredentials;
    /** The continuous archiver's identity (present with `archiverPrefix` and `users`). */
    public readonly archiver?: ServiceCredentials;

    constructor(name: string, args: BackupStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(BACKUP_STORAGE_TYPE, name, {}, opts);
        const bucket = new StorageBucket(`${name}-bucket`, { spec: args.plan.bucket, backend: args.backend }, { parent: this });
        this.bucketName = bucket.bucketName;
        if (args.users) {
            const prefix = args.namePrefix ?? "stellaops";
            this.writer = this.identity(`${name}-writer`, `${prefix}-backup-w`, args.plan.writerPolicy);
            this.reader = this.identity(`${name}-reader`, `${prefix}-backup-r`, args.plan.readerPolicy);
            if (args.archiverPrefix !== undefined) this.archiver = this.identity(`${name}-archiver`, `${prefix}-backup-a`, archiverPolicy(args.plan.bucket.name, args.archiverPrefix));
        }
        this.registerOutputs({ bucketName: this.bucketName, writer: this.writer, reader: this.reader, archiver: this.archiver });
    }

    private identity(child: string, user: string, policy: PolicyDocument): ServiceCredentials {
        // MinIO-compatible servers cap access keys (user names) at 20 characters.
        if (user.length > 20) throw new Error(`namePrefix: expected at most ${20 - "-backup-w".length} characters (user name ${user})`);
        const secret = generatedPassword(`${child}-secret`, { parent: this }, 40);
        // A user and its policy need no bucket: the policy names it, so no order between them.
        const u = new minio.IamUser(`${child}-user`, { name: user, secret }, { parent: this });
        const p = new minio.IamPolicy(`${child}-policy`, { name: user, policy: JSON.stringify(policy) }, { parent: this });
        new minio.IamUserPolicyAttachment(`${child}-attach`, { userName: u.name, policyName: p.name }, { parent: this });
        return { accessKeyId: u.name, secretAccessKey: secret };
    }
}
