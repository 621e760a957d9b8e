/**
 * The e2e's destroy: refused on protected resources with nothing changed, then (after
 * `state unprotect --all`) the retained database, schemas, rows and login roles stay while
 * everything else is removed from the servers.
 */
import type { PostgresPlan } from "../../components/postgres/plan";
import type { PgServer } from "../../test/support/postgres";
import { Outputs, aclUsers, check } from "./checks";
import { Project, tail } from "./engine";
import { show, step } from "./steps";
import type { ValkeyServer } from "./servers";

export async function destroy(project: Project, out: Outputs, pg: PgServer, plan: PostgresPlan, vk: ValkeyServer): Promise<void> {
    const first = Object.values(out.postgres)[0];
    const q = async (sql: string, database = plan.database, params: unknown[] = []) => {
        const c = await pg.connect({ database });
        try {
            return (await c.query(sql, params)).rows as Record<string, unknown>[];
        } finally {
            await c.end();
        }
    };
    const planned = plan.roles.map((r) => r.name);
    const rows = async () => Number((await q(`SELECT count(*) AS n FROM ${first.schema}.probe`))[0].n);
    const roles = async () => (await q(`SELECT rolname FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1`, "postgres", [planned])).map((r) => String(r.rolname));
    const schemas = async () => (await q(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`, plan.database, [plan.schemas.map((s) => s.name)])).map((r) => String(r.nspname));
    const rolesBefore = await roles();
    const usersBefore = await aclUsers(vk.port, vk.adminUser, vk.adminPassword);
    check(rolesBefore.length === planned.length, `${planned.length} roles before destroy, got ${rolesBefore.length}`);
    const refused = await step("pulumi destroy (protected: must fail)", () => project.run(["destroy", "--yes"]));
    const lines = (refused.stdout + refused.stderr).split("\n");
    const at = lines.findIndex((l) => /protected/.test(l));
    check(refused.code !== 0 && at >= 0, `destroy must fail on protected resources, got exit ${refused.code}:\n${tail(refused.stdout + refused.stderr)}`);
    console.log(`        refused: ${lines.slice(Math.max(0, at - 1), at + 1).map((l) => l.trim()).join(" ")}`);
    check((await rows()) === 1, `rows in ${first.schema}.probe kept by the refused destroy`);
    check((await roles()).join() === rolesBefore.join(), `roles kept by the refused destroy, left: ${(await roles()).join(",")}`);
    check((await schemas()).length === plan.schemas.length, "schemas kept by the refused destroy");
    check((await aclUsers(vk.port, vk.adminUser, vk.adminPassword)).join() === usersBefore.join(), "Valkey users untouched by the refused destroy");

    await project.ok(["state", "unprotect", "--all", "--yes"]);
    show((await step("pulumi destroy (after unprotect)", () => project.ok(["destroy", "--yes", "--skip-preview"]))).stdout);
    const left = await roles();
    // Login roles are kept (service roles own the tables; the migrator may be mid-release).
    const kept = plan.roles.filter((r) => r.login).map((r) => r.name).sort();
    check((await q(`SELECT datname FROM pg_database WHERE datname = $1`, "postgres", [plan.database])).length === 1, `database ${plan.database} kept (retainOnDelete)`);
    check((await schemas()).length === plan.schemas.length && (await rows()) === 1, "the schemas and their rows kept (retainOnDelete)");
    check(left.join() === kept.join(), `only the login roles (retainOnDelete) are left; owner and read-only roles dropped; got ${left.join(",")}`);
    const owners = await q(`SELECT DISTINCT pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname = $1`, plan.database, [first.schema]);
    const [revoked] = await q(
        `SELECT (SELECT count(*) FROM pg_default_acl)::int AS defaults, (SELECT count(*) FROM pg_extension WHERE extname = ANY($4))::int AS exts,
            has_schema_privilege($1, $2, 'USAGE') AS usage, has_database_privilege($1, $3, 'CONNECT') AS connect,
            (SELECT count(*) FROM pg_auth_members WHERE member = $5::regrole AND (inherit_option OR set_option))::int AS held`,
        plan.database,
        [first.role, first.schema, plan.database, plan.extensions, pg.admin.user],
    );
    const held = pg.admin.kind === "managed" ? 1 : 0; // its managed_superuser group
    check(
        revoked.defaults === 0 && revoked.exts === 0 && revoked.usage === false && revoked.connect === false && revoked.held === held,
        `grants, default privileges, extensions and held roles removed by destroy, got ${JSON.stringify(revoked)}`,
    );
    const users = await aclUsers(vk.port, vk.adminUser, vk.adminPassword);
    check(users.join() === ["default", vk.adminUser].sort().join(), `Valkey service users deleted, got ${users.join(",")}`);
    console.log(`        kept: database ${plan.database}, ${plan.schemas.length} schemas with rows (${first.schema} now owned by ${owners[0]?.o}), ${left.length} login roles (no CONNECT/USAGE left); dropped: owner and read-only roles, grants, default privileges, extensions; Valkey users left: ${users.join(", ")}`);
}
