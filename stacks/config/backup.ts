/**
 * `stellaops:backup`: scheduled PostgreSQL dumps into a dedicated, versioned, object-locked
 * bucket, on the profiles that run or point at servers (aws relies on RDS's own backups).
 * Ranges and the schedule's form are checked by the backup plan.
 */
import { z } from "zod";
import { bool, int, oneOf } from "./rules";

export const backupFields = {
    enabled: bool.default(true).describe("dump PostgreSQL on a schedule into the backup bucket"),
    bucket: z.string({ error: "expected a bucket name" }).optional().describe("the dedicated backup bucket (default `<sharedBucket or bucketPrefix or stellaops>-backups`)"),
    prefix: z.string({ error: "expected a key prefix" }).optional().describe('key prefix of every backup object (default "postgres/<database>/")'),
    schedule: z.string({ error: "expected a cron schedule" }).optional().describe('cron schedule of the CronJob or systemd timer (default "17 2 * * *")'),
    intervalMinutes: int(5).optional().describe("dev: minutes between two dumps of the loop container (default 1440)"),
    retentionDays: int(1, 3650).optional().describe("days each backup is locked and kept, then expires (default 35)"),
    retentionMode: oneOf(["GOVERNANCE", "COMPLIANCE"] as const).optional().describe("object lock mode of the backups (default GOVERNANCE)"),
    partSizeMb: int(5, 5120).optional().describe("size of each uploaded part in MiB (default 1024)"),
};
