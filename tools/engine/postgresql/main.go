// Command pulumi-resource-postgresql is a STAND-IN for the Pulumi postgresql provider.
//
// The real provider (github.com/pulumi/pulumi-postgresql/provider/v3, a bridge over
// cyrilgdn/terraform-provider-postgresql) cannot be built here: neither it nor the Terraform
// provider it wraps is served by the reachable Go module proxy under any module path. This
// program speaks the same Pulumi resource-provider gRPC protocol and the same type tokens and
// property names as the @pulumi/postgresql 3.18.0 npm SDK, for the subset of resources listed
// in `resources` (kinds.go), implemented directly in SQL with pgx. Anything else is rejected in
// Check with a clear error. Semantics follow the Terraform provider's documented behaviour
// (defaults, ids, drop/reassign on delete) but are not a byte-for-byte copy of it.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
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
