/**
 * The PostgreSQL backups' identities on a server the stack reaches with providers: the backup
 * role (reads everything, writes nothing) and the backup bucket with its put-only writer and
 * read-only reader. Platforms add what runs the dumps (containers, a CronJob, a rendered timer).
 */
import type { BackupPlan } from "../../components/backup/plan";
import { BackupRole } from "../../components/backup/role";
import { BackupStorage } from "../../components/backup/storage";
import type { PostgresAccess } from "./postgres";
import type { S3CompatibleStore } from "./objectstore";
import type { Deployed } from "./types";

export interface BackupIdentities {
    readonly role: BackupRole;
    readonly storage: BackupStorage;
    /** For the stack output. */
    readonly output: NonNullable<Deployed["backup"]>;
}

export function backupIdentities(plan: BackupPlan, pg: PostgresAccess, store: Pick<S3CompatibleStore, "s3" | "admin">, namePrefix: string): BackupIdentities {
    const role = new BackupRole("backup-role", { plan, database: pg.schemas.database, roleNames: pg.schemas.roleNames }, { providers: [pg.provider] });
    const storage = new BackupStorage("backup-storage", { plan, backend: "s3compatible", users: store.admin !== undefined, namePrefix }, { providers: store.admin ? [store.s3, store.admin] : [store.s3] });
    return {
        role,
        storage,
        output: {
            bucket: storage.bucketName,
            prefix: plan.prefix,
            schedule: plan.schedule,
            role: role.roleName,
            password: role.password,
            ...(storage.writer && { writer: storage.writer }),
            ...(storage.reader && { reader: storage.reader }),
        },
    };
}
