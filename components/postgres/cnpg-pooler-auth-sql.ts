/**
 * CnpgPoolerAuth as psql SQL, for the in-cluster bootstrap Job: the pooler's auth login, CONNECT
 * on the StellaOps database, USAGE on its schema public, and the SECURITY DEFINER lookup
 * returning the verifiers of the service logins only. Idempotent; the password only as the psql
 * variable `pooler_auth_password`. Run by the superuser in the StellaOps database, after bootstrap.sql.
 */
import type { CnpgPlan } from "./cnpg-plan";
import { lookupFunction } from "./cnpg-specs";
import type { PostgresPlan } from "./plan";

export const POOLER_AUTH_PASSWORD_VARIABLE = "pooler_auth_password";

export function renderPoolerAuthSql(plan: CnpgPlan, access: Pick<PostgresPlan, "roles" | "database">): string {
    const role = plan.pooler.authRole;
    const v = POOLER_AUTH_PASSWORD_VARIABLE;
    const fn = lookupFunction(plan, access.roles.filter((r) => r.kind === "service").map((r) => r.name));
    const args = fn.args.map((a) => `${a.name} ${a.type}`).join(", ");
    return [
        "-- StellaOps dependency layer: the PgBouncer auth login of the CloudNativePG pooler (generated; do not edit).",
        "\\set ON_ERROR_STOP on",
        `\\if :{?${v}}`,
        "\\else",
        `DO $$ BEGIN RAISE EXCEPTION 'missing psql variable ${v}: run psql -v ${v}=...'; END $$;`,
        "\\endif",
        `SELECT format('CREATE ROLE %I LOGIN NOINHERIT PASSWORD %L', '${role}', :'${v}') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}')\\gexec`,
        `ALTER ROLE ${role} WITH LOGIN NOINHERIT CONNECTION LIMIT ${plan.pooler.authConnectionLimit};`,
        `GRANT CONNECT ON DATABASE ${access.database} TO ${role};`,
        `GRANT USAGE ON SCHEMA public TO ${role};`,
        // Owned by the superuser running this: SECURITY DEFINER reads pg_shadow as it.
        `CREATE OR REPLACE FUNCTION ${fn.schema}.${fn.name}(${args}) RETURNS ${fn.returns} LANGUAGE ${fn.language} ${fn.volatility} SECURITY DEFINER AS $fn$ ${fn.body} $fn$;`,
        "",
    ].join("\n");
}
