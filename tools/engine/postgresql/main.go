// Command pulumi-resource-postgresql is a STAND-IN for the Pulumi postgresql provider.
//
// The real provider (github.com/pulumi/pulumi-postgresql/provider/v3, a bridge over
// cyrilgdn/terraform-provider-postgresql) cannot be built here: neither it nor the Terraform
// provider it wraps is served by the reachable Go module proxy under any module path. This
// program speaks the same Pulumi resource-provider gRPC protocol and the same type tokens and
// property names as the @pulumi/postgresql 3.18.0 npm SDK, for the subset of resources listed
// in `resources` below, implemented directly in SQL with pgx. Anything else is rejected in
// Check with a clear error. Semantics follow the Terraform provider's documented behaviour
// (defaults, ids, drop/reassign on delete) but are not a byte-for-byte copy of it.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set at link time (-X main.version=...).
var version = "0.0.0-dev"

const pkgName = "postgresql"

func main() {
	err := provider.Main(pkgName, func(host *provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &pgProvider{host: host}, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// ---------------------------------------------------------------------------------------------
// Provider configuration

type pgConfig struct {
	host, username, password, database, sslmode string
	port                                        int
	superuser                                   bool
	connectTimeout                              int
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// configFrom reads provider inputs. Values may be native (explicit provider via the engine's
// typed config) or strings (the SDK JSON-encodes non-string provider inputs; stack config is
// always strings).
func configFrom(m resource.PropertyMap) (pgConfig, error) {
	c := pgConfig{
		host:           envOr("PGHOST", "localhost"),
		username:       envOr("PGUSER", "postgres"),
		password:       os.Getenv("PGPASSWORD"),
		database:       envOr("PGDATABASE", "postgres"),
		sslmode:        envOr("PGSSLMODE", "prefer"),
		port:           5432,
		superuser:      true,
		connectTimeout: 180,
	}
	if p := os.Getenv("PGPORT"); p != "" {
		if n, err := strconv.Atoi(p); err == nil {
			c.port = n
		}
	}
	if p := os.Getenv("PGCONNECT_TIMEOUT"); p != "" {
		if n, err := strconv.Atoi(p); err == nil {
			c.connectTimeout = n
		}
	}
	var err error
	c.host = cfgString(m, "host", c.host)
	c.username = cfgString(m, "username", c.username)
	c.password = cfgString(m, "password", c.password)
	c.database = cfgString(m, "database", c.database)
	c.sslmode = cfgString(m, "sslmode", cfgString(m, "sslMode", c.sslmode))
	if c.port, err = cfgInt(m, "port", c.port); err != nil {
		return c, err
	}
	if c.connectTimeout, err = cfgInt(m, "connectTimeout", c.connectTimeout); err != nil {
		return c, err
	}
	if c.superuser, err = cfgBool(m, "superuser", c.superuser); err != nil {
		return c, err
	}
	for _, k := range []string{"scheme"} {
		if s := cfgString(m, resource.PropertyKey(k), "postgres"); s != "postgres" {
			return c, fmt.Errorf("postgresql stand-in provider: %s=%q is not supported", k, s)
		}
	}
	return c, nil
}

func unwrap(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput():
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

func cfgString(m resource.PropertyMap, k resource.PropertyKey, def string) string {
	v, ok := m[k]
	if !ok {
		return def
	}
	v = unwrap(v)
	if v.IsString() && v.StringValue() != "" {
		s := v.StringValue()
		if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' { // JSON-encoded string
			if u, err := strconv.Unquote(s); err == nil {
				return u
			}
		}
		return s
	}
	return def
}

func cfgInt(m resource.PropertyMap, k resource.PropertyKey, def int) (int, error) {
	v, ok := m[k]
	if !ok {
		return def, nil
	}
	v = unwrap(v)
	switch {
	case v.IsNumber():
		return int(v.NumberValue()), nil
	case v.IsString():
		s := strings.Trim(v.StringValue(), `"`)
		if s == "" || s == "null" {
			return def, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return def, fmt.Errorf("postgresql: config %s: %q is not an integer", k, s)
		}
		return n, nil
	}
	return def, nil
}

func cfgBool(m resource.PropertyMap, k resource.PropertyKey, def bool) (bool, error) {
	v, ok := m[k]
	if !ok {
		return def, nil
	}
	v = unwrap(v)
	switch {
	case v.IsBool():
		return v.BoolValue(), nil
	case v.IsString():
		s := strings.Trim(v.StringValue(), `"`)
		if s == "" || s == "null" {
			return def, nil
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			return def, fmt.Errorf("postgresql: config %s: %q is not a boolean", k, s)
		}
		return b, nil
	}
	return def, nil
}

func (c pgConfig) connect(ctx context.Context, database string) (*pgx.Conn, error) {
	if database == "" {
		database = c.database
	}
	q := func(s string) string {
		return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `\'`) + "'"
	}
	dsn := fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=%s connect_timeout=%d",
		q(c.host), c.port, q(c.username), q(database), q(c.sslmode), c.connectTimeout)
	if c.password != "" {
		dsn += " password=" + q(c.password)
	}
	return pgx.Connect(ctx, dsn)
}

// ---------------------------------------------------------------------------------------------
// Resource kinds

type kind struct {
	// defaults applied in Check to absent inputs (also recorded in outputs).
	defaults resource.PropertyMap
	// autoname: the "name" property is generated when absent.
	autoname bool
	// replaceOn: input keys whose change forces replacement.
	replaceOn []string
	// ignoreDiff: input keys that never cause a diff.
	ignoreDiff []string
	create     func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error)
	read       func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error)
	update     func(ctx context.Context, p *pgProvider, id string, old, new resource.PropertyMap) (resource.PropertyMap, error)
	delete     func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error
}

