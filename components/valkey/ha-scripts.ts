/**
 * Start scripts of the ha topology on Kubernetes (POSIX sh, run by the Valkey image). A pod
 * asks the Sentinels who the primary is before it starts, so a restarted member rejoins as a
 * replica of the current primary instead of coming back as a second one; only on a first start
 * (no Sentinel answers) does ordinal 0 start as primary. Pure, string out.
 */

export interface HaScriptNames {
    /** StatefulSet and headless Service of the Sentinels (e.g. `valkey-sentinel`). */
    readonly sentinels: string;
    /** How many Sentinels there are. */
    readonly sentinelCount: number;
    readonly port: number;
    readonly sentinelPort: number;
    /** ACL user the scripts ask the Sentinels as; its password comes from REDISCLI_AUTH. */
    readonly probeUser: string;
}

/** The shell function both scripts use: `ask <host> <master>` prints "host port" of the primary, or nothing. */
function askFunction(n: HaScriptNames): string {
    return [
        "ask() {",
        `  reply="$(valkey-cli --no-auth-warning --user ${n.probeUser} -h "$1" -p ${n.sentinelPort} SENTINEL get-master-addr-by-name "$2" 2>/dev/null || true)"`,
        '  host="$(printf \'%s\\n\' "$reply" | sed -n 1p)"',
        '  port="$(printf \'%s\\n\' "$reply" | sed -n 2p)"',
        "  # Only a host name and a port: an error or an empty reply means this Sentinel does not know.",
        '  case "$host" in ""|*[!A-Za-z0-9.-]*) return 0 ;; esac',
        '  case "$port" in ""|*[!0-9]*) return 0 ;; esac',
        '  echo "$host $port"',
        "}",
    ].join("\n");
}

const sentinelHost = (n: HaScriptNames, i: number | string) => `${n.sentinels}-${i}.${n.sentinels}.$domain`;

/** A data member: find the primary, then exec valkey-server as it or as its replica, announcing its stable DNS name. */
export function memberStartScript(n: HaScriptNames & { /** StatefulSet and headless Service of the members (e.g. `valkey`). */ readonly members: string }, masterName: string, conf: string): string {
    return [
        "#!/bin/sh",
        "set -eu",
        'domain="$POD_NAMESPACE.svc.cluster.local"',
        `self="$(hostname).${n.members}.$domain"`,
        askFunction(n),
        'primary=""',
        `for i in ${Array.from({ length: n.sentinelCount }, (_, i) => i).join(" ")}; do`,
        `  primary="$(ask "${sentinelHost(n, "$i")}" ${masterName})"`,
        '  [ -n "$primary" ] && break',
        "done",
        'if [ -z "$primary" ]; then',
        "  # First start: no Sentinel knows the primary yet; ordinal 0 is it.",
        `  if [ "\${HOSTNAME##*-}" = 0 ]; then primary="$self ${n.port}"; else primary="${n.members}-0.${n.members}.$domain ${n.port}"; fi`,
        "fi",
        `if [ "$primary" = "$self ${n.port}" ]; then exec valkey-server ${conf} --replica-announce-ip "$self"; fi`,
        `exec valkey-server ${conf} --replica-announce-ip "$self" --replicaof $primary`,
    ].join("\n") + "\n";
}

/**
 * A Sentinel: copy the rendered sentinel.conf (read-only, from a Secret) where Sentinel may
 * rewrite it, point each master at the primary its peers know (after a failover it is no longer
 * ordinal 0), announce the pod's stable DNS name, and exec Sentinel.
 */
export function sentinelStartScript(n: HaScriptNames, masters: readonly string[], quorum: number, template: string, conf: string): string {
    return [
        "#!/bin/sh",
        "set -eu",
        'domain="$POD_NAMESPACE.svc.cluster.local"',
        `self="$(hostname).${n.sentinels}.$domain"`,
        askFunction(n),
        `cp ${template} ${conf}`,
        `for master in ${masters.join(" ")}; do`,
        `  for i in ${Array.from({ length: n.sentinelCount }, (_, i) => i).join(" ")}; do`,
        `    peer="${sentinelHost(n, "$i")}"`,
        '    [ "$peer" = "$self" ] && continue',
        '    primary="$(ask "$peer" "$master")"',
        '    if [ -n "$primary" ]; then',
        `      sed -i "s/^sentinel monitor $master .*/sentinel monitor $master $primary ${quorum}/" ${conf}`,
        "      break",
        "    fi",
        "  done",
        "done",
        `echo "sentinel announce-ip $self" >> ${conf}`,
        `exec valkey-server ${conf} --sentinel`,
    ].join("\n") + "\n";
}
