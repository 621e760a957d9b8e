/**
 * The PostgreSQL bootstrap Job's own script, files and environment (taken from the component
 * under mocks, secrets resolved from its Secret) run with Debian's psql and pg_isready against
 * real PostgreSQL 16, 17 and 18: twice with the same catalog state, equal to what ServiceSchemas
 * registers (plus the backup role, applied as extra SQL); every service and the migrator log in
 * with the generated passwords from the component's outputs; the schema boundaries hold; a
 * rotated password reaches the server; a server that never answers or a missing password fails
 * the run without printing a secret.
 */
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Client } from "pg";
import { BACKUP_PASSWORD_VARIABLE, renderBackupRoleSql } from "../../components/backup/role-sql";
import { planBackup } from "../../components/backup/plan";
import { PostgresBootstrapJob } from "../../components/postgres/bootstrap-job";
import { renderBootstrapScript } from "../../components/postgres/bootstrap-job-script";
import { planPostgres } from "../../components/postgres/plan";
import { resetResources, resources, value } from "../harness";
import { spawnSync } from "child_process";
import { freePort, requireBinary } from "../support/servers";
import { PgServer, pgVersions, requirePostgres, startPostgres } from "../support/postgres";
import { LocalJob, expectSuccess, localJob, runLocally } from "./bootstrap-job-support";
import { liveState } from "./catalog-state";
import { componentFor, expectDenied, npgsqlToPg } from "./fixture";
import { OPTIONS } from "./plan.test";

interface Evaluated {
    readonly job: LocalJob;
    readonly services: Record<string, { connectionString: string; password: string; schema: string }>;
    readonly migrator: Record<string, string>;
}

const plan = planPostgres(OPTIONS);
const backup = planBackup(plan, { bucket: "stellaops-backups" }, OPTIONS.rolePrefix);

/** The component under mocks for a server on 127.0.0.1:`port` (the name decides the mock passwords), with the backup role as extra SQL. */
async function evaluate(name: string, port: number, adminPassword: string, waitSeconds?: number): Promise<Evaluated> {
    resetResources();
    const extra = { file: "backup-role.sql", sql: renderBackupRoleSql(backup, true), database: plan.database, logins: [{ role: backup.role.name, variable: BACKUP_PASSWORD_VARIABLE }] };
    const c = new PostgresBootstrapJob(name, {
        plan,
        extraSql: [{ ...extra, passwords: { [BACKUP_PASSWORD_VARIABLE]: pulumi.secret(`backup-${name}`) } }],
        namespace: "stellaops-deps",
        image: `registry.airgap.internal:5000/library/postgres@sha256:${"d".repeat(64)}`,
        server: { host: "127.0.0.1", port, sslMode: "disable" },
        admin: { user: "postgres", password: pulumi.secret(adminPassword) },
        podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" },
        waitSeconds,
    });
    const services: Evaluated["services"] = {};
    for (const [svc, a] of Object.entries(c.services)) services[svc] = { connectionString: await value(a.connectionString), password: await value(a.password), schema: a.schema };
    const migrator: Record<string, string> = {};
    for (const [svc, cs] of Object.entries(c.migrator.connectionStrings)) migrator[svc] = await value(cs);
    return { job: localJob(await resources()), services, migrator };
}

async function loginAs(cs: string): Promise<Client> {
    const c = new Client(npgsqlToPg(cs));
    await c.connect();
    return c;
}