func b(v bool) resource.PropertyValue    { return resource.NewBoolProperty(v) }
func n(v float64) resource.PropertyValue { return resource.NewNumberProperty(v) }
func s(v string) resource.PropertyValue  { return resource.NewStringProperty(v) }
func emptyArr() resource.PropertyValue   { return resource.NewArrayProperty(nil) }
func tok(name string) string {
	return pkgName + ":index/" + strings.ToLower(name[:1]) + name[1:] + ":" + name
}
func ident(x string) string { return pgx.Identifier{x}.Sanitize() }
func lit(x string) string   { return "'" + strings.ReplaceAll(x, "'", "''") + "'" }
func str(m resource.PropertyMap, k string) string {
	v, ok := m[resource.PropertyKey(k)]
	if !ok {
		return ""
	}
	v = unwrap(v)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}
func boolean(m resource.PropertyMap, k string) bool {
	v := unwrap(m[resource.PropertyKey(k)])
	return v.IsBool() && v.BoolValue()
}
func num(m resource.PropertyMap, k string, def int) int {
	v := unwrap(m[resource.PropertyKey(k)])
	if v.IsNumber() {
		return int(v.NumberValue())
	}
	return def
}
func strs(m resource.PropertyMap, k string) []string {
	v := unwrap(m[resource.PropertyKey(k)])
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e = unwrap(e); e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}
func strArr(xs []string) resource.PropertyValue {
	arr := make([]resource.PropertyValue, len(xs))
	for i, x := range xs {
		arr[i] = s(x)
	}
	return resource.NewArrayProperty(arr)
}

var resources = map[string]*kind{
	tok("Role"):      roleKind(),
	tok("Schema"):    schemaKind(),
	tok("Database"):  databaseKind(),
	tok("Extension"): extensionKind(),
	tok("GrantRole"): grantRoleKind(),
	tok("Grant"):     grantKind(),
}

func supportedTypes() string {
	var ks []string
	for k := range resources {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// exec runs statements in one connection (to database, "" = provider default), in order.
func (p *pgProvider) exec(ctx context.Context, database string, stmts ...string) error {
	conn, err := p.cfg().connect(ctx, database)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, st := range stmts {
		if _, err := conn.Exec(ctx, st); err != nil {
			return fmt.Errorf("%s: %w", st, err)
		}
	}
	return nil
}

func (p *pgProvider) queryRow(ctx context.Context, database, q string, args []any, dest ...any) (bool, error) {
	conn, err := p.cfg().connect(ctx, database)
	if err != nil {
		return false, err
	}
	defer conn.Close(ctx)
	err = conn.QueryRow(ctx, q, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

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
		create: func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error) {
			name := str(in, "name")
			stmts := []string{"CREATE ROLE " + ident(name) + " WITH " + p.roleOptions(in, true)}
			stmts = append(stmts, roleSettings(name, nil, in)...)
			if err := p.exec(ctx, "", stmts...); err != nil {
				return "", nil, err
			}
			return name, in, nil
		},
		read: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
			var login, super, createdb, createrole, inherit, repl, bypass bool
			var connlimit int
			ok, err := p.queryRow(ctx, "", `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit,
				rolreplication, rolbypassrls, rolconnlimit FROM pg_roles WHERE rolname = $1`, []any{id},
				&login, &super, &createdb, &createrole, &inherit, &repl, &bypass, &connlimit)
			if !ok || err != nil {
				return ok, nil, err
			}
			out := st.Copy()
			out["name"] = s(id)
			out["login"], out["superuser"], out["createDatabase"] = b(login), b(super), b(createdb)
			out["createRole"], out["inherit"], out["replication"] = b(createrole), b(inherit), b(repl)
			out["bypassRowLevelSecurity"], out["connectionLimit"] = b(bypass), n(float64(connlimit))
			return true, out, nil
		},
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
					if err := p.exec(ctx, db,
						"REASSIGN OWNED BY "+ident(id)+" TO CURRENT_USER",
						"DROP OWNED BY "+ident(id)); err != nil {
						return err
					}
				}
			}
			return p.exec(ctx, "", "DROP ROLE IF EXISTS "+ident(id))
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

