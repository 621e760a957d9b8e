#!/usr/bin/env bash
# Builds a local Kubernetes control plane and the upstream Kubernetes provider from Go modules
# only (the Go module proxy is the only source; no release binary is downloaded):
#   etcd                        go.etcd.io/etcd/server/v3 (tools/engine/kubernetes/etcd)
#   kube-apiserver, kube-controller-manager, kube-scheduler
#                               k8s.io/kubernetes (tools/engine/kubernetes/controlplane)
#   kwok                        sigs.k8s.io/kwok: fake nodes, pods driven to Ready (…/kwok)
#   pulumi-resource-kubernetes  github.com/pulumi/pulumi-kubernetes/provider/v4 (…/provider)
# into ${STELLAOPS_ENGINE_DIR:-$HOME/.cache/stellaops-engine}/<version-key>/bin, beside (not
# inside) build.sh's engine directory, so the two scripts can change independently.
# Binaries already there are not rebuilt. Progress goes to stderr; the LAST line of stdout is
# the bin directory. See tools/engine/README.md ("Kubernetes").
set -euo pipefail

exec 3>&1 1>&2 # keep stdout for the final path only

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
wrappers="$here/kubernetes"

# Pinned versions (the go.mod files pin the same; these name the key and the version ldflags).
K8S_VERSION=1.34.4
ETCD_VERSION=3.6.4 # what kubeadm 1.34 pins
KWOK_VERSION=0.8.0
# The provider's code is the commit tagged v4.25.0 (the only one the proxy serves); it reports
# the version of the @pulumi/kubernetes SDK in package.json, so the engine matches the plugin
# the SDK asks for. See README for what differs between the two.
PROVIDER_VERSION=4.34.2
PROVIDER_SOURCE=4.25.0

# The key changes whenever a pin or a wrapper source changes.
src_hash="$(cd "$wrappers" && { find . \( -name go.mod -o -name go.sum -o -name '*.go' \) -print0 | LC_ALL=C sort -z |
  xargs -0 cat; cat "$here/build-kubernetes.sh"; } | sha256sum | cut -c1-10)"
key="kubernetes-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_provider-${PROVIDER_VERSION}-from-${PROVIDER_SOURCE}_${src_hash}"
root="${STELLAOPS_ENGINE_DIR:-$HOME/.cache/stellaops-engine}"
bin="$root/$key/bin"

controlplane=(kube-apiserver kube-controller-manager kube-scheduler)
names=(etcd "${controlplane[@]}" kwok pulumi-resource-kubernetes)
# kwok has no built-in behaviour: kwokctl hands it these Stage objects (node init + lease
# heartbeat, pod ready/complete/delete) from its module; they are copied from the pinned module
# at build time, not committed.
stages="$root/$key/share/kwok-stages.yaml"
missing=()
for n in "${names[@]}"; do [ -x "$bin/$n" ] || missing+=("$n"); done
[ -f "$stages" ] || missing+=(kwok-stages.yaml)
if [ ${#missing[@]} -eq 0 ]; then
  echo "kubernetes: up to date in $bin"
  echo "$bin" >&3
  exit 0
fi

command -v go >/dev/null || { echo "kubernetes: go is not on PATH (need Go >= 1.26: kwok 0.8.0 requires it)"; exit 1; }
gov="$(go env GOVERSION)"
case "$gov" in go1.2[6-9]* | go1.[3-9][0-9]*) ;; *) echo "kubernetes: need Go >= 1.26 (kwok 0.8.0), have $gov"; exit 1 ;; esac

# As in build.sh: go.sum pins every module and -mod=readonly refuses anything else, so the
# checksum database is not needed (it does not answer for some of these modules here).
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -trimpath" CGO_ENABLED=0
export GOSUMDB="${STELLAOPS_ENGINE_GOSUMDB:-off}"
mkdir -p "$bin"
total=$SECONDS

done_msg() { # name, start
  echo "kubernetes: built $1 in $((SECONDS - $2))s ($(du -h "$bin/$1" | cut -f1))"
}

