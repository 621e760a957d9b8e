/**
 * What a managed-service admin (set up as RDS sets up its master user: LOGIN CREATEROLE
 * CREATEDB, a member of a group holding pg_read_all_data, not a superuser) can give the backup
 * role, measured on 16/17/18: it cannot grant pg_read_all_data (no ADMIN option) nor BYPASSRLS
 * (it lacks it), so the plan joins the read-only roles instead, and pg_dump then refuses the
 * services' RLS tables loudly rather than writing a backup without other tenants' rows.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { planBackup } from "../../components/backup/plan";
import { BACKUP_PASSWORD_VARIABLE, renderBackupRoleSql } from "../../components/backup/role-sql";
import { bootstrap, Bootstrapped, npgsqlToPg } from "../postgres/fixture";
import { moduleMigrations, runStartupMigrations } from "../postgres/migration-runner";
import { OPTIONS } from "../postgres/plan.test";
import { pgVersions, requirePostgres } from "../support/postgres";
import { tempDir } from "../support/servers";
import { requirePgClient, runBackupScript } from "./support";

for (const version of pgVersions()) {
    describe(`the backup role under a managed admin on PostgreSQL ${version}`, function () {
        this.timeout(120000);
        let b: Bootstrapped;
        let clientBin: string;
        const password = `backup-${Math.random().toString(36).slice(2)}`;

        before(async function () {
            const install = requirePostgres(this, version);
            clientBin = requirePgClient(this, version);
            b = await bootstrap(install, "managed");
            b.apply();
        });
        after(async () => b?.stop());

        it("cannot grant pg_read_all_data nor create a BYPASSRLS role (what the plan's limitation says)", async () => {
            const admin = await b.pg.connect({ user: b.pg.admin.user, password: b.pg.admin.password, database: b.plan.database });
            try {
                await admin.query(`CREATE ROLE probe_backup NOLOGIN`);
                await assert.rejects(admin.query(`GRANT pg_read_all_data TO probe_backup`), /permission denied to grant role "pg_read_all_data"/);
                await assert.rejects(admin.query(`CREATE ROLE probe_bypass NOLOGIN BYPASSRLS`), /permission denied to create role/);
                await assert.rejects(admin.query(`ALTER ROLE probe_backup BYPASSRLS`), /permission denied to alter role/);
            } finally {
                await admin.query(`DROP ROLE IF EXISTS probe_backup`);
                await admin.end();
            }
        });

        it("the rendered role SQL applies as the managed admin; pg_dump then refuses RLS tables instead of dumping some tenants", async () => {
            const plan = planBackup(b.plan, { bucket: "stellaops-backups" }, OPTIONS.rolePrefix);
            const sql = path.join(b.pg.dir, "backup-role.sql");
            fs.writeFileSync(sql, renderBackupRoleSql(plan, false));
            b.pg.psql(["-v", "ON_ERROR_STOP=1", "-v", `${BACKUP_PASSWORD_VARIABLE}=${password}`, "-d", b.plan.database, "-q", "-f", sql], b.pg.admin);
            const s = b.plan.services[0];
            const c = new Client(npgsqlToPg(b.logins.services[s.service].connectionString));
            await c.connect();
            await runStartupMigrations(c, s.schema, moduleMigrations(s.schema));
            await c.end();
            const spool = tempDir("backup-managed");
            try {
                const env = { ...plan.environment, PGHOST: "127.0.0.1", PGPORT: String(b.pg.port), PGSSLMODE: "disable", PGPASSWORD: password, BACKUP_DIR: spool };
                const r = runBackupScript(["dump"], env, [clientBin]);
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /row-level security/);
                assert.deepStrictEqual(fs.readdirSync(spool).filter((f) => f.endsWith(".dump")), [], "no finished dump to upload");
            } finally {
                fs.rmSync(spool, { recursive: true, force: true });
            }
        });
    });
}
