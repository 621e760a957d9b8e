package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Reading a Role back from the server (refresh, import): honest, so drift shows in the next diff.

// readRole reads what the upstream provider reads (attributes, validity, memberships, the role's
// settings) and checks the recorded password against the server: a password changed by hand is
// dropped from the state, so the next diff re-sets it. What cannot be told (see password.go) keeps
// the recorded value.
func readRole(ctx context.Context, p *pgProvider, id string, st resource.PropertyMap) (bool, resource.PropertyMap, error) {
	var login, super, createdb, createrole, inherit, repl, bypass bool
	var connlimit int
	var validUntil string
	var memberOf, config []string
	ok, err := p.queryRow(ctx, "", `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit,
		rolreplication, rolbypassrls, rolconnlimit, COALESCE(rolvaliduntil::text, 'infinity'),
		ARRAY(SELECT pg_get_userbyid(m.roleid) FROM pg_auth_members m WHERE m.member = r.oid ORDER BY 1),
		COALESCE(rolconfig, '{}') FROM pg_roles r WHERE rolname = $1`, []any{id},
		&login, &super, &createdb, &createrole, &inherit, &repl, &bypass, &connlimit, &validUntil, &memberOf, &config)
	if !ok || err != nil {
		return ok, nil, err
	}
	out := st.Copy()
	out["name"] = s(id)
	out["login"], out["superuser"], out["createDatabase"] = b(login), b(super), b(createdb)
	out["createRole"], out["inherit"], out["replication"] = b(createrole), b(inherit), b(repl)
	out["bypassRowLevelSecurity"], out["connectionLimit"] = b(bypass), n(float64(connlimit))
	out["validUntil"], out["roles"] = s(validUntil), strArr(memberOf)
	out["encryptedPassword"] = b(true) // PostgreSQL 10+ stores passwords hashed only
	settings := map[string]string{}
	for _, kv := range config {
		if k, v, found := strings.Cut(kv, "="); found {
			settings[k] = v
		}
	}
	var paths []string
	if sp := settings["search_path"]; sp != "" {
		for _, x := range strings.Split(sp, ", ") {
			paths = append(paths, strings.Trim(x, `"`))
		}
	}
	out["searchPaths"] = strArr(paths)
	out["assumeRole"] = s(settings["role"]) // ALTER ROLE ... SET role (upstream assume_role)
	for key, guc := range map[string]string{"statementTimeout": "statement_timeout", "idleInTransactionSessionTimeout": "idle_in_transaction_session_timeout"} {
		ms, err := milliseconds(settings[guc])
		if err != nil {
			return false, nil, fmt.Errorf("role %s: %s=%q: %w", id, guc, settings[guc], err)
		}
		out[resource.PropertyKey(key)] = n(float64(ms))
	}
	if pw := str(st, "password"); pw != "" && login {
		c, err := p.passwordMatches(ctx, id, pw)
		if err != nil {
			return false, nil, err
		}
		if c.known && !c.match {
			delete(out, "password")
		}
	}
	return true, out, nil
}

// milliseconds of a time setting as rolconfig stores it: "30000", "30s", "5min"; "" is 0 (unset).
func milliseconds(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	i := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	if i == 0 {
		return 0, fmt.Errorf("not a duration")
	}
	num, unit := v, "ms"
	if i > 0 {
		num, unit = v[:i], strings.TrimSpace(v[i:])
	}
	x, err := strconv.Atoi(num)
	if err != nil {
		return 0, err
	}
	scale := map[string]int{"us": 0, "ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000}
	f, known := scale[unit]
	if !known {
		return 0, fmt.Errorf("unknown unit %q", unit)
	}
	return x * f, nil
}
