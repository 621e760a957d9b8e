#!/usr/bin/env bash
# Lints the GitHub workflows (.github/workflows/*.yml) with actionlint; it also runs shellcheck on
# `run:` scripts when shellcheck is installed. Exits non-zero on any finding.
# actionlint comes from PATH, else from a per-version cache, else `go install` into that cache.
# Without Go and without actionlint: a failure under CI=true, a skip with a warning otherwise.
#   tools/lint-workflows.sh [actionlint args...]
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/stellaops-tools/actionlint-$VERSION"

find_go() {
    if command -v go >/dev/null 2>&1; then command -v go
    elif [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go
    fi
}

actionlint_bin() {
    if command -v actionlint >/dev/null 2>&1; then command -v actionlint; return; fi
    if [ -x "$CACHE/actionlint" ]; then echo "$CACHE/actionlint"; return; fi
    local go
    go="$(find_go)"
    [ -n "$go" ] || return 0
    mkdir -p "$CACHE"
    echo "installing actionlint $VERSION into $CACHE" >&2
    GOBIN="$CACHE" "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2
    echo "$CACHE/actionlint"
}

bin="$(actionlint_bin)"
if [ -z "$bin" ]; then
    msg="actionlint is not installed and Go is not available to install it"
    if [ "${CI:-}" = "true" ]; then echo "error: $msg" >&2; exit 1; fi
    echo "warning: $msg; workflows not linted" >&2
    exit 0
fi

command -v shellcheck >/dev/null 2>&1 || echo "note: shellcheck not installed; run: scripts are not checked" >&2
"$bin" "$@"
echo "workflows ok ($("$bin" -version | head -n 1))"