func (p *pgProvider) databases(ctx context.Context) ([]string, error) {
	conn, err := p.cfg().connect(ctx, "")
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// --- Schema -----------------------------------------------------------------------------------

func schemaKind() *kind {
	return &kind{
		autoname:   true,
		defaults:   resource.PropertyMap{"ifNotExists": b(true), "dropCascade": b(false)},
		replaceOn:  []string{"database"},
		ignoreDiff: []string{"ifNotExists", "dropCascade"},
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
			if err := p.exec(ctx, db, st); err != nil {
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
			return p.exec(ctx, db, "DROP SCHEMA IF EXISTS "+ident(name)+mode)
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
			if err := p.exec(ctx, db, st); err != nil {
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
			return p.exec(ctx, db, "DROP EXTENSION IF EXISTS "+ident(name)+mode)
		},
	}
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
			return role + "_" + gr, in, p.exec(ctx, "", st)
		},
		read: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
			var one int
			ok, err := p.queryRow(ctx, "", `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
				JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = $1 AND g.rolname = $2`,
				[]any{str(st, "role"), str(st, "grantRole")}, &one)
			return ok, st, err
		},
		delete: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error {
			return p.exec(ctx, "", "REVOKE "+ident(str(st, "grantRole"))+" FROM "+ident(str(st, "role")))
		},
	}
}

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
			return id, in, p.exec(ctx, str(in, "database"), stmts...)
		},
		read: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
			return true, st, nil
		},
		delete: func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error {
			target, err := grantTarget(st)
			if err != nil {
				return err
			}
			return p.exec(ctx, str(st, "database"), "REVOKE ALL PRIVILEGES ON "+target+" FROM "+grantee(str(st, "role")))
		},
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

// ---------------------------------------------------------------------------------------------
// gRPC server

type pgProvider struct {
	pulumirpc.UnimplementedResourceProviderServer
	host *provider.HostClient

	mu     sync.RWMutex
	config pgConfig
}

func (p *pgProvider) cfg() pgConfig {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.config
}

var marshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(st *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(st, marshalOpts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshalOpts)
}

func kindOf(urn string) (*kind, string, error) {
	t := string(resource.URN(urn).Type())
	k, ok := resources[t]
	if !ok {
		return nil, t, fmt.Errorf("the postgresql stand-in provider does not implement %s (supported: %s)",
			t, supportedTypes())
	}
	return k, t, nil
}

func (p *pgProvider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (p *pgProvider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{
		Schema: fmt.Sprintf(`{"name":%q,"version":%q,"description":"stand-in postgresql provider"}`, pkgName, version),
	}, nil
}

func (p *pgProvider) Attach(_ context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	h, err := provider.NewHostClient(req.GetAddress())
	if err != nil {
		return nil, err
	}
	p.host = h
	return &emptypb.Empty{}, nil
}

func (p *pgProvider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *pgProvider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *pgProvider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if olds.DeepEquals(news) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	var diffs []string
	for k, v := range news {
		if !olds[k].DeepEquals(v) {
			diffs = append(diffs, string(k))
		}
	}
	for k := range olds {
		if _, ok := news[k]; !ok {
			diffs = append(diffs, string(k))
		}
	}
	sort.Strings(diffs)
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: diffs}, nil
}

