#!/usr/bin/env bash
# PostgreSQL client tools (pg_dump, pg_restore, psql) of the majors the real-server tier runs,
# for the backup/restore test. The npm server packages ship no client tools and Debian bookworm's
# are version 15, which refuses to dump a newer server. Debian's own packages of newer clients
# (trixie: 17, sid: 18) need a newer glibc than bookworm's, so each major goes into its own
# directory with that release's libc6 and libldap2 and runs through its own dynamic loader
# (bin/<tool> are wrappers). No system file is touched.
#   test/backup/install-pg-clients.sh [dir]     default ~/.cache/stellaops-pg-clients
# PostgreSQL 16 has no Debian package reachable here: the test dumps 16 with the 17 client
# (pg_dump supports older servers), see docs/operations.md.
set -euo pipefail
dir="${1:-${STELLAOPS_PG_CLIENTS:-$HOME/.cache/stellaops-pg-clients}}"
[ "$(dpkg --print-architecture)" = amd64 ] || { echo "only amd64 is set up (the loader name below)" >&2; exit 1; }
triplet=x86_64-linux-gnu
# major -> Debian suite that has postgresql-client-<major>
declare -A SUITES=([17]=trixie [18]=sid)
done_all=1
for major in "${!SUITES[@]}"; do [ -x "$dir/$major/bin/pg_dump" ] || done_all=0; done
if [ "$done_all" = 1 ]; then echo "$dir"; exit 0; fi

apt_dir="$(mktemp -d)"
trap 'rm -rf "$apt_dir"' EXIT
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
for suite in $(printf '%s\n' "${SUITES[@]}" | sort -u); do
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main"
done >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update -qq >&2

for major in "${!SUITES[@]}"; do
    suite="${SUITES[$major]}"
    root="$dir/$major/root"
    rm -rf "${dir:?}/$major" && mkdir -p "$root" "$dir/$major/bin"
    (cd "$apt_dir/debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" download -qq "postgresql-client-$major/$suite" "libpq5/$suite" "libc6/$suite" "libldap2/$suite" >&2)
    for deb in "$apt_dir"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
    lib="$root/usr/lib/$triplet"
    for tool in pg_dump pg_restore psql; do
        cat >"$dir/$major/bin/$tool" <<WRAP
#!/bin/sh
# Debian $suite's $tool $major through its own glibc's loader (see test/backup/install-pg-clients.sh).
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib:/usr/lib/$triplet:/lib/$triplet" "$root/usr/lib/postgresql/$major/bin/$tool" "\$@"
WRAP
        chmod +x "$dir/$major/bin/$tool"
    done
    "$dir/$major/bin/pg_dump" --version >&2
done
echo "$dir"
