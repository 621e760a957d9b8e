#!/bin/sh
# StellaOps dependency layer: PostgreSQL logical backups to S3, and their restore.
# One script for every profile (dev containers, the airgap CronJob, the external systemd timer
# or CronJob) and the real-server test. POSIX sh: runs in the postgres image (dash/bash) and in
# busybox images (curlimages/curl). Needs pg_dump/pg_restore for dump/restore and curl >= 7.76
# (--aws-sigv4, --fail-with-body) for upload/list/fetch; split, sha256sum, md5sum, base64, awk.
#
#   stellaops-backup.sh dump            pg_dump -Fc into $BACKUP_DIR/<UTC time>.dump
#   stellaops-backup.sh upload          every finished dump in $BACKUP_DIR to S3, then delete it
#   stellaops-backup.sh run             dump, then upload
#   stellaops-backup.sh loop <command>  <command> every $BACKUP_INTERVAL_SECONDS (Docker has no scheduler)
#   stellaops-backup.sh list            backups under the prefix, oldest first (needs s3:ListBucket)
#   stellaops-backup.sh fetch <name>    download, verify and join one backup into $BACKUP_DIR/<name>.dump
#   stellaops-backup.sh restore <name>  fetch, then pg_restore into $PGDATABASE (see docs/operations.md)
#
# PostgreSQL: the libpq variables PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE.
# S3: S3_ENDPOINT S3_REGION S3_BUCKET S3_PREFIX (ends with /) AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY.
# Layout: <prefix><name>/part-aaaa ... and <prefix><name>/manifest, written last: a backup
# without a manifest is incomplete. Parts are single PUTs (no multipart: the writer needs
# s3:PutObject only), each with Content-MD5 (object lock requires it) and its SHA-256 signed.
set -eu

BACKUP_DIR="${BACKUP_DIR:-/backup}"
BACKUP_PART_MB="${BACKUP_PART_MB:-1024}"

log() { printf '%s stellaops-backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed in this image"; }
need_env() { for v in "$@"; do eval "[ -n \"\${$v:-}\" ]" || die "environment variable $v is not set"; done; }

# Percent-encodes a query value the way SigV4 canonicalizes it (unreserved characters stay).
urlencode() {
    printf '%s' "$1" | od -An -v -tx1 | awk '{ for (i = 1; i <= NF; i++) {
        h = "0123456789abcdef"; n = (index(h, substr($i, 1, 1)) - 1) * 16 + index(h, substr($i, 2, 1)) - 1; c = sprintf("%c", n)
        if (c ~ /[A-Za-z0-9._~-]/) printf "%s", c; else printf "%%%s", toupper($i) } }'
}

sha256() { sha256sum "$1" | cut -d ' ' -f 1; }

# Content-MD5 is base64 of the binary digest; md5sum prints hex, awk turns it into octal escapes.
md5_base64() {
    esc="$(md5sum "$1" | cut -d ' ' -f 1 | awk '{ h = "0123456789abcdef"; for (i = 1; i < length($0); i += 2) printf "\\%03o", (index(h, substr($0, i, 1)) - 1) * 16 + index(h, substr($0, i + 1, 1)) - 1 }')"
    # shellcheck disable=SC2059 # the format is the escapes themselves
    printf "$esc" | base64
}

# SHA-256 of an empty payload: what GET requests sign.
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

# One signed S3 request: s3 <method> <key or ?query> <payload SHA-256> [curl args]. S3 requires
# x-amz-content-sha256 (curl before 8 does not add it). The credentials go to curl on stdin
# (-K -), never on its command line where other processes could read them.
s3() {
    method="$1" target="$2" payload="$3"
    shift 3
    need curl
    need_env S3_ENDPOINT S3_REGION S3_BUCKET AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" |
        curl -K - --silent --show-error --fail-with-body --retry 3 --aws-sigv4 "aws:amz:${S3_REGION}:s3" -X "$method" -H "x-amz-content-sha256: $payload" "$@" "${S3_ENDPOINT%/}/${S3_BUCKET}/${target}"
}

put_file() { # <key> <file>
    s3 PUT "$1" "$(sha256 "$2")" -T "$2" -H "Content-MD5: $(md5_base64 "$2")" -o /dev/null
}

cmd_dump() {
    need pg_dump
    need_env PGDATABASE
    mkdir -p "$BACKUP_DIR"
    name="$(date -u +%Y%m%dT%H%M%SZ)"
    log "dumping database $PGDATABASE as ${PGUSER:-?} to $BACKUP_DIR/$name.dump"
    # A finished dump gets its final name only after pg_dump succeeded: upload never sees a partial one.
    pg_dump --format=custom --compress="${BACKUP_COMPRESS:-6}" --no-password --file="$BACKUP_DIR/$name.partial"
    mv "$BACKUP_DIR/$name.partial" "$BACKUP_DIR/$name.dump"
    log "dumped $(wc -c <"$BACKUP_DIR/$name.dump") bytes"
}