if [ ! -x "$bin/etcd" ]; then
  echo "kubernetes: building etcd v$ETCD_VERSION ..."
  start=$SECONDS
  (cd "$wrappers/etcd" && go build -o "$bin/.etcd.tmp" -ldflags "-s -w" go.etcd.io/etcd/server/v3)
  mv -f "$bin/.etcd.tmp" "$bin/etcd"
  done_msg etcd $start
fi

# The three control-plane binaries share most packages: one `go build` compiles them in parallel.
cp_missing=()
for n in "${controlplane[@]}"; do [ -x "$bin/$n" ] || cp_missing+=("$n"); done
if [ ${#cp_missing[@]} -gt 0 ]; then
  echo "kubernetes: building ${cp_missing[*]} v$K8S_VERSION ..."
  start=$SECONDS
  # What hack/lib/version.sh stamps; /version then reports v1.34.4, not v0.0.0-master.
  ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=${K8S_VERSION%%.*}"
    ld+=" -X $p.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X $p.gitTreeState=clean"
  done
  tmp="$bin/.controlplane.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$wrappers/controlplane" && go build -o "$tmp/" -ldflags "$ld" "${cp_missing[@]/#/k8s.io/kubernetes/cmd/}")
  for n in "${cp_missing[@]}"; do mv -f "$tmp/$n" "$bin/$n"; done
  rm -rf "$tmp"
  echo "kubernetes: built ${cp_missing[*]} in $((SECONDS - start))s ($(cd "$bin" && du -ch "${cp_missing[@]}" | tail -n 1 | cut -f1))"
fi

if [ ! -x "$bin/kwok" ]; then
  echo "kubernetes: building kwok v$KWOK_VERSION ..."
  start=$SECONDS
  (cd "$wrappers/kwok" && go build -o "$bin/.kwok.tmp" -ldflags "-s -w" sigs.k8s.io/kwok/cmd/kwok)
  mv -f "$bin/.kwok.tmp" "$bin/kwok"
  done_msg kwok $start
fi

if [ ! -f "$stages" ]; then
  kdir="$(cd "$wrappers/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  mkdir -p "$(dirname "$stages")"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"
    cat "$kdir/$f"
  done >"$stages.tmp"
  mv -f "$stages.tmp" "$stages"
  echo "kubernetes: wrote $stages (kwok's default stages from $kdir)"
fi

if [ ! -x "$bin/pulumi-resource-kubernetes" ]; then
  echo "kubernetes: building pulumi-resource-kubernetes $PROVIDER_VERSION (code of v$PROVIDER_SOURCE) ..."
  start=$SECONDS
  # Go embeds files from the main module's own directory only, so main.go, go.mod and go.sum are
  # copied into a build directory in the cache, next to the two generated JSON files.
  src="$root/$key/provider-build"
  rm -rf "$src" && mkdir -p "$src"
  cp "$wrappers/provider/go.mod" "$wrappers/provider/go.sum" "$wrappers/provider/main.go" "$src/"
  cmd="$(cd "$wrappers/provider" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)/cmd/pulumi-resource-kubernetes"
  (cd "$wrappers/provider" && go run ./embedgen "$cmd" "$src" "$PROVIDER_VERSION")
  (cd "$src" && go build -o "$bin/.pulumi-resource-kubernetes.tmp" \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PROVIDER_VERSION" .)
  mv -f "$bin/.pulumi-resource-kubernetes.tmp" "$bin/pulumi-resource-kubernetes"
  rm -rf "$src"
  done_msg pulumi-resource-kubernetes $start
fi
echo "kubernetes: done in $((SECONDS - total))s"

cat >"$root/$key/VERSIONS" <<EOF
etcd                        v$ETCD_VERSION  (go.etcd.io/etcd/server/v3)
kube-apiserver              v$K8S_VERSION  (k8s.io/kubernetes, staging modules v0.${K8S_VERSION#1.})
kube-controller-manager     v$K8S_VERSION
kube-scheduler              v$K8S_VERSION
kwok                        v$KWOK_VERSION  (sigs.k8s.io/kwok)
pulumi-resource-kubernetes  $PROVIDER_VERSION  (code: github.com/pulumi/pulumi-kubernetes/provider/v4 at the v$PROVIDER_SOURCE commit)
built with $gov
EOF
echo "$bin" >&3
