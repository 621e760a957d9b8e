package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// --- Schema -----------------------------------------------------------------------------------

func schemaKind() *kind {
	return &kind{
		autoname:   true,
		defaults:   resource.PropertyMap{"ifNotExists": b(true), "dropCascade": b(false)},
		replaceOn:  []string{"database"},
		ignoreDiff: []string{"ifNotExists", "dropCascade"},
		computed:   []string{"owner"},
		readKeys:   []string{"database", "name", "owner"},
		create: func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error) {
			db := p.dbOf(in)
			name := str(in, "name")
			st := "CREATE SCHEMA "
			if boolean(in, "ifNotExists") {
				st += "IF NOT EXISTS "
			}
			st += ident(name)
			if o := str(in, "owner"); o != "" {
				st += " AUTHORIZATION " + ident(o)
			}
			// Held while creating (Terraform provider): the database owner (to create schemas) and the
			// schema's owner (AUTHORIZATION needs SET ROLE to it), when the admin is not a superuser.
			if err := p.execHolding(ctx, db, fixedRoles("pg_database_owner", str(in, "owner")), st); err != nil {
				return "", nil, err
			}
			out := in.Copy()
			out["database"] = s(db)
			var owner string
			if _, err := p.queryRow(ctx, db, `SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1`,
				[]any{name}, &owner); err != nil {
				return "", nil, err
			}
			out["owner"] = s(owner)
			return db + "." + name, out, nil
		},
		read: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
			db, name, _ := strings.Cut(id, ".")
			var owner string
			ok, err := p.queryRow(ctx, db, `SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1`,
				[]any{name}, &owner)
			if !ok || err != nil {
				return ok, nil, err
			}
			out := st.Copy()
			out["database"], out["name"], out["owner"] = s(db), s(name), s(owner)
			return true, out, nil
		},
		update: func(ctx context.Context, p *pgProvider, id string, old, new resource.PropertyMap) (resource.PropertyMap, error) {
			db, oldName, _ := strings.Cut(id, ".")
			name := str(new, "name")
			var stmts []string
			if name != oldName {
				stmts = append(stmts, "ALTER SCHEMA "+ident(oldName)+" RENAME TO "+ident(name))
			}
			if o := str(new, "owner"); o != "" && o != str(old, "owner") {
				stmts = append(stmts, "ALTER SCHEMA "+ident(name)+" OWNER TO "+ident(o))
			}
			if err := p.exec(ctx, db, stmts...); err != nil {
				return nil, err
			}
			out := new.Copy()
			out["database"] = s(db)
			if str(out, "owner") == "" {
				out["owner"] = old["owner"]
			}
			return out, nil
		},
		delete: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error {
			db, name, _ := strings.Cut(id, ".")
			mode := " RESTRICT"
			if boolean(st, "dropCascade") {
				mode = " CASCADE"
			}
			return p.execHolding(ctx, db, fixedRoles(str(st, "owner")), "DROP SCHEMA IF EXISTS "+ident(name)+mode)
		},
	}
}

func (p *pgProvider) dbOf(in resource.PropertyMap) string {
	if db := str(in, "database"); db != "" {
		return db
	}
	return p.cfg().database
}

// --- Database ---------------------------------------------------------------------------------

