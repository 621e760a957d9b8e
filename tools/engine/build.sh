#!/usr/bin/env bash
# Builds the Pulumi engine binaries this project runs with, from Go modules only (the Go module
# proxy is the only source needed; pulumi's own binary/plugin downloads are not used):
#   pulumi                      CLI, github.com/pulumi/pulumi/pkg/v3 (tools/engine/cli)
#   pulumi-language-nodejs      Node.js language host (tools/engine/nodejs)
#   pulumi-resource-random      random provider: TF provider + bridge (tools/engine/random)
#   pulumi-resource-postgresql  postgresql STAND-IN provider (tools/engine/postgresql)
#   pulumi-resource-pulumi-nodejs  the bundled dynamic-provider launcher (a shell script from
#                               sdk/v3/nodejs/dist), needed by pulumi.dynamic.Resource
# into ${STELLAOPS_ENGINE_DIR:-$HOME/.cache/stellaops-engine}/<version-key>/bin.
# Binaries already there are not rebuilt. Progress goes to stderr; the LAST line of stdout is
# the bin directory. See tools/engine/README.md.
set -euo pipefail

exec 3>&1 1>&2 # keep stdout for the final path only

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Pinned versions. The CLI must match @pulumi/pulumi in package.json; providers report the
# versions of their npm SDKs (@pulumi/random, @pulumi/postgresql).
PULUMI_VERSION=3.248.0
NODEJS_HOST_VERSION=3.68.0 # last sdk/v3 release that contains the language host (see README)
RANDOM_VERSION=4.21.1
POSTGRESQL_VERSION=3.18.0

# The key changes whenever a pin or a wrapper source changes.
# Every .go file of the wrappers counts (the stand-in is split over several files).
src_hash="$(cd "$here" && cat cli/go.mod cli/go.sum nodejs/go.mod nodejs/go.sum \
  random/go.mod random/go.sum random/shim/go.mod postgresql/go.mod postgresql/go.sum \
  $(find random postgresql -name '*.go' | LC_ALL=C sort) build.sh | sha256sum | cut -c1-10)"
key="pulumi-${PULUMI_VERSION}_nodejs-${NODEJS_HOST_VERSION}_random-${RANDOM_VERSION}_postgresql-${POSTGRESQL_VERSION}-standin_${src_hash}"
root="${STELLAOPS_ENGINE_DIR:-$HOME/.cache/stellaops-engine}"
bin="$root/$key/bin"

names=(pulumi pulumi-language-nodejs pulumi-resource-random pulumi-resource-postgresql pulumi-resource-pulumi-nodejs)
missing=()
for n in "${names[@]}"; do [ -x "$bin/$n" ] || missing+=("$n"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "engine: up to date in $bin"
  echo "$bin" >&3
  exit 0
fi

command -v go >/dev/null || { echo "engine: go is not on PATH (need Go >= 1.25.11)"; exit 1; }
gov="$(go env GOVERSION)"
case "$gov" in go1.2[5-9]* | go1.[3-9][0-9]*) ;; *) echo "engine: need Go >= 1.25.11, have $gov"; exit 1 ;; esac

# go.sum files pin every module hash and -mod=readonly refuses anything not pinned there, so the
# checksum database is not needed (it does not answer for some of these modules here).
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -trimpath" CGO_ENABLED=0
export GOSUMDB="${STELLAOPS_ENGINE_GOSUMDB:-off}"
mkdir -p "$bin"

build() { # name, wrapper dir, version for messages, go build args...
  local name="$1" dir="$2" ver="$3"
  shift 3
  if [ -x "$bin/$name" ]; then return 0; fi
  echo "engine: building $name $ver ..."
  local start=$SECONDS
  (cd "$here/$dir" && go build -o "$bin/.$name.tmp" "$@")
  mv -f "$bin/.$name.tmp" "$bin/$name"
  echo "engine: built $name in $((SECONDS - start))s ($(du -h "$bin/$name" | cut -f1))"
}

total=$SECONDS
sdkver=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
build pulumi cli "v$PULUMI_VERSION" -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X $sdkver=v$PULUMI_VERSION" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
build pulumi-language-nodejs nodejs "v$NODEJS_HOST_VERSION" \
  -ldflags "-s -w -X $sdkver=v$NODEJS_HOST_VERSION" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
build pulumi-resource-random random "v$RANDOM_VERSION" -ldflags "-s -w -X main.version=$RANDOM_VERSION" .
build pulumi-resource-postgresql postgresql "v$POSTGRESQL_VERSION (stand-in)" \
  -ldflags "-s -w -X main.version=$POSTGRESQL_VERSION" .
# Dynamic providers run through this bundled plugin, which the engine looks for next to `pulumi`
# (also with PULUMI_IGNORE_AMBIENT_PLUGINS). It is a script in the pinned sdk module, not a binary.
if [ ! -x "$bin/pulumi-resource-pulumi-nodejs" ]; then
  sdkdir="$(cd "$here/cli" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
  install -m 0755 "$sdkdir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
  echo "engine: installed pulumi-resource-pulumi-nodejs from $sdkdir/nodejs/dist"
fi
echo "engine: done in $((SECONDS - total))s"

cat >"$root/$key/VERSIONS" <<EOF
pulumi                      v$PULUMI_VERSION  (github.com/pulumi/pulumi/pkg/v3)
pulumi-language-nodejs      v$NODEJS_HOST_VERSION  (github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
pulumi-resource-random      $RANDOM_VERSION  (local bridge wrapper: terraform-provider-random + pulumi-terraform-bridge)
pulumi-resource-postgresql  $POSTGRESQL_VERSION  (STAND-IN, tools/engine/postgresql/*.go; subset of resources)
pulumi-resource-pulumi-nodejs  v$PULUMI_VERSION  (script from github.com/pulumi/pulumi/sdk/v3 nodejs/dist)
built with $gov
EOF
echo "$bin" >&3
