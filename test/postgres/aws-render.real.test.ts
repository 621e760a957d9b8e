/**
 * The aws stack's rendered postgres/bootstrap.sql (`npm run render -- --stack aws`) applied the
 * way it runs there: by the RDS master user, a managed-service admin that is not a superuser, on
 * PostgreSQL 16, 17 and 18; twice, with the same privilege matrix as a superuser gets.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import type { PostgresPlan } from "../../components/postgres/plan";
import { passwordVariable } from "../../components/postgres/sql";
import { PgServer, pgVersions, requirePostgres, startPostgres } from "../support/postgres";
import { liveState } from "./catalog-state";
import { expectDenied } from "./fixture";

interface Rendered {
    readonly sql: string;
    readonly plan: PostgresPlan;
    readonly rolePrefix: string;
}

/** Loaded lazily: a render or plan error fails this suite, not the loading of every test file. */
function renderAws(): Rendered {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const render = require("../../tools/render") as typeof import("../../tools/render");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const plans = require("../../stacks/plans") as typeof import("../../stacks/plans");
    const cfg = render.stackConfig("aws");
    const stackPlans = plans.planStack(cfg);
    const { files } = render.renderStack(cfg, stackPlans, { out: "/nonexistent/render" }); // nothing is written
    return { sql: files["postgres/bootstrap.sql"], plan: stackPlans.postgres, rolePrefix: cfg.postgres.rolePrefix };
}

for (const version of pgVersions()) {
    describe(`the aws stack's rendered bootstrap.sql as the RDS master user on PostgreSQL ${version}`, function () {
        this.timeout(120000);
        let pg: PgServer;
        let r: Rendered;
        let file: string;
        const clients: Client[] = [];
        const password = (role: string) => `pw-${role}-${process.pid}`;
        const apply = () => {
            const vars = r.plan.roles.filter((x) => x.login).flatMap((x) => ["-v", `${passwordVariable(x)}=${password(x.name)}`]);
            pg.psql(["-v", "ON_ERROR_STOP=1", ...vars, "-d", "postgres", "-q", "-f", file], pg.admin);
        };
        const state = async () => {
            const c = await pg.connect({ database: r.plan.database });
            try {
                return await liveState(c, r.plan.database, r.rolePrefix, pg.admin.user);
            } finally {
                await c.end();
            }
        };

        before(async function () {
            const install = requirePostgres(this, version);
            r = renderAws();
            pg = await startPostgres(install, { admin: "managed" });
            file = path.join(pg.dir, "bootstrap.sql");
            fs.writeFileSync(file, r.sql);
        });
        after(async () => {
            for (const c of clients) await c.end().catch(() => undefined);
            await pg?.stop();
        });

        it("is rendered for a managed admin (the aws profile never has a superuser)", () => {
            assert.strictEqual(r.plan.adminSuperuser, false);
            assert.match(r.sql, /^-- Run as the managed-service admin/m);
            assert.doesNotMatch(r.sql, /NOSUPERUSER/);
        });

        it("applies twice as the RDS-like admin with the same result", async () => {
            apply();
            const first = await state();
            apply();
            assert.deepStrictEqual(await state(), first);
            assert.ok(first.some((l) => l.startsWith("member ") && l.includes("_migrator")), "memberships in place");
        });

        it("gives the same privilege matrix: own schema yes, every other schema and public 42501", async () => {
            for (const s of r.plan.services) {
                const c = new Client({ host: "127.0.0.1", port: pg.port, database: r.plan.database, user: s.role, password: password(s.role) });
                await c.connect();
                clients.push(c);
                await c.query(`CREATE SCHEMA IF NOT EXISTS ${s.schema}`);
                await c.query(`CREATE TABLE probe (id int)`);
                await c.query(`INSERT INTO probe VALUES (1)`);
            }
            for (const [i, me] of r.plan.services.entries()) {
                for (const other of r.plan.services.filter((o) => o.service !== me.service)) {
                    await expectDenied(clients[i].query(`SELECT * FROM ${other.schema}.probe`), `${me.service} SELECT ${other.schema}`);
                    await expectDenied(clients[i].query(`CREATE TABLE ${other.schema}.x (id int)`), `${me.service} CREATE ${other.schema}`);
                }
                await expectDenied(clients[i].query(`CREATE TABLE public.x (id int)`), `${me.service} CREATE public`);
            }
        });
    });
}
