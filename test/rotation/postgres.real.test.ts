/**
 * PostgreSQL rotation on real servers (16, 17, 18; applied by a superuser and by a managed admin):
 * bootstrap.sql's rotation mode is what rotates a database the stack does not reach with its
 * provider, and `ALTER ROLE ... PASSWORD` is what the provider runs when a Role's password input
 * changes. The window: a session opened before the rotation keeps working (PostgreSQL checks a
 * password only when a connection starts); the new password logs in; the old one is refused.
 */
import * as assert from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { PlannedRole, PostgresPlan, planPostgres } from "../../components/postgres/plan";
import { passwordVariable, renderBootstrapSql } from "../../components/postgres/sql";
import { ADMIN_KINDS, PgServer, pgVersions, requirePostgres, startPostgres } from "../support/postgres";

type Passwords = Record<string, string>;
const fresh = (plan: PostgresPlan): Passwords => Object.fromEntries(plan.roles.filter((r) => r.login).map((r) => [r.name, randomBytes(16).toString("hex")]));

/** SQLSTATE of a failed login, or "ok" (and the session closed again). */
async function login(pg: PgServer, role: string, password: string, database: string): Promise<string> {
    const c = new Client({ host: "127.0.0.1", port: pg.port, user: role, password, database });
    try {
        await c.connect();
        await c.end();
        return "ok";
    } catch (err) {
        return (err as { code?: string }).code ?? String(err);
    }
}

for (const version of pgVersions()) {
    for (const admin of ADMIN_KINDS) {
        describe(`PostgreSQL ${version} rotation (${admin} admin): bootstrap.sql rotation mode and ALTER ROLE ... PASSWORD`, function () {
            this.timeout(120000);
            let pg: PgServer;
            let plan: PostgresPlan;
            let file: string;
            const sessions = new Map<string, Client>();
            const logins = () => plan.roles.filter((r) => r.login);
            const schemaOf = (r: PlannedRole) => plan.services.find((s) => s.role === r.name)?.schema;
            const apply = (pws: Passwords, ...extra: string[]) =>
                pg.psql(["-v", "ON_ERROR_STOP=1", ...logins().flatMap((r) => ["-v", `${passwordVariable(r)}=${pws[r.name]}`]), ...extra, "-d", "postgres", "-q", "-f", file], pg.admin);
            const all = async (pws: Passwords) => Object.fromEntries(await Promise.all(logins().map(async (r) => [r.name, await login(pg, r.name, pws[r.name], plan.database)] as const)));
            const every = (code: string) => Object.fromEntries(logins().map((r) => [r.name, code]));
            const generations: Passwords[] = [];

            before(async function () {
                pg = await startPostgres(requirePostgres(this, version), { admin });
                plan = planPostgres({ database: "stellaops", createDatabase: true, rolePrefix: "stellaops_", extensions: ["pgcrypto"], extensionsSchema: "extensions", connectionLimit: 20, statementTimeoutMs: 30000, adminSuperuser: admin === "superuser" });
                file = path.join(pg.dir, "bootstrap.sql");
                fs.writeFileSync(file, renderBootstrapSql(plan));
                generations.push(fresh(plan));
                apply(generations[0]);
                // Sessions as the services hold them in their pools: open before any rotation, with a table each.
                for (const r of logins()) {
                    const c = new Client({ host: "127.0.0.1", port: pg.port, user: r.name, password: generations[0][r.name], database: plan.database });
                    await c.connect();
                    if (schemaOf(r)) await c.query(`CREATE TABLE pool_probe (id int)`);
                    sessions.set(r.name, c);
                }
            });
            after(async () => {
                for (const c of sessions.values()) await c.end().catch(() => undefined);
                await pg?.stop();
            });

            it("without rotation mode, re-running with other passwords changes nothing: existing roles keep theirs", async () => {
                apply(fresh(plan));
                assert.deepStrictEqual(await all(generations[0]), every("ok"));
            });

            it("refuses a rotate value that is not on or off before touching a role", async () => {
                assert.throws(() => apply(fresh(plan), "-v", "rotate=please"), /psql variable rotate: expected on or off/);
                assert.deepStrictEqual(await all(generations[0]), every("ok"));
            });

            it("-v rotate=on: the new passwords log in, the old ones are refused (28P01)", async () => {
                generations.push(fresh(plan));
                apply(generations[1], "-v", "rotate=on");
                assert.deepStrictEqual(await all(generations[1]), every("ok"));
                assert.deepStrictEqual(await all(generations[0]), every("28P01"));
            });

            it("sessions opened before the rotation keep working: they read and write as their role", async () => {
                for (const r of logins()) {
                    const c = sessions.get(r.name)!;
                    assert.deepStrictEqual((await c.query(`SELECT current_user AS u`)).rows, [{ u: r.name }]);
                    if (!schemaOf(r)) continue;
                    await c.query(`INSERT INTO pool_probe VALUES (1)`);
                    assert.deepStrictEqual((await c.query(`SELECT count(*)::int AS n FROM ${schemaOf(r)}.pool_probe`)).rows, [{ n: 1 }]);
                }
            });

            it("a second rotation (the provider's ALTER ROLE ... PASSWORD) leaves only the newest password", async () => {
                generations.push(fresh(plan));
                const c = await pg.connect({ user: pg.admin.user, password: pg.admin.password });
                try {
                    // What the postgresql provider runs for a Role whose password input changed (an update in place).
                    for (const r of logins()) await c.query(`ALTER ROLE ${r.name} PASSWORD '${generations[2][r.name]}'`);
                } finally {
                    await c.end();
                }
                assert.deepStrictEqual(await all(generations[2]), every("ok"));
                assert.deepStrictEqual(await all(generations[1]), every("28P01"));
                for (const r of logins()) assert.deepStrictEqual((await sessions.get(r.name)!.query(`SELECT 1 AS one`)).rows, [{ one: 1 }]);
            });

            it("rotation mode is idempotent: applying the current passwords again keeps them", async () => {
                apply(generations[2], "-v", "rotate=on");
                assert.deepStrictEqual(await all(generations[2]), every("ok"));
            });
        });
    }
}
