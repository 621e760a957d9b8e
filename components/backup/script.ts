/**
 * stellaops-backup.sh, the one backup and restore script every profile runs (dev containers, the
 * airgap CronJob, the external timer or CronJob) and the real-server test runs too; and where
 * the jobs mount it.
 */
import * as fs from "fs";
import * as path from "path";

/** The script file beside this module. */
export const BACKUP_SCRIPT_PATH = path.join(__dirname, "stellaops-backup.sh");

/** Where containers and pods mount the script (directory, file). */
export const SCRIPT_DIR = "/opt/stellaops-backup";
export const SCRIPT_FILE = `${SCRIPT_DIR}/stellaops-backup.sh`;

/** Where jobs keep a dump between `dump` and `upload` (a volume shared by the two steps). */
export const SPOOL_DIR = "/backup";

let cached: string | undefined;

/** The script's text (what containers and ConfigMaps carry, and `npm run render` writes). */
export function backupScript(): string {
    cached ??= fs.readFileSync(BACKUP_SCRIPT_PATH, "utf8");
    return cached;
}
