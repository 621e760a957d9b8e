/**
 * Renders a PostgresPlan as bootstrap.sql for psql: idempotent (a second run changes nothing),
 * passwords only as psql variables (`-v <service>_password=...`), usable as an init script, a
 * Kubernetes Job or by a DBA:
 *   psql -v ON_ERROR_STOP=1 -v authority_password=... [...] -d postgres -f bootstrap.sql
 * Applied by a superuser, or (plan.adminSuperuser false) by a managed-service admin with LOGIN
 * CREATEROLE CREATEDB on PostgreSQL 16+.
 */
import { PlannedGrant, PlannedRole, PostgresPlan } from "./plan";

/** psql variable carrying a login role's password. */
export const passwordVariable = (role: PlannedRole): string => `${role.service ?? role.kind}_password`;

const OBJECT_SQL: Record<PlannedGrant["on"], (g: PlannedGrant, db: string) => string> = {
    database: (_g, db) => `DATABASE ${db}`,
    schema: (g) => `SCHEMA ${g.schema}`,
    table: (g) => `ALL TABLES IN SCHEMA ${g.schema}`,
    sequence: (g) => `ALL SEQUENCES IN SCHEMA ${g.schema}`,
};

const grantee = (role: string): string => (role === "public" ? "PUBLIC" : role);
const list = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(", ");

function roleSql(role: PlannedRole, superuser: boolean): string[] {
    const exists = `WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role.name}')`;
    const lines = role.login
        ? [
              `SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '${role.name}', :'${passwordVariable(role)}') ${exists}\\gexec`,
              // Rotation mode: an existing role takes the given password; its open sessions stay
              // (PostgreSQL checks passwords only when a connection starts).
              `\\if :${ROTATE_MODE}`,
              `SELECT format('ALTER ROLE %I PASSWORD %L', '${role.name}', :'${passwordVariable(role)}')\\gexec`,
              `\\endif`,
          ]
        : [`SELECT format('CREATE ROLE %I NOLOGIN', '${role.name}') ${exists}\\gexec`];
    // Only a superuser may even name SUPERUSER, REPLICATION or BYPASSRLS in ALTER ROLE; a managed
    // admin asserts them afterwards instead (see the check below the roles).
    const attrs = [role.login ? "LOGIN" : "NOLOGIN", ...(superuser ? ["NOSUPERUSER"] : []), "NOCREATEDB", "NOCREATEROLE", role.inherit ? "INHERIT" : "NOINHERIT", ...(superuser ? ["NOREPLICATION", "NOBYPASSRLS"] : [])];
    lines.push(`ALTER ROLE ${role.name} WITH ${attrs.join(" ")} CONNECTION LIMIT ${role.connectionLimit};`);
    if (role.searchPath) lines.push(`ALTER ROLE ${role.name} SET search_path = ${role.searchPath.join(", ")};`);
    if (role.statementTimeoutMs !== undefined) lines.push(`ALTER ROLE ${role.name} SET statement_timeout = ${role.statementTimeoutMs};`);
    return lines;
}

function attributeCheck(plan: PostgresPlan): string[] {
    return [
        "-- A managed admin cannot clear SUPERUSER/REPLICATION/BYPASSRLS: refuse roles that have them.",
        `DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname IN (${list(plan.roles.map((r) => r.name))}) AND (rolsuper OR rolreplication OR rolbypassrls)) THEN`,
        `RAISE EXCEPTION 'a planned role is SUPERUSER, REPLICATION or BYPASSRLS; only a superuser can change that'; END IF; END $$;`,
    ];
}

/** psql variable that switches rotation mode on (`-v rotate=on`); off when absent. */
export const ROTATE_VARIABLE = "rotate";
const ROTATE_MODE = "rotate_mode";

/**
 * `rotate` absent means off; anything but on/off (true/false, yes/no, 1/0) stops the script,
 * because psql's own \if takes an unrecognised value as false.
 */
function rotationMode(): string[] {
    return [
        `\\if :{?${ROTATE_VARIABLE}}`,
        `\\else`,
        `\\set ${ROTATE_VARIABLE} off`,
        `\\endif`,
        `SELECT CASE WHEN lower(:'${ROTATE_VARIABLE}') IN ('on', 'true', 'yes', '1') THEN 'on' WHEN lower(:'${ROTATE_VARIABLE}') IN ('off', 'false', 'no', '0') THEN 'off' END AS ${ROTATE_MODE}\\gset`,
        `\\if :{?${ROTATE_MODE}}`,
        `\\else`,
        `DO $$ BEGIN RAISE EXCEPTION 'psql variable ${ROTATE_VARIABLE}: expected on or off'; END $$;`,
        `\\endif`,
    ];
}

function requireVariable(name: string): string[] {
    return [`\\if :{?${name}}`, `\\else`, `DO $$ BEGIN RAISE EXCEPTION 'missing psql variable ${name}: run psql -v ${name}=...'; END $$;`, `\\endif`];
}

