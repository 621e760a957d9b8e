/**
 * What an admin that is not a superuser (RDS `rds_superuser` members, Cloud SQL
 * `cloudsqlsuperuser`, Azure `azure_pg_admin`: LOGIN CREATEROLE CREATEDB) cannot do that a
 * superuser can, as plain data the plan carries and README documents. Measured on PostgreSQL
 * 16, 17 and 18 (test/postgres/managed-admin.real.test.ts).
 */

export interface Limitation {
    /** Stable key. */
    readonly key: string;
    /** What the admin cannot do, and what the layer does instead. */
    readonly what: string;
}

/**
 * Contrib extensions marked `trusted` in PostgreSQL 16-18: a non-superuser with CREATE on the
 * database may create them. Anything else needs a superuser (or the provider's own allow-list).
 */
export const TRUSTED_EXTENSIONS: readonly string[] = [
    "btree_gin", "btree_gist", "citext", "cube", "dict_int", "fuzzystrmatch", "hstore", "intarray", "isn", "lo", "ltree",
    "pg_trgm", "pgcrypto", "plpgsql", "seg", "tablefunc", "tcn", "tsm_system_rows", "tsm_system_time", "unaccent", "uuid-ossp",
];

export function adminLimitations(extensions: readonly string[]): Limitation[] {
    const out: Limitation[] = [
        {
            key: "role-attributes",
            what: "cannot set or clear SUPERUSER, REPLICATION or BYPASSRLS: roles are created without them and bootstrap.sql stops if a planned role has any",
        },
        {
            key: "owner-membership",
            what: "cannot create a schema owned by another role or grant on it without being able to act as that role: it holds each owner and service role only for the change (bootstrap.sql in one transaction, the provider per resource) and gives it back",
        },
        {
            key: "foreign-objects",
            what: "cannot take over roles it did not create (PostgreSQL 16+: no ADMIN option on them) or a schema another role owns (the new owner lacks CREATE on the database): such a pre-existing object stops the run instead of being adopted",
        },
        {
            key: "admin-memberships",
            what: "PostgreSQL 16+ makes it a member WITH ADMIN OPTION (no INHERIT, no SET) of every role it creates; that membership stays (it is how it manages them later)",
        },
        {
            key: "role-passwords",
            what: "cannot read pg_authid, so a changed role password is not detected by refresh (the provider runs with superuser: false)",
        },
    ];
    const untrusted = extensions.filter((e) => !TRUSTED_EXTENSIONS.includes(e));
    if (untrusted.length > 0) {
        out.push({ key: "untrusted-extensions", what: `cannot create untrusted extensions (${untrusted.join(", ")}) unless the service allows them (RDS rds.allowed_extensions, Cloud SQL, Azure allow-lists)` });
    }
    return out;
}