func (p *pgProvider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	m := resource.PropertyMap{}
	if req.GetArgs() != nil {
		var err error
		if m, err = unmarshal(req.GetArgs()); err != nil {
			return nil, err
		}
	} else {
		for k, v := range req.GetVariables() { // "postgresql:config:host" = "..."
			key := k[strings.LastIndex(k, ":")+1:]
			m[resource.PropertyKey(key)] = s(v)
		}
	}
	c, err := configFrom(m)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.config = c
	p.mu.Unlock()
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

func randomSuffix() string {
	buf := make([]byte, 4)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)[:7]
}

func (p *pgProvider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	for key, v := range k.defaults {
		if _, ok := news[key]; !ok {
			news[key] = v
		}
	}
	if _, ok := news["name"]; !ok && k.autoname {
		switch {
		case olds.HasValue("name"):
			news["name"] = olds["name"]
		case req.GetAutonaming().GetMode() == pulumirpc.CheckRequest_AutonamingOptions_ENFORCE ||
			req.GetAutonaming().GetMode() == pulumirpc.CheckRequest_AutonamingOptions_PROPOSE:
			news["name"] = s(req.GetAutonaming().GetProposedName())
		default:
			news["name"] = s(string(resource.URN(req.GetUrn()).Name()) + "-" + randomSuffix())
		}
	}
	out, err := marshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: out}, nil
}

func (p *pgProvider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	if len(olds) == 0 { // state written without inputs: compare against outputs
		if olds, err = unmarshal(req.GetOlds()); err != nil {
			return nil, err
		}
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	ignore := map[string]bool{}
	for _, x := range k.ignoreDiff {
		ignore[x] = true
	}
	replace := map[string]bool{}
	for _, x := range k.replaceOn {
		replace[x] = true
	}
	keys := map[resource.PropertyKey]bool{}
	for key := range olds {
		keys[key] = true
	}
	for key := range news {
		keys[key] = true
	}
	var diffs, replaces []string
	detailed := map[string]*pulumirpc.PropertyDiff{}
	for key := range keys {
		if ignore[string(key)] {
			continue
		}
		ov, nv := olds[key], news[key]
		if ov.DeepEquals(nv) {
			continue
		}
		if !nv.ContainsUnknowns() && unwrap(ov).DeepEquals(unwrap(nv)) {
			continue // only secretness changed
		}
		diffs = append(diffs, string(key))
		kind := pulumirpc.PropertyDiff_UPDATE
		if replace[string(key)] {
			replaces = append(replaces, string(key))
			kind = pulumirpc.PropertyDiff_UPDATE_REPLACE
		}
		detailed[string(key)] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	sort.Strings(diffs)
	sort.Strings(replaces)
	if len(diffs) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true}, nil
	}
	return &pulumirpc.DiffResponse{
		Changes:             pulumirpc.DiffResponse_DIFF_SOME,
		Diffs:               diffs,
		Replaces:            replaces,
		DetailedDiff:        detailed,
		HasDetailedDiff:     true,
		DeleteBeforeReplace: len(replaces) > 0 && olds["name"].DeepEquals(news["name"]),
	}, nil
}

func (p *pgProvider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	in, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		out, err := marshal(in)
		return &pulumirpc.CreateResponse{Properties: out}, err
	}
	ctx, cancel := withTimeout(ctx, req.GetTimeout())
	defer cancel()
	id, outs, err := k.create(ctx, p, in)
	if err != nil {
		return nil, err
	}
	out, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: out}, nil
}

func (p *pgProvider) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	st, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	ok, outs, err := k.read(ctx, p, req.GetId(), st)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &pulumirpc.ReadResponse{}, nil // gone
	}
	out, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: out, Inputs: req.GetInputs()}, nil
}

func (p *pgProvider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	k, t, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		out, err := marshal(news)
		return &pulumirpc.UpdateResponse{Properties: out}, err
	}
	if k.update == nil {
		return nil, fmt.Errorf("%s cannot be updated in place", t)
	}
	ctx, cancel := withTimeout(ctx, req.GetTimeout())
	defer cancel()
	outs, err := k.update(ctx, p, req.GetId(), olds, news)
	if err != nil {
		return nil, err
	}
	out, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: out}, nil
}

func (p *pgProvider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	st, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, req.GetTimeout())
	defer cancel()
	return &emptypb.Empty{}, k.delete(ctx, p, req.GetId(), st)
}

func withTimeout(ctx context.Context, seconds float64) (context.Context, context.CancelFunc) {
	if seconds <= 0 {
		seconds = 300
	}
	return context.WithTimeout(ctx, time.Duration(seconds*float64(time.Second)))
}
