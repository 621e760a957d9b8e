package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// --- Grant (database, schema, table, sequence) ------------------------------------------------

func grantKind() *kind {
	return &kind{
		defaults:  resource.PropertyMap{"withGrantOption": b(false), "objects": emptyArr(), "columns": emptyArr()},
		replaceOn: []string{"database", "role", "schema", "objectType", "objects", "columns", "privileges", "withGrantOption"},
		create: func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error) {
			if len(strs(in, "columns")) > 0 {
				return "", nil, errors.New("postgresql stand-in: Grant.columns is not supported")
			}
			target, err := grantTarget(in)
			if err != nil {
				return "", nil, err
			}
			role := grantee(str(in, "role"))
			stmts := []string{"REVOKE ALL PRIVILEGES ON " + target + " FROM " + role}
			if privs := strs(in, "privileges"); len(privs) > 0 {
				st := "GRANT " + strings.Join(privs, ", ") + " ON " + target + " TO " + role
				if boolean(in, "withGrantOption") {
					st += " WITH GRANT OPTION"
				}
				stmts = append(stmts, st)
			}
			id := strings.Join([]string{str(in, "role"), str(in, "database"), str(in, "schema"),
				str(in, "objectType"), strings.Join(strs(in, "objects"), ",")}, "_")
			return id, in, p.execHolding(ctx, str(in, "database"), grantOwners(in), stmts...)
		},
		read: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
			return true, st, nil
		},
		delete: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error {
			target, err := grantTarget(st)
			if err != nil {
				return err
			}
			return p.execHolding(ctx, str(st, "database"), grantOwners(st), "REVOKE ALL PRIVILEGES ON "+target+" FROM "+grantee(str(st, "role")))
		},
	}
}

// grantOwners: a non-superuser grants as the owner of what it grants on (none for a database,
// which the admin owns; the schema's owner, plus its tables' owners for table/sequence grants).
func grantOwners(in resource.PropertyMap) rolesQuery {
	switch str(in, "objectType") {
	case "database":
		return fixedRoles()
	case "schema":
		return ownersOf(str(in, "schema"), false)
	default:
		return ownersOf(str(in, "schema"), true)
	}
}

func grantee(r string) string {
	if strings.EqualFold(r, "public") {
		return "PUBLIC"
	}
	return ident(r)
}

func grantTarget(in resource.PropertyMap) (string, error) {
	objs := strs(in, "objects")
	quoted := func(schema string) string {
		q := make([]string, len(objs))
		for i, o := range objs {
			if schema != "" {
				q[i] = ident(schema) + "." + ident(o)
			} else {
				q[i] = ident(o)
			}
		}
		return strings.Join(q, ", ")
	}
	switch t := str(in, "objectType"); t {
	case "database":
		return "DATABASE " + ident(str(in, "database")), nil
	case "schema":
		return "SCHEMA " + ident(str(in, "schema")), nil
	case "table", "sequence":
		kw := strings.ToUpper(t)
		if len(objs) == 0 {
			return "ALL " + kw + "S IN SCHEMA " + ident(str(in, "schema")), nil
		}
		return kw + " " + quoted(str(in, "schema")), nil
	default:
		return "", fmt.Errorf("postgresql stand-in: Grant objectType %q is not supported", t)
	}
}

// --- DefaultPrivileges ------------------------------------------------------------------------

// defaultObjects maps objectType to the ALTER DEFAULT PRIVILEGES object keyword.
var defaultObjects = map[string]string{
	"table": "TABLES", "sequence": "SEQUENCES", "function": "FUNCTIONS", "type": "TYPES", "schema": "SCHEMAS",
}

// defaultPrivilegesPrefix is "ALTER DEFAULT PRIVILEGES FOR ROLE owner [IN SCHEMA s]" and the object keyword.
func defaultPrivilegesPrefix(in resource.PropertyMap) (string, string, error) {
	t := str(in, "objectType")
	objs, ok := defaultObjects[t]
	if !ok {
		return "", "", fmt.Errorf("postgresql stand-in: DefaultPrivileges objectType %q is not supported", t)
	}
	prefix := "ALTER DEFAULT PRIVILEGES FOR ROLE " + ident(str(in, "owner"))
	if sc := str(in, "schema"); sc != "" {
		if t == "schema" {
			return "", "", errors.New("postgresql stand-in: DefaultPrivileges objectType schema takes no schema")
		}
		prefix += " IN SCHEMA " + ident(sc)
	}
	return prefix, objs, nil
}

// defaultPrivilegesKind: exactly `privileges` on the owner's future objects; every input change
// replaces it (delete = revoke all, then create = revoke all + grant), as in the Terraform provider.
func defaultPrivilegesKind() *kind {
	return &kind{
		defaults:  resource.PropertyMap{"withGrantOption": b(false)},
		replaceOn: []string{"database", "owner", "role", "schema", "objectType", "privileges", "withGrantOption"},
		create: func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error) {
			prefix, objs, err := defaultPrivilegesPrefix(in)
			if err != nil {
				return "", nil, err
			}
			role := grantee(str(in, "role"))
			stmts := []string{prefix + " REVOKE ALL ON " + objs + " FROM " + role}
			if privs := strs(in, "privileges"); len(privs) > 0 {
				st := prefix + " GRANT " + strings.Join(privs, ", ") + " ON " + objs + " TO " + role
				if boolean(in, "withGrantOption") {
					st += " WITH GRANT OPTION"
				}
				stmts = append(stmts, st)
			}
			id := strings.Join([]string{str(in, "role"), str(in, "database"), str(in, "schema"),
				str(in, "owner"), str(in, "objectType")}, "_")
			// Only members of the owner may change its default privileges.
			return id, in, p.execHolding(ctx, str(in, "database"), fixedRoles(str(in, "owner")), stmts...)
		},
		read: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
			return true, st, nil
		},
		delete: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error {
			prefix, objs, err := defaultPrivilegesPrefix(st)
			if err != nil {
				return err
			}
			return p.execHolding(ctx, str(st, "database"), fixedRoles(str(st, "owner")), prefix+" REVOKE ALL ON "+objs+" FROM "+grantee(str(st, "role")))
		},
	}
}