upload_one() { # <dump file>
    file="$1"
    name="$(basename "$file" .dump)"
    work="$BACKUP_DIR/$name.parts"
    rm -rf "$work" && mkdir -p "$work"
    split -b "$((BACKUP_PART_MB * 1048576))" -a 4 "$file" "$work/part-"
    manifest="$work/manifest"
    {
        echo "format stellaops-backup 1"
        echo "database ${PGDATABASE:-unknown}"
        echo "size $(wc -c <"$file" | tr -d ' ')"
        echo "sha256 $(sha256 "$file")"
    } >"$manifest"
    for part in "$work"/part-*; do
        put_file "${S3_PREFIX:-}$name/$(basename "$part")" "$part"
        echo "part $(basename "$part") $(sha256 "$part") $(wc -c <"$part" | tr -d ' ')" >>"$manifest"
    done
    put_file "${S3_PREFIX:-}$name/manifest" "$manifest"
    rm -rf "$work" "$file"
    log "uploaded $name to s3://$S3_BUCKET/${S3_PREFIX:-}$name/"
}

cmd_upload() {
    found=0
    for file in "$BACKUP_DIR"/*.dump; do
        [ -f "$file" ] || continue
        found=1
        upload_one "$file"
    done
    [ "$found" = 1 ] || [ "${BACKUP_ALLOW_EMPTY:-0}" = 1 ] || die "no finished dump in $BACKUP_DIR"
}

cmd_list() {
    token=""
    while :; do
        query="?list-type=2&prefix=$(urlencode "${S3_PREFIX:-}")"
        [ -z "$token" ] || query="$query&continuation-token=$token"
        page="$(s3 GET "$query" "$EMPTY_SHA256")"
        printf '%s' "$page" | tr '<' '\n' | sed -n 's|^Key>\(.*\)/manifest$|\1|p' | sed "s|^${S3_PREFIX:-}||"
        token="$(urlencode "$(printf '%s' "$page" | tr '<' '\n' | sed -n 's|^NextContinuationToken>||p')")"
        [ -n "$token" ] || break
    done
}

cmd_fetch() { # <name>
    [ $# -ge 1 ] || die "fetch needs a backup name (see list)"
    name="$1"
    mkdir -p "$BACKUP_DIR"
    work="$BACKUP_DIR/$name.fetch"
    rm -rf "$work" && mkdir -p "$work"
    s3 GET "${S3_PREFIX:-}$name/manifest" "$EMPTY_SHA256" -o "$work/manifest"
    grep -q '^format stellaops-backup 1$' "$work/manifest" || die "$name/manifest is not a stellaops-backup manifest"
    out="$BACKUP_DIR/$name.dump"
    : >"$out.partial"
    grep '^part ' "$work/manifest" >"$work/parts"
    while read -r _ part sum _; do
        s3 GET "${S3_PREFIX:-}$name/$part" "$EMPTY_SHA256" -o "$work/$part"
        [ "$(sha256 "$work/$part")" = "$sum" ] || die "$name/$part: SHA-256 mismatch"
        cat "$work/$part" >>"$out.partial"
        rm -f "$work/$part"
    done <"$work/parts"
    [ "$(sha256 "$out.partial")" = "$(sed -n 's/^sha256 //p' "$work/manifest")" ] || die "$name: SHA-256 of the joined dump does not match the manifest"
    mv "$out.partial" "$out"
    rm -rf "$work"
    log "fetched $name to $out"
}

cmd_restore() { # <name>
    need pg_restore
    need psql
    need_env PGDATABASE
    cmd_fetch "$@"
    log "restoring $1 into database $PGDATABASE"
    # Into a database bootstrap.sql made: --clean --if-exists replaces its empty schema shells with
    # the dumped ones (same owners and grants); one transaction, so a failure leaves it unchanged.
    dump="$BACKUP_DIR/$1.dump"
    client="$(pg_restore --version | sed -n 's/^pg_restore (PostgreSQL) \([0-9]*\).*/\1/p')"
    server="$(psql -XAtq --no-password -c 'SHOW server_version_num')"
    server="$((server / 10000))"
    if [ "$client" -gt "$server" ]; then
        # A newer pg_restore writes settings the older server does not know (17 and later:
        # SET transaction_timeout): the SQL goes to a file, then through psql without them.
        log "pg_restore $client, server $server: restoring through psql without settings the server lacks"
        pg_restore --clean --if-exists --file="$dump.sql" "$dump"
        sed -i '/^SET transaction_timeout = 0;$/d' "$dump.sql"
        psql -X --quiet --no-password --single-transaction -v ON_ERROR_STOP=1 --dbname="$PGDATABASE" --file="$dump.sql" >/dev/null
        rm -f "$dump.sql"
    else
        pg_restore --exit-on-error --single-transaction --clean --if-exists --no-password --dbname="$PGDATABASE" "$dump"
    fi
    rm -f "$BACKUP_DIR/$1.dump"
    log "restored $1"
}

cmd_loop() { # <command>
    [ $# -ge 1 ] || die "loop needs a command"
    need_env BACKUP_INTERVAL_SECONDS
    while :; do
        if "$0" "$@"; then
            sleep "$BACKUP_INTERVAL_SECONDS"
        else
            # A server still starting or briefly away: try again soon, not a whole interval later.
            log "$1 failed; next try in ${BACKUP_RETRY_SECONDS:-300}s"
            sleep "${BACKUP_RETRY_SECONDS:-300}"
        fi
    done
}

command="${1:-}"
[ $# -eq 0 ] || shift
case "$command" in
dump) cmd_dump ;;
upload) cmd_upload ;;
run) cmd_dump && cmd_upload ;;
list) cmd_list ;;
fetch) cmd_fetch "$@" ;;
restore) cmd_restore "$@" ;;
loop) cmd_loop "$@" ;;
*) die "usage: $0 dump|upload|run|list|fetch <name>|restore <name>|loop <command>" ;;
esac
