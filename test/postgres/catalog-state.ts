/**
 * Canonical descriptions of PostgreSQL access state, read from a live server or from the
 * resources ServiceSchemas registers, so the two can be compared line for line.
 */
import { Client } from "pg";
import type { RecordedResource } from "../harness";

/** Roles, schema owners, schema/database grants and default privileges on a live server. */
export async function liveState(c: Client, database: string, rolePrefix: string): Promise<string[]> {
    const lines: string[] = [];
    const roles = await c.query(
        `SELECT rolname, rolcanlogin, rolconnlimit, coalesce(rolconfig, '{}') AS config FROM pg_roles WHERE rolname LIKE $1 ORDER BY 1`,
        [`${rolePrefix}%`],
    );
    for (const r of roles.rows) {
        const config = (r.config as string[]).map((kv) => kv.replace(/^search_path=/, "search_path=").replace(/"/g, "")).sort().join(";");
        lines.push(`role ${r.rolname} login=${r.rolcanlogin} connlimit=${r.rolconnlimit} config=${config}`);
    }
    const schemas = await c.query(`SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE pg_get_userbyid(nspowner) LIKE $1 ORDER BY 1`, [`${rolePrefix}%`]);
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
    for (const r of all) {
        const i = r.inputs as Record<string, unknown>;
        switch (r.type) {
            case "postgresql:index/role:Role": {
                const config = [
                    ...(i.searchPaths ? [`search_path=${(i.searchPaths as string[]).join(", ")}`] : []),
                    ...(i.statementTimeout !== undefined ? [`statement_timeout=${i.statementTimeout}`] : []),
                ].sort().join(";");
                lines.push(`role ${i.name} login=${i.login} connlimit=${i.connectionLimit} config=${config}`);
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
