/**
 * What the PostgreSQL bootstrap Job runs, as plain files from the plan: bootstrap.sql
 * (renderBootstrapSql), passwords.sql (sets every login's password on each run, so a rotated
 * password reaches the server: bootstrap.sql sets it only when it creates the role) and
 * bootstrap.sh, which waits for the server and runs psql with each password passed only as a
 * psql variable from the environment. Pure: the component, the plan and the real-server test
 * all use these same strings.
 */
import type { PlannedRole, PostgresPlan } from "./plan";
import { passwordVariable, renderBootstrapSql } from "./sql";

/** Where the ConfigMap is mounted in the Job's container. */
export const BOOTSTRAP_DIR = "/bootstrap";
export const SCRIPT_FILE = "bootstrap.sh";
export const BOOTSTRAP_SQL_FILE = "bootstrap.sql";
export const PASSWORDS_SQL_FILE = "passwords.sql";

/**
 * More psql SQL the Job applies after bootstrap.sql, from other components' renderers (the
 * backup role's `renderBackupRoleSql`): idempotent, passwords only as psql variables.
 */
export interface ExtraSql {
    /** File name in the ConfigMap, e.g. `backup-role.sql`. */
    readonly file: string;
    readonly sql: string;
    /** Database psql runs it in. */
    readonly database: string;
    /** Logins it creates: their passwords are set on every run like the plan's (passwords.sql). */
    readonly logins: readonly { readonly role: string; readonly variable: string }[];
}

/** One login whose password the Job needs: its psql variable and the environment variable carrying it. */
export interface PasswordInput {
    /** Role name. */
    readonly role: string;
    /** psql variable named in the SQL (`authority_password`). */
    readonly variable: string;
    /** Environment variable of the Job (`AUTHORITY_PASSWORD`), read from the Secret. */
    readonly env: string;
    /** The planned role, for the plan's own logins (whose passwords the component generates). */
    readonly planned?: PlannedRole;
}

const FIXED_FILES: readonly string[] = [SCRIPT_FILE, BOOTSTRAP_SQL_FILE, PASSWORDS_SQL_FILE];
const RESERVED_ENV = /^(PG[A-Z_]*|BOOTSTRAP_[A-Z_]*|HOME|PATH)$/;

/** Every login of the plan, then of the extras, with its variable names; throws naming a clash. */
export function passwordInputs(plan: PostgresPlan, extras: readonly ExtraSql[] = []): PasswordInput[] {
    const planned = plan.roles.filter((r) => r.login).map((r) => ({ role: r.name, variable: passwordVariable(r), env: passwordVariable(r).toUpperCase(), planned: r }));
    const extra = extras.flatMap((x) => x.logins.map((l) => ({ role: l.role, variable: l.variable, env: l.variable.toUpperCase() })));
    const all: PasswordInput[] = [...planned, ...extra];
    extras.forEach((x, i) => {
        if (!/^[a-z0-9][a-z0-9._-]*\.sql$/.test(x.file) || FIXED_FILES.includes(x.file) || extras.findIndex((y) => y.file === x.file) !== i) {
            throw new Error(`extraSql[${i}].file: expected a unique *.sql name other than ${FIXED_FILES.join(", ")}, got ${JSON.stringify(x.file)}`);
        }
        if (!/^[a-z_][a-z0-9_]{0,62}$/.test(x.database)) throw new Error(`extraSql[${i}].database: expected a lowercase SQL identifier, got ${JSON.stringify(x.database)}`);
    });
    all.forEach((p, i) => {
        if (!/^[a-z][a-z0-9_]*$/.test(p.variable) || RESERVED_ENV.test(p.env)) throw new Error(`extraSql: expected a lowercase psql variable not naming a reserved variable, got ${JSON.stringify(p.variable)}`);
        if (all.findIndex((q) => q.variable === p.variable || q.role === p.role) !== i) throw new Error(`extraSql: expected each login and variable once, ${p.role} (${p.variable}) repeats one`);
    });
    return all;
}