describe("the PostgreSQL bootstrap Job's script", () => {
    it("is POSIX sh that shellcheck passes (the postgres image runs it with dash)", function () {
        const shellcheck = requireBinary(this, "shellcheck");
        const extras = [{ file: "backup-role.sql", sql: "", database: "stellaops", logins: [{ role: "stellaops_backup", variable: "backup_password" }] }];
        const r = spawnSync(shellcheck, ["-s", "sh", "-"], { input: renderBootstrapScript(planPostgres(OPTIONS), { extras }), encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stdout);
    });
});

for (const version of pgVersions()) {
    describe(`the PostgreSQL bootstrap Job's script on PostgreSQL ${version} (Debian psql)`, function () {
        this.timeout(120000);
        let pg: PgServer;
        let e: Evaluated;
        let first: string[];
        const clients: Client[] = [];
        const state = async () => {
            const c = await pg.connect({ database: OPTIONS.database });
            try {
                return await liveState(c, OPTIONS.database, OPTIONS.rolePrefix);
            } finally {
                await c.end();
            }
        };
        const as = async (cs: string) => {
            const c = await loginAs(cs);
            clients.push(c);
            return c;
        };

        before(async function () {
            pg = await startPostgres(requirePostgres(this, version));
            e = await evaluate("pg", pg.port, pg.superuser.password);
        });
        after(async () => {
            for (const c of clients) await c.end().catch(() => undefined);
            await pg?.stop();
        });

        it("runs twice with the same catalog state, which is what ServiceSchemas registers", async () => {
            const run1 = await expectSuccess(runLocally(e.job, path.join(pg.dir, "job-1")), "first run");
            first = await state();
            const run2 = await expectSuccess(runLocally(e.job, path.join(pg.dir, "job-2")), "second run");
            assert.deepStrictEqual(await state(), first);
            const backupLines = first.filter((l) => l.includes(backup.role.name));
            assert.deepStrictEqual(first.filter((l) => !backupLines.includes(l)), (await componentFor(pg.port, OPTIONS)).recorded);
            assert.ok(backupLines.some((l) => l.startsWith(`role ${backup.role.name} login=true`)), "the extra SQL ran: the backup role exists");
            assert.match(run2.stdout, /^bootstrap applied: database stellaops, \d+ schemas, \d+ roles, \d+ passwords set$/m);
            console.log(`      (PostgreSQL ${version}: first run ${run1.ms} ms, second ${run2.ms} ms)`);
        });

        it("lets every service log in with its generated password (the component's Npgsql string) and work in its own schema only", async () => {
            for (const [svc, s] of Object.entries(e.services)) {
                const c = await as(s.connectionString);
                await c.query(`CREATE TABLE probe (id int PRIMARY KEY, note text)`);
                await c.query(`INSERT INTO probe VALUES (1, $1)`, [svc]);
                assert.deepStrictEqual((await c.query(`SELECT note FROM ${s.schema}.probe`)).rows, [{ note: svc }]);
            }
            for (const [me, s] of Object.entries(e.services)) {
                const c = await as(s.connectionString);
                for (const other of Object.values(e.services).filter((o) => o.schema !== s.schema)) {
                    await expectDenied(c.query(`SELECT * FROM ${other.schema}.probe`), `${me} SELECT ${other.schema}`);
                    await expectDenied(c.query(`CREATE TABLE ${other.schema}.intruder (id int)`), `${me} CREATE ${other.schema}`);
                }
                await expectDenied(c.query(`CREATE TABLE public.x (id int)`), `${me} CREATE public`);
            }
        });

        it("lets the migrator start as each service with its own string, and as nobody else", async () => {
            const m = await as(e.migrator.scanner);
            assert.deepStrictEqual((await m.query(`SELECT session_user::text AS s, current_user::text AS u`)).rows, [{ s: "stellaops_migrator", u: "stellaops_scanner" }]);
            await expectDenied(m.query(`SELECT * FROM policy.probe`), "migrator as scanner reads policy");
        });

        it("sets a rotated password on the next run: the new one logs in, the old one is refused", async () => {
            const rotated = await evaluate("pg-rotated", pg.port, pg.superuser.password);
            assert.notStrictEqual(rotated.job.name, e.job.name, "a new password is a new Job");
            assert.deepStrictEqual(rotated.job.files, e.job.files, "same files: only the Secret changed");
            await expectSuccess(runLocally(rotated.job, path.join(pg.dir, "job-rotated")), "run with rotated passwords");
            assert.deepStrictEqual(await state(), first, "only passwords changed");
            const c = await as(rotated.services.scanner.connectionString);
            assert.strictEqual((await c.query(`SELECT current_user::text AS u`)).rows[0].u, "stellaops_scanner");
            await assert.rejects(loginAs(e.services.scanner.connectionString), (err: { code?: string }) => err.code === "28P01");
            // the extra SQL's login too
            const backupLogin = (pw: string) => pg.connect({ user: backup.role.name, password: pw, database: plan.database }).then((c) => c.end());
            await backupLogin("backup-pg-rotated");
            await assert.rejects(backupLogin("backup-pg"), (err: { code?: string }) => err.code === "28P01");
            // and back: the original passwords apply again
            await expectSuccess(runLocally(e.job, path.join(pg.dir, "job-3")), "run with the original passwords");
            await (await as(e.services.scanner.connectionString)).query("SELECT 1");
            await backupLogin("backup-pg");
        });

        it("refuses to run without a password, and fails after waitSeconds when nothing answers, printing no secret", async () => {
            const missing = await runLocally(e.job, path.join(pg.dir, "job-missing"), { SCANNER_PASSWORD: undefined });
            assert.notStrictEqual(missing.status, 0);
            assert.match(missing.stderr, /SCANNER_PASSWORD is not set/);
            const closed = await evaluate("pg", await freePort(), pg.superuser.password, 2);
            const run = await runLocally(closed.job, path.join(pg.dir, "job-closed"));
            assert.strictEqual(run.status, 1, run.stderr);
            assert.match(run.stderr, /did not accept connections within 2s/);
            assert.ok(run.ms >= 2000, `waited ${run.ms} ms`);
            for (const secret of [pg.superuser.password, ...Object.values(closed.services).map((s) => s.password)]) {
                assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), "a secret was printed");
            }
        });
    });
}
