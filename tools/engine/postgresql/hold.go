package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Acting as object owners without being a superuser.
//
// A managed-service admin (RDS rds_superuser members, Cloud SQL cloudsqlsuperuser, Azure
// azure_pg_admin: LOGIN CREATEROLE CREATEDB, provider config superuser: false) may create a
// schema owned by another role, grant on that role's objects, change its default privileges or
// reassign what it owns only while it can SET ROLE to and inherit from that role. The Terraform
// provider the real pulumi-postgresql wraps does this in withRolesGranted: when the connected
// user is not a superuser (checked on the server, not taken from config), it grants itself each
// role it is not a member of (with SET) inside the transaction, runs the statements, and revokes
// exactly those grants. Without it PostgreSQL refuses (CREATE SCHEMA ... AUTHORIZATION: "must be
// able to SET ROLE") or, worse, only warns (GRANT on a schema it does not own: "no privileges
// were granted"). The stand-in does the same, so the e2e with a managed admin is honest.

// rolesQuery returns the roles to hold; it runs inside the transaction (owners may be resolved
// from the catalog). pg_database_owner stands for the database's owner.
type rolesQuery func(ctx context.Context, tx pgx.Tx) ([]string, error)

// fixedRoles holds the given roles.
func fixedRoles(roles ...string) rolesQuery {
	return func(context.Context, pgx.Tx) ([]string, error) { return roles, nil }
}

// ownersOf holds the owner of schema and, for table/sequence grants, the owners of its tables
// (the Terraform provider's getRolesToGrant).
func ownersOf(schema string, withTables bool) rolesQuery {
	return func(ctx context.Context, tx pgx.Tx) ([]string, error) {
		q := `SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1`
		if withTables {
			q += ` UNION SELECT DISTINCT tableowner::text FROM pg_tables WHERE schemaname = $1`
		}
		rows, err := tx.Query(ctx, q, schema)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[string])
	}
}

// execHolding is execLocked that, for a non-superuser, holds the roles `roles` returns while
// the statements run, and gives back exactly the memberships it took.
func (p *pgProvider) execHolding(ctx context.Context, database string, roles rolesQuery, stmts ...string) error {
	p.aclMu.Lock()
	defer p.aclMu.Unlock()
	conn, err := p.cfg().connect(ctx, database)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(7368021)"); err != nil {
		return err
	}
	held, err := holdRoles(ctx, tx, roles)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		if _, err := tx.Exec(ctx, st); err != nil {
			return fmt.Errorf("%s: %w", st, err)
		}
	}
	for _, r := range held {
		if _, err := tx.Exec(ctx, "REVOKE "+ident(r)+" FROM CURRENT_USER"); err != nil {
			return fmt.Errorf("giving back role %s: %w", r, err)
		}
	}
	return tx.Commit(ctx)
}

func holdRoles(ctx context.Context, tx pgx.Tx, roles rolesQuery) ([]string, error) {
	var super bool
	if err := tx.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil {
		return nil, err
	}
	if super {
		return nil, nil
	}
	names, err := roles(ctx, tx)
	if err != nil {
		return nil, err
	}
	var held []string
	for _, r := range names {
		if r == "pg_database_owner" {
			if err := tx.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()").Scan(&r); err != nil {
				return nil, err
			}
		}
		// Already usable (direct membership with SET where the server has the option), the
		// connected user itself, or a superuser role (which PostgreSQL refuses to grant): skip.
		var skip bool
		err := tx.QueryRow(ctx, `SELECT $1 = current_user OR r.rolsuper OR EXISTS (
				SELECT 1 FROM pg_auth_members m WHERE m.roleid = r.oid AND m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user)
				AND coalesce((to_jsonb(m) ->> 'set_option')::boolean, true))
			FROM pg_roles r WHERE r.rolname = $1`, r).Scan(&skip)
		if err == pgx.ErrNoRows || skip {
			continue
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, "GRANT "+ident(r)+" TO CURRENT_USER"); err != nil {
			return nil, fmt.Errorf("holding role %s (the admin is not a superuser): %w", r, err)
		}
		held = append(held, r)
	}
	return held, nil
}