/** Grants add exactly the listed privileges; an empty list revokes everything (PUBLIC). */
function grantSql(g: PlannedGrant, db: string): string {
    const object = OBJECT_SQL[g.on](g, db);
    return g.privileges.length === 0 ? `REVOKE ALL ON ${object} FROM ${grantee(g.role)};` : `GRANT ${g.privileges.join(", ")} ON ${object} TO ${grantee(g.role)};`;
}

/**
 * A non-superuser can create a schema owned by a role, grant on it, or change default
 * privileges for a role only while it can SET ROLE to and inherit from that role. Like the
 * Pulumi provider, it takes the roles it lacks for the change and gives exactly those back.
 */
function holdRoles(roles: readonly string[]): { take: string[]; giveBack: string[] } {
    return {
        take: [
            `SELECT coalesce(string_agg(r, ','), '') AS held_roles FROM unnest(ARRAY[${list(roles)}]) r WHERE NOT (pg_has_role(r, 'SET') AND pg_has_role(r, 'USAGE'))\\gset`,
            `SELECT format('GRANT %I TO CURRENT_USER', r) FROM unnest(string_to_array(:'held_roles', ',')) r\\gexec`,
        ],
        giveBack: [`SELECT format('REVOKE %I FROM CURRENT_USER', r) FROM unnest(string_to_array(:'held_roles', ',')) r\\gexec`],
    };
}

export function renderBootstrapSql(plan: PostgresPlan): string {
    const logins = plan.roles.filter((r) => r.login);
    const su = plan.adminSuperuser;
    const out: string[] = [
        "-- StellaOps dependency layer: PostgreSQL bootstrap (generated by `npm run render`; do not edit).",
        "-- Creates the database, schema shells, roles and grants; never tables (services migrate their own).",
        su
            ? "-- Run as a superuser:"
            : "-- Run as the managed-service admin (LOGIN CREATEROLE CREATEDB, not a superuser; PostgreSQL 16+):",
        "--   psql -v ON_ERROR_STOP=1 " + logins.map((r) => `-v ${passwordVariable(r)}=...`).join(" ") + ` [-v ${ROTATE_VARIABLE}=on] -d postgres -f bootstrap.sql`,
        "-- A password is set when its role is created; existing roles keep theirs unless",
        `-- -v ${ROTATE_VARIABLE}=on: then every login role takes the given password (ALTER ROLE ... PASSWORD).`,
        ...plan.limitations.map((l) => `-- Not a superuser (${l.key}): ${l.what}.`),
        "\\set ON_ERROR_STOP on",
        ...logins.flatMap((r) => requireVariable(passwordVariable(r))),
        ...rotationMode(),
        "",
        "-- Roles (cluster-wide)",
        ...plan.roles.flatMap((r) => roleSql(r, su)),
        ...(su ? [] : attributeCheck(plan)),
        "-- Memberships: the migrator may SET ROLE to each service role (NOINHERIT: nothing of its own)",
        ...plan.memberships.map((m) => `GRANT ${m.role} TO ${m.member};`),
        "",
    ];
    if (plan.createDatabase) {
        out.push(`SELECT 'CREATE DATABASE ${plan.database}' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '${plan.database}')\\gexec`);
    }
    // One transaction: a failure leaves no half-granted schema and no role held by the admin.
    out.push(`\\connect ${plan.database}`, "BEGIN;");
    const held = holdRoles([...plan.schemas.map((s) => s.owner), ...plan.services.map((s) => s.role)]);
    if (!su) out.push("-- Hold the owner and service roles for this transaction only", ...held.take);
    out.push("", "-- Extensions, created here because service roles cannot");
    out.push(`CREATE SCHEMA IF NOT EXISTS ${plan.extensionsSchema};`);
    for (const e of plan.extensions) out.push(`CREATE EXTENSION IF NOT EXISTS ${e} WITH SCHEMA ${plan.extensionsSchema};`);
    out.push("", "-- Schema shells, each owned by its NOLOGIN owner role");
    for (const s of plan.schemas) {
        out.push(`CREATE SCHEMA IF NOT EXISTS ${s.name} AUTHORIZATION ${s.owner};`, `ALTER SCHEMA ${s.name} OWNER TO ${s.owner};`);
    }
    out.push("", "-- Grants");
    for (const g of plan.grants) out.push(grantSql(g, plan.database));
    out.push("", "-- Default privileges for objects the services create later");
    for (const d of plan.defaultPrivileges) {
        const kind = d.on === "table" ? "TABLES" : "SEQUENCES";
        out.push(`ALTER DEFAULT PRIVILEGES FOR ROLE ${d.owner} IN SCHEMA ${d.schema} GRANT ${d.privileges.join(", ")} ON ${kind} TO ${d.role};`);
    }
    if (!su) out.push("", "-- Give back the roles held above", ...held.giveBack);
    out.push("COMMIT;");
    return out.join("\n") + "\n";
}
