package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// --- Role -------------------------------------------------------------------------------------

func roleKind() *kind {
	return &kind{
		autoname: true,
		defaults: resource.PropertyMap{
			"login": b(false), "superuser": b(false), "createDatabase": b(false), "createRole": b(false),
			"inherit": b(true), "replication": b(false), "bypassRowLevelSecurity": b(false),
			"connectionLimit": n(-1), "encryptedPassword": b(true), "validUntil": s("infinity"),
			"skipDropRole": b(false), "skipReassignOwned": b(false), "statementTimeout": n(0),
			"idleInTransactionSessionTimeout": n(0), "roles": emptyArr(), "searchPaths": emptyArr(),
			"assumeRole": s(""),
		},
		ignoreDiff: []string{"skipDropRole", "skipReassignOwned", "encrypted"},
		sets:       []string{"roles"},
		readKeys: []string{"name", "login", "superuser", "createDatabase", "createRole", "inherit", "replication",
			"bypassRowLevelSecurity", "connectionLimit", "validUntil", "roles", "searchPaths", "statementTimeout",
			"idleInTransactionSessionTimeout", "assumeRole", "encryptedPassword", "password"},
		sameOnServer: func(ctx context.Context, p *pgProvider, id, key string, v resource.PropertyValue) bool {
			if key != "password" || id == "" || !v.IsString() || v.StringValue() == "" {
				return false
			}
			c, err := p.passwordMatches(ctx, id, v.StringValue())
			return err == nil && c.known && c.match
		},
		create: func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error) {
			name := str(in, "name")
			stmts := []string{"CREATE ROLE " + ident(name) + " WITH " + p.roleOptions(in, true)}
			stmts = append(stmts, roleSettings(name, nil, in)...)
			if err := p.exec(ctx, "", stmts...); err != nil {
				return "", nil, err
			}
			return name, in, nil
		},
		read: readRole,
		update: func(ctx context.Context, p *pgProvider, id string, old, new resource.PropertyMap) (resource.PropertyMap, error) {
			name := str(new, "name")
			var stmts []string
			if name != id {
				stmts = append(stmts, "ALTER ROLE "+ident(id)+" RENAME TO "+ident(name))
			}
			stmts = append(stmts, "ALTER ROLE "+ident(name)+" WITH "+p.roleOptions(new, false))
			stmts = append(stmts, roleSettings(name, old, new)...)
			return new, p.exec(ctx, "", stmts...)
		},
		delete: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error {
			if boolean(st, "skipDropRole") {
				return nil
			}
			if !boolean(st, "skipReassignOwned") {
				dbs, err := p.databases(ctx)
				if err != nil {
					return err
				}
				for _, db := range dbs {
					// REASSIGN OWNED needs the privileges of the role: a non-superuser holds it meanwhile.
					if err := p.execHolding(ctx, db, fixedRoles(id),
						"REASSIGN OWNED BY "+ident(id)+" TO CURRENT_USER",
						"DROP OWNED BY "+ident(id)); err != nil {
						return err
					}
				}
			}
			return p.execLocked(ctx, "", "DROP ROLE IF EXISTS "+ident(id))
		},
	}
}

func (p *pgProvider) roleOptions(in resource.PropertyMap, create bool) string {
	flag := func(k, yes, no string, superOnly bool) string {
		if boolean(in, k) {
			return yes
		}
		if superOnly && !p.cfg().superuser {
			return "" // a non-superuser may not even mention these attributes
		}
		return no
	}
	opts := []string{
		flag("login", "LOGIN", "NOLOGIN", false),
		flag("superuser", "SUPERUSER", "NOSUPERUSER", true),
		flag("createDatabase", "CREATEDB", "NOCREATEDB", false),
		flag("createRole", "CREATEROLE", "NOCREATEROLE", false),
		flag("inherit", "INHERIT", "NOINHERIT", false),
		flag("replication", "REPLICATION", "NOREPLICATION", true),
		flag("bypassRowLevelSecurity", "BYPASSRLS", "NOBYPASSRLS", true),
		fmt.Sprintf("CONNECTION LIMIT %d", num(in, "connectionLimit", -1)),
	}
	if v := str(in, "validUntil"); v != "" {
		opts = append(opts, "VALID UNTIL "+lit(v))
	}
	if pw := str(in, "password"); pw != "" {
		opts = append(opts, "PASSWORD "+lit(pw))
	} else if create {
		opts = append(opts, "PASSWORD NULL")
	}
	var out []string
	for _, o := range opts {
		if o != "" {
			out = append(out, o)
		}
	}
	return strings.Join(out, " ")
}

func roleSettings(name string, old, new resource.PropertyMap) []string {
	var stmts []string
	setting := func(k, guc string, render func() string, isDefault bool) {
		if old != nil && old[resource.PropertyKey(k)].DeepEquals(new[resource.PropertyKey(k)]) {
			return
		}
		if isDefault {
			if old != nil {
				stmts = append(stmts, "ALTER ROLE "+ident(name)+" RESET "+guc)
			}
			return
		}
		stmts = append(stmts, "ALTER ROLE "+ident(name)+" SET "+guc+" TO "+render())
	}
	paths := strs(new, "searchPaths")
	setting("searchPaths", "search_path", func() string {
		q := make([]string, len(paths))
		for i, x := range paths {
			q[i] = ident(x)
		}
		return strings.Join(q, ", ")
	}, len(paths) == 0)
	st := num(new, "statementTimeout", 0)
	setting("statementTimeout", "statement_timeout", func() string { return strconv.Itoa(st) }, st == 0)
	it := num(new, "idleInTransactionSessionTimeout", 0)
	setting("idleInTransactionSessionTimeout", "idle_in_transaction_session_timeout",
		func() string { return strconv.Itoa(it) }, it == 0)
	// role memberships
	oldRoles := map[string]bool{}
	if old != nil {
		for _, r := range strs(old, "roles") {
			oldRoles[r] = true
		}
	}
	newRoles := map[string]bool{}
	for _, r := range strs(new, "roles") {
		newRoles[r] = true
		if !oldRoles[r] {
			stmts = append(stmts, "GRANT "+ident(r)+" TO "+ident(name))
		}
	}
	for r := range oldRoles {
		if !newRoles[r] {
			stmts = append(stmts, "REVOKE "+ident(r)+" FROM "+ident(name))
		}
	}
	return stmts
}

// --- GrantRole --------------------------------------------------------------------------------

func grantRoleKind() *kind {
	return &kind{
		defaults:  resource.PropertyMap{"withAdminOption": b(false)},
		replaceOn: []string{"role", "grantRole", "withAdminOption"},
		create: func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error) {
			role, gr := str(in, "role"), str(in, "grantRole")
			st := "GRANT " + ident(gr) + " TO " + ident(role)
			if boolean(in, "withAdminOption") {
				st += " WITH ADMIN OPTION"
			}
			return role + "_" + gr, in, p.execLocked(ctx, "", st)
		},
		read: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
			var one int
			ok, err := p.queryRow(ctx, "", `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
				JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = $1 AND g.rolname = $2`,
				[]any{str(st, "role"), str(st, "grantRole")}, &one)
			return ok, st, err
		},
		delete: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error {
			return p.execLocked(ctx, "", "REVOKE "+ident(str(st, "grantRole"))+" FROM "+ident(str(st, "role")))
		},
	}
}