func databaseKind() *kind {
	return &kind{
		autoname: true,
		defaults: resource.PropertyMap{
			"allowConnections": b(true), "connectionLimit": n(-1), "isTemplate": b(false),
			"alterObjectOwnership": b(false),
		},
		replaceOn:  []string{"encoding", "lcCollate", "lcCtype", "template"},
		ignoreDiff: []string{"alterObjectOwnership"},
		computed:   []string{"owner", "template", "encoding", "lcCollate", "lcCtype", "tablespaceName"},
		readKeys:   []string{"name", "owner", "encoding", "lcCollate", "lcCtype", "tablespaceName", "allowConnections", "isTemplate", "connectionLimit"},
		create: func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error) {
			name := str(in, "name")
			st := "CREATE DATABASE " + ident(name)
			for _, o := range [][2]string{{"owner", "OWNER"}, {"template", "TEMPLATE"}, {"encoding", "ENCODING"},
				{"lcCollate", "LC_COLLATE"}, {"lcCtype", "LC_CTYPE"}, {"tablespaceName", "TABLESPACE"}} {
				if v := str(in, o[0]); v != "" && v != "DEFAULT" {
					if o[0] == "encoding" || o[0] == "lcCollate" || o[0] == "lcCtype" {
						st += " " + o[1] + " " + lit(v)
					} else {
						st += " " + o[1] + " " + ident(v)
					}
				}
			}
			st += fmt.Sprintf(" CONNECTION LIMIT %d ALLOW_CONNECTIONS %t IS_TEMPLATE %t",
				num(in, "connectionLimit", -1), boolean(in, "allowConnections"), boolean(in, "isTemplate"))
			if err := p.exec(ctx, "", st); err != nil {
				return "", nil, err
			}
			_, out, err := databaseKind().read(ctx, p, name, in)
			return name, out, err
		},
		read: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
			var owner, enc, collate, ctype, tbs string
			var allow, tmpl bool
			var limit int
			ok, err := p.queryRow(ctx, "", `SELECT pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding),
				d.datcollate, d.datctype, t.spcname, d.datallowconn, d.datistemplate, d.datconnlimit
				FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = $1`,
				[]any{id}, &owner, &enc, &collate, &ctype, &tbs, &allow, &tmpl, &limit)
			if !ok || err != nil {
				return ok, nil, err
			}
			out := st.Copy()
			out["name"], out["owner"], out["encoding"], out["lcCollate"] = s(id), s(owner), s(enc), s(collate)
			out["lcCtype"], out["tablespaceName"], out["allowConnections"] = s(ctype), s(tbs), b(allow)
			out["isTemplate"], out["connectionLimit"] = b(tmpl), n(float64(limit))
			if str(out, "template") == "" {
				out["template"] = s("template0")
			}
			return true, out, nil
		},
		update: func(ctx context.Context, p *pgProvider, id string, old, new resource.PropertyMap) (resource.PropertyMap, error) {
			name := str(new, "name")
			var stmts []string
			if name != id {
				stmts = append(stmts, "ALTER DATABASE "+ident(id)+" RENAME TO "+ident(name))
			}
			if o := str(new, "owner"); o != "" && o != str(old, "owner") {
				stmts = append(stmts, "ALTER DATABASE "+ident(name)+" OWNER TO "+ident(o))
			}
			if t := str(new, "tablespaceName"); t != "" && t != str(old, "tablespaceName") {
				stmts = append(stmts, "ALTER DATABASE "+ident(name)+" SET TABLESPACE "+ident(t))
			}
			stmts = append(stmts, fmt.Sprintf("ALTER DATABASE %s WITH CONNECTION LIMIT %d ALLOW_CONNECTIONS %t IS_TEMPLATE %t",
				ident(name), num(new, "connectionLimit", -1), boolean(new, "allowConnections"), boolean(new, "isTemplate")))
			if err := p.exec(ctx, "", stmts...); err != nil {
				return nil, err
			}
			_, out, err := databaseKind().read(ctx, p, name, new)
			return out, err
		},
		delete: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error {
			if boolean(st, "isTemplate") {
				if err := p.exec(ctx, "", "ALTER DATABASE "+ident(id)+" IS_TEMPLATE false"); err != nil {
					return err
				}
			}
			return p.exec(ctx, "", "DROP DATABASE IF EXISTS "+ident(id)+" WITH (FORCE)")
		},
	}
}

// --- Extension --------------------------------------------------------------------------------

func extensionKind() *kind {
	return &kind{
		autoname:   true,
		defaults:   resource.PropertyMap{"createCascade": b(false), "dropCascade": b(false)},
		replaceOn:  []string{"database", "name"},
		ignoreDiff: []string{"createCascade", "dropCascade"},
		computed:   []string{"schema", "version"},
		readKeys:   []string{"database", "name", "schema", "version"},
		create: func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error) {
			db, name := p.dbOf(in), str(in, "name")
			st := "CREATE EXTENSION IF NOT EXISTS " + ident(name)
			if sc := str(in, "schema"); sc != "" {
				st += " SCHEMA " + ident(sc)
			}
			if v := str(in, "version"); v != "" {
				st += " VERSION " + lit(v)
			}
			if boolean(in, "createCascade") {
				st += " CASCADE"
			}
			if err := p.execLocked(ctx, db, st); err != nil {
				return "", nil, err
			}
			id := db + "." + name
			_, out, err := extensionKind().read(ctx, p, id, in)
			return id, out, err
		},
		read: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
			db, name, _ := strings.Cut(id, ".")
			var schema, ver string
			ok, err := p.queryRow(ctx, db, `SELECT n.nspname, e.extversion FROM pg_extension e
				JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1`, []any{name}, &schema, &ver)
			if !ok || err != nil {
				return ok, nil, err
			}
			out := st.Copy()
			out["database"], out["name"], out["schema"], out["version"] = s(db), s(name), s(schema), s(ver)
			return true, out, nil
		},
		update: func(ctx context.Context, p *pgProvider, id string, old, new resource.PropertyMap) (resource.PropertyMap, error) {
			db, name, _ := strings.Cut(id, ".")
			var stmts []string
			if sc := str(new, "schema"); sc != "" && sc != str(old, "schema") {
				stmts = append(stmts, "ALTER EXTENSION "+ident(name)+" SET SCHEMA "+ident(sc))
			}
			if v := str(new, "version"); v != "" && v != str(old, "version") {
				stmts = append(stmts, "ALTER EXTENSION "+ident(name)+" UPDATE TO "+lit(v))
			}
			if err := p.exec(ctx, db, stmts...); err != nil {
				return nil, err
			}
			_, out, err := extensionKind().read(ctx, p, id, new)
			return out, err
		},
		delete: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error {
			db, name, _ := strings.Cut(id, ".")
			mode := ""
			if boolean(st, "dropCascade") {
				mode = " CASCADE"
			}
			return p.execLocked(ctx, db, "DROP EXTENSION IF EXISTS "+ident(name)+mode)
		},
	}
}
