/**
 * Canonical descriptions of PostgreSQL access state, read from a live server or from the
 * resources ServiceSchemas registers, so the two can be compared line for line.
 */
import { Client } from "pg";
import type { RecordedResource } from "../harness";

/**
 * Roles, memberships, schema owners, schema/database grants and default privileges on a live
 * server. `admin` is the role that applied the plan: it is left out (its name may carry the
 * prefix, as RDS's `stellaops_admin` does), and so are its own memberships (PostgreSQL 16+ makes
 * a non-superuser creator an ADMIN member of each role it creates).
 */
export async function liveState(c: Client, database: string, rolePrefix: string, admin = "postgres"): Promise<string[]> {
    const lines: string[] = [];
    const prefix = `${rolePrefix.replace(/[\\_%]/g, (ch) => `\\${ch}`)}%`;
    const roles = await c.query(
        `SELECT rolname, rolcanlogin, rolinherit, rolconnlimit, rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls AS powers, coalesce(rolconfig, '{}') AS config
           FROM pg_roles WHERE rolname LIKE $1 AND rolname <> $2 ORDER BY 1`,
        [prefix, admin],
    );
    for (const r of roles.rows) {
        const config = (r.config as string[]).map((kv) => kv.replace(/"/g, "")).sort().join(";");
        lines.push(`role ${r.rolname} login=${r.rolcanlogin} inherit=${r.rolinherit} powers=${r.powers} connlimit=${r.rolconnlimit} config=${config}`);
    }
    // to_jsonb: the inherit/set options exist from PostgreSQL 16 on.
    const members = await c.query(
        `SELECT pg_get_userbyid(a.roleid) AS role, pg_get_userbyid(a.member) AS member, a.admin_option, to_jsonb(a) ->> 'inherit_option' AS inh, to_jsonb(a) ->> 'set_option' AS set
           FROM pg_auth_members a WHERE (pg_get_userbyid(a.roleid) LIKE $1 OR pg_get_userbyid(a.member) LIKE $1) AND pg_get_userbyid(a.member) <> $2 ORDER BY 1, 2`,
        [prefix, admin],
    );
    for (const m of members.rows) lines.push(`member ${m.role} <- ${m.member} admin=${m.admin_option} inherit=${m.inh} set=${m.set}`);
    const schemas = await c.query(`SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE pg_get_userbyid(nspowner) LIKE $1 AND nspowner <> $2::regrole ORDER BY 1`, [prefix, admin]);
    for (const s of schemas.rows) lines.push(`schema ${s.nspname} owner=${s.owner}`);
    const schemaAcl = await c.query(
        `SELECT n.nspname, CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END AS grantee, string_agg(a.privilege_type, ',' ORDER BY a.privilege_type) AS privs
           FROM pg_namespace n, aclexplode(n.nspacl) a WHERE a.grantee <> n.nspowner AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    for (const g of schemaAcl.rows) lines.push(`grant schema ${g.nspname} ${g.grantee} ${g.privs}`);
    const dbAcl = await c.query(
        `SELECT CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END AS grantee, string_agg(a.privilege_type, ',' ORDER BY a.privilege_type) AS privs
           FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = $1 AND a.grantee <> d.datdba GROUP BY 1 ORDER BY 1`,
        [database],
    );
    for (const g of dbAcl.rows) lines.push(`grant database ${g.grantee} ${g.privs}`);
    const defaults = await c.query(
        `SELECT pg_get_userbyid(d.defaclrole) AS owner, n.nspname, d.defaclobjtype AS t, pg_get_userbyid(a.grantee) AS grantee, string_agg(a.privilege_type, ',' ORDER BY a.privilege_type) AS privs
           FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    );
    for (const d of defaults.rows) lines.push(`default ${d.t === "r" ? "table" : "sequence"} ${d.nspname} ${d.owner} -> ${d.grantee} ${d.privs}`);
    return lines.sort();
}

/** The same description derived from the resources the Pulumi component registered. */
export function recordedState(all: readonly RecordedResource[], ownerOfSchema: (schema: string) => string | undefined): string[] {
    const lines: string[] = [];
    const inherits = new Map(all.filter((r) => r.type === "postgresql:index/role:Role").map((r) => [String(r.inputs.name), r.inputs.inherit !== false]));
    for (const r of all) {
        const i = r.inputs as Record<string, unknown>;
        switch (r.type) {
            case "postgresql:index/role:Role": {
                const config = [
                    ...(i.searchPaths ? [`search_path=${(i.searchPaths as string[]).join(", ")}`] : []),
                    ...(i.statementTimeout !== undefined ? [`statement_timeout=${i.statementTimeout}`] : []),
                ].sort().join(";");
                lines.push(`role ${i.name} login=${i.login} inherit=${i.inherit !== false} powers=false connlimit=${i.connectionLimit} config=${config}`);
                break;
            }
            case "postgresql:index/grantRole:GrantRole": {
                // PostgreSQL 16+: a GRANT without options inherits when the member has INHERIT, and may SET ROLE.
                lines.push(`member ${i.grantRole} <- ${i.role} admin=${i.withAdminOption === true} inherit=${inherits.get(String(i.role))} set=true`);
                break;
            }
            case "postgresql:index/schema:Schema":
                if (i.owner) lines.push(`schema ${i.name} owner=${i.owner}`);
                break;
            case "postgresql:index/grant:Grant": {
                const privs = [...(i.privileges as string[])].sort().join(",");
                if (!privs) break; // an empty grant is a revoke: nothing remains to compare
                if (i.objectType === "schema" && ownerOfSchema(i.schema as string) !== i.role) lines.push(`grant schema ${i.schema} ${i.role} ${privs}`);
                if (i.objectType === "database") lines.push(`grant database ${i.role} ${privs}`);
                break;
            }
            case "postgresql:index/defaultPrivileges:DefaultPrivileges":
                lines.push(`default ${i.objectType} ${i.schema} ${i.owner} -> ${i.role} ${[...(i.privileges as string[])].sort().join(",")}`);
                break;
        }
    }
    return lines.sort();
}
