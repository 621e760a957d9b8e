package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Resource kinds: what each postgresql type does in SQL, and shared property helpers.

type kind struct {
	// defaults applied in Check to absent inputs (also recorded in outputs).
	defaults resource.PropertyMap
	// autoname: the "name" property is generated when absent.
	autoname bool
	// replaceOn: input keys whose change forces replacement.
	replaceOn []string
	// ignoreDiff: input keys that never cause a diff.
	ignoreDiff []string
	// computed: optional inputs the server fills in (a database's encoding, a schema's owner):
	// absent from the program, they keep what the server has (upstream: Optional+Computed).
	computed []string
	// sets: list inputs whose order means nothing (upstream TypeSet).
	sets []string
	// readKeys: inputs Read takes from the server; Read returns them as the resource's inputs, so
	// a refresh or an import diffs against the server, not against what was last applied.
	readKeys []string
	// sameOnServer: for an input the server does not return (a password), whether the server
	// already has the new value; a difference it confirms away is no diff.
	sameOnServer func(ctx context.Context, p *pgProvider, id, key string, v resource.PropertyValue) bool
	create       func(ctx context.Context, p *pgProvider, in resource.PropertyMap) (string, resource.PropertyMap, error)
	read         func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error)
	update       func(ctx context.Context, p *pgProvider, id string, old, new resource.PropertyMap) (resource.PropertyMap, error)
	delete       func(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) error
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

// sameSet compares two string lists as sets.
func sameSet(a, b resource.PropertyValue) bool {
	m := resource.PropertyMap{"a": a, "b": b}
	x, y := strs(m, "a"), strs(m, "b")
	sort.Strings(x)
	sort.Strings(y)
	return strings.Join(x, "\x00") == strings.Join(y, "\x00")
}

func has(list []string, key string) bool {
	for _, k := range list {
		if k == key {
			return true
		}
	}
	return false
}

func strArr(xs []string) resource.PropertyValue {
	arr := make([]resource.PropertyValue, len(xs))
	for i, x := range xs {
		arr[i] = s(x)
	}
	return resource.NewArrayProperty(arr)
}

var resources = map[string]*kind{
	tok("Role"):              roleKind(),
	tok("Schema"):            schemaKind(),
	tok("Database"):          databaseKind(),
	tok("Extension"):         extensionKind(),
	tok("GrantRole"):         grantRoleKind(),
	tok("Grant"):             grantKind(),
	tok("DefaultPrivileges"): defaultPrivilegesKind(),
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

// execLocked runs statements in one transaction, one at a time per provider and per database
// (advisory lock): concurrent GRANT/REVOKE/DROP OWNED touching the same catalog row (a database's
// or schema's ACL) fail with "tuple concurrently updated". The Terraform provider locks as well.
func (p *pgProvider) execLocked(ctx context.Context, database string, stmts ...string) error {
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
	for _, st := range stmts {
		if _, err := tx.Exec(ctx, st); err != nil {
			return fmt.Errorf("%s: %w", st, err)
		}
	}
	return tx.Commit(ctx)
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
