#!/usr/bin/env bash
# End-to-end check of the locally built engine: a throwaway PostgreSQL, a tiny Pulumi
# TypeScript program (random.RandomPassword + postgresql Role + Schema), a local file backend.
# Runs: stack init, up, up + preview (must be no-ops), a login with the generated password, an
# in-place Role update, destroy. Everything lives in a temp dir that is removed afterwards
# (KEEP=1 keeps it). As root it runs PostgreSQL as a system user `stellaops-pg` (created once).
# Usage: tools/engine/smoke.sh [BIN_DIR]   (default: the output of build.sh)
# SMOKE_DEFAULT_PROVIDER=1 configures the default provider via `postgresql:*` stack config.
# PULUMI_NODEJS_TRANSPILE_ONLY=true skips ts-node's type check.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="${1:-$("$here/build.sh" | tail -n 1)}"
pgbin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
[ -d "$repo/node_modules/@pulumi/pulumi" ] || { echo "run npm ci in $repo first" >&2; exit 1; }

work="$(mktemp -d /tmp/stellaops-engine-smoke.XXXXXX)"
pg_started=""
cleanup() {
  if [ -n "$pg_started" ]; then
    "$pgbin/pg_ctl" -D "$work/pgdata" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- throwaway PostgreSQL on a free loopback port, socket in the temp dir ----------------------
port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
pgpass="pg-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
runas=()
if [ "$(id -u)" = 0 ]; then # initdb refuses to run as root
  id stellaops-pg >/dev/null 2>&1 || useradd --system --no-create-home stellaops-pg
  chown stellaops-pg "$work"
  runas=(runuser -u stellaops-pg --)
fi
printf '%s\n' "$pgpass" >"$work/pwfile"
chmod 644 "$work/pwfile"
"${runas[@]}" "$pgbin/initdb" -D "$work/pgdata" -U postgres --pwfile="$work/pwfile" -A scram-sha-256 >"$work/initdb.log"
"${runas[@]}" "$pgbin/pg_ctl" -D "$work/pgdata" -l "$work/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work" start >/dev/null
pg_started=1
echo "postgres on 127.0.0.1:$port" >&2

# --- the Pulumi program ---------------------------------------------------------------------
prog="$work/prog"
mkdir -p "$prog" "$work/state"
ln -s "$repo/node_modules" "$prog/node_modules"
cat >"$prog/Pulumi.yaml" <<'EOF'
name: engine-smoke
runtime: nodejs
description: smoke test of the locally built Pulumi engine
EOF
cat >"$prog/package.json" <<'EOF'
{ "name": "engine-smoke", "version": "0.0.0", "private": true, "main": "index.ts" }
EOF
cat >"$prog/tsconfig.json" <<'EOF'
{ "compilerOptions": { "strict": true, "target": "es2022", "module": "commonjs",
    "moduleResolution": "node", "esModuleInterop": true, "skipLibCheck": true },
  "files": ["index.ts"] }
EOF
cat >"$prog/index.ts" <<'EOF'
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as postgresql from "@pulumi/postgresql";

const cfg = new pulumi.Config();
const password = new random.RandomPassword("app", { length: 24, special: false });
// SMOKE_DEFAULT_PROVIDER=1: use the default provider, configured by `postgresql:*` stack config.
const opts: pulumi.CustomResourceOptions = process.env.SMOKE_DEFAULT_PROVIDER === "1" ? {} : {
    provider: new postgresql.Provider("pg", {
        host: "127.0.0.1",
        port: cfg.requireNumber("pgPort"),
        username: "postgres",
        password: cfg.requireSecret("pgPassword"),
        database: "postgres",
        sslmode: "disable",
        superuser: true,
    }),
};
const role = new postgresql.Role("app", {
    name: "smoke_app",
    login: true,
    password: password.result,
    connectionLimit: cfg.getNumber("connLimit") ?? -1,
}, opts);
const schema = new postgresql.Schema("app", { name: "smoke_app", owner: role.name }, opts);
export const roleName: pulumi.Output<string> = role.name;
export const schemaId: pulumi.Output<string> = schema.id;
export const appPassword = password.result; // a secret output
EOF

export PATH="$bin:$PATH"
export PULUMI_HOME="$work/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_IGNORE_AMBIENT_PLUGINS=true
export PULUMI_CONFIG_PASSPHRASE=test PULUMI_BACKEND_URL="file://$work/state"
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-false}"

# Providers come from the (temp) plugin cache: PULUMI_IGNORE_AMBIENT_PLUGINS=true stops the engine
# from taking pulumi-resource-* from $PATH (which it prefers over the cache, with a warning).
# The language host is found next to the pulumi binary either way.
pulumi plugin install resource postgresql 3.18.0 --file "$bin/pulumi-resource-postgresql" >&2
pulumi plugin install resource random 4.21.1 --file "$bin/pulumi-resource-random" >&2

cd "$prog"
t() {
  local s e
  s=$(date +%s%N)
  "$@"
  e=$(date +%s%N)
  echo "TIME $* : $(((e - s) / 1000000)) ms" >&2
}
pulumi stack init e2e --secrets-provider passphrase >&2
pulumi config set pgPort "$port" >&2
pulumi config set --secret pgPassword "$pgpass" >&2
if [ "${SMOKE_DEFAULT_PROVIDER:-0}" = 1 ]; then
  export SMOKE_DEFAULT_PROVIDER
  pulumi config set postgresql:host 127.0.0.1 >&2
  pulumi config set postgresql:port "$port" >&2
  pulumi config set postgresql:username postgres >&2
  pulumi config set --secret postgresql:password "$pgpass" >&2
  pulumi config set postgresql:sslmode disable >&2
  pulumi config set postgresql:superuser true >&2
fi

t pulumi up --yes --non-interactive >&2
# Second run: no changes expected.
t pulumi up --yes --non-interactive --expect-no-changes >&2
t pulumi preview --non-interactive --expect-no-changes >&2
PGPASSWORD="$pgpass" psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc \
  "select rolname, rolcanlogin from pg_roles where rolname='smoke_app';
   select nspname, pg_get_userbyid(nspowner) from pg_namespace where nspname='smoke_app'" >&2
# The generated password must open a session as the new role.
apppw="$(pulumi stack output --show-secrets appPassword)"
[ "$(PGPASSWORD="$apppw" psql -h 127.0.0.1 -p "$port" -U smoke_app -d postgres -Atc 'select current_user')" = smoke_app ]
echo "login as smoke_app with the RandomPassword: OK" >&2
# An in-place update: connection limit -1 -> 5.
pulumi config set connLimit 5 >&2
t pulumi up --yes --non-interactive >&2
[ "$(PGPASSWORD="$pgpass" psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc \
  "select rolconnlimit from pg_roles where rolname='smoke_app'")" = 5 ]
echo "in-place update of the role: OK" >&2
t pulumi destroy --yes --non-interactive --skip-preview >&2
left="$(PGPASSWORD="$pgpass" psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc \
  "select count(*) from pg_roles where rolname='smoke_app'")"
[ "$left" = 0 ] || { echo "role still exists after destroy" >&2; exit 1; }
pulumi stack rm --yes e2e >&2
echo "smoke: OK" >&2