/** ALTER ROLE ... PASSWORD for every login, from the same psql variables bootstrap.sql requires. */
export function renderPasswordSql(plan: PostgresPlan, extras: readonly ExtraSql[] = []): string {
    const out = [
        "-- StellaOps dependency layer: login passwords (generated; do not edit). Run after bootstrap.sql on",
        "-- every bootstrap: the stack's generated passwords are the source of truth, so a rotation applies.",
        "\\set ON_ERROR_STOP on",
    ];
    for (const p of passwordInputs(plan, extras)) {
        out.push(`\\if :{?${p.variable}}`, `\\else`, `DO $$ BEGIN RAISE EXCEPTION 'missing psql variable ${p.variable}'; END $$;`, `\\endif`);
        out.push(`SELECT format('ALTER ROLE %I PASSWORD %L', '${p.role}', :'${p.variable}')\\gexec`);
    }
    return out.join("\n") + "\n";
}

export interface BootstrapScriptOptions {
    /**
     * Seconds to wait for the server to accept connections before failing.
     * @default 300
     */
    readonly waitSeconds?: number;
    /** SQL applied after bootstrap.sql, before the passwords. @default none */
    readonly extras?: readonly ExtraSql[];
}

/**
 * The Job's shell script (POSIX sh). Reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE (libpq)
 * and one variable per login password; BOOTSTRAP_DIR overrides where the files are.
 */
export function renderBootstrapScript(plan: PostgresPlan, opts: BootstrapScriptOptions = {}): string {
    const wait = opts.waitSeconds ?? 300;
    if (!Number.isInteger(wait) || wait < 2) throw new Error(`waitSeconds: expected an integer >= 2, got ${wait}`);
    const extras = opts.extras ?? [];
    const inputs = passwordInputs(plan, extras);
    const vars = inputs.map((p) => `-v ${p.variable}="$${p.env}"`).join(" ");
    const lines = [
        "#!/bin/sh",
        "# StellaOps dependency layer: PostgreSQL bootstrap Job (generated; do not edit).",
        "# Waits for the server, applies bootstrap.sql (idempotent) and sets every login's password.",
        "# Passwords come from the environment and reach psql only as variables, never a file.",
        "set -eu",
        `dir="\${BOOTSTRAP_DIR:-${BOOTSTRAP_DIR}}"`,
        ': "${PGHOST:?PGHOST is not set}" "${PGUSER:?PGUSER is not set}" "${PGPASSWORD:?PGPASSWORD is not set}"',
        ...inputs.map((p) => `: "\${${p.env}:?${p.env} is not set}"`),
    ];
    if (plan.adminSuperuser) {
        // Statements carrying passwords stay out of the server log (settable by a superuser only).
        lines.push('export PGOPTIONS="${PGOPTIONS:-} -c log_statement=none -c log_min_duration_statement=-1 -c log_min_error_statement=panic"');
    }
    lines.push(
        "waited=0",
        'until pg_isready -q -h "$PGHOST" -p "${PGPORT:-5432}" -d postgres; do',
        `    if [ "$waited" -ge ${wait} ]; then echo "PostgreSQL at $PGHOST:\${PGPORT:-5432} did not accept connections within ${wait}s" >&2; exit 1; fi`,
        "    sleep 2",
        "    waited=$((waited + 2))",
        "done",
        `psql -X -q -v ON_ERROR_STOP=1 ${vars} -d postgres -f "$dir/${BOOTSTRAP_SQL_FILE}"`,
        ...extras.map((x) => `psql -X -q -v ON_ERROR_STOP=1 ${vars} -d ${x.database} -f "$dir/${x.file}"`),
        `psql -X -q -v ON_ERROR_STOP=1 ${vars} -d postgres -f "$dir/${PASSWORDS_SQL_FILE}"`,
        `echo "bootstrap applied: database ${plan.database}, ${plan.schemas.length} schemas, ${plan.roles.length} roles, ${inputs.length} passwords set"`,
    );
    return lines.join("\n") + "\n";
}

/** The ConfigMap's files: script, bootstrap.sql, the extras and passwords.sql (no secret in any of them). */
export function bootstrapFiles(plan: PostgresPlan, opts: BootstrapScriptOptions = {}): Record<string, string> {
    const extras = opts.extras ?? [];
    return {
        [SCRIPT_FILE]: renderBootstrapScript(plan, opts),
        [BOOTSTRAP_SQL_FILE]: renderBootstrapSql(plan),
        ...Object.fromEntries(extras.map((x) => [x.file, x.sql])),
        [PASSWORDS_SQL_FILE]: renderPasswordSql(plan, extras),
    };
}
