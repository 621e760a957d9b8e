/**
 * Renderers: the plan as the files a Valkey (or Redis 7) server reads, valkey.conf and the
 * aclfile. Pure, string out. Passwords never appear: the aclfile holds SHA-256 hashes only.
 */
import { createHash } from "crypto";
import * as path from "path";
import type { AclUser, InstancePlan, ValkeyPlan } from "./plan";

/** Where a server finds its files and listens; containers use CONTAINER_SETTINGS, local runs `localSettings` (render-local.ts). */
export interface ServerSettings {
    readonly port: number;
    /** `bind` value; containers listen on every interface (IPv6 when present). */
    readonly bind: string;
    /** Data directory (AOF, RDB); it must exist. */
    readonly dir: string;
    /** Directory of the aclfile, named after its instance (`aclfileName`), in the server's filesystem. */
    readonly aclDir: string;
    /** Directory holding tls.crt and tls.key (used when the plan has TLS on). */
    readonly tlsDir: string;
}

export const CONTAINER_SETTINGS: ServerSettings = {
    port: 6379,
    bind: "* -::*",
    dir: "/data",
    aclDir: "/etc/valkey-acl",
    tlsDir: "/etc/valkey-tls",
};

/** File name of an instance's aclfile: users.acl, or users-<key>.acl per split instance. */
export function aclfileName(instance: Pick<InstancePlan, "key">): string {
    return instance.key === "main" ? "users.acl" : `users-${instance.key}.acl`;
}

/** Path of an instance's aclfile in the server's filesystem: what its conf names and where the file goes. */
export function aclfilePath(settings: Pick<ServerSettings, "aclDir">, instance: Pick<InstancePlan, "key">): string {
    return path.posix.join(settings.aclDir, aclfileName(instance));
}

/** Path of the configuration file inside the server's filesystem (containers). */
export const CONF_PATH = "/etc/valkey/valkey.conf";

/** SHA-256 hex of a password, the form `#<hash>` in an aclfile expects. */
export function sha256Hex(password: string): string {
    return createHash("sha256").update(password, "utf8").digest("hex");
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * One aclfile line. With a hash the user is on; without one it is rendered off with no
 * password (resetpass), so a file rendered for review can be loaded but opens no door.
 * Several hashes (current first, then the previous password during a rotation) are all
 * accepted. The aclfile format has no comments, so the file is lines only.
 */
export function aclLine(user: AclUser, hash?: string | readonly string[]): string {
    if (user.kind === "default") return ["user", "default", "off", "resetpass", ...user.rules].join(" ");
    const hashes = hash === undefined ? [] : typeof hash === "string" ? [hash] : hash;
    for (const h of hashes) if (!HASH.test(h)) throw new Error(`password hash of ${user.name}: expected 64 lowercase hex characters (sha256)`);
    const auth = hashes.length > 0 ? ["on", ...hashes.map((h) => `#${h}`)] : ["off", "resetpass"];
    return ["user", user.name, ...auth, ...user.rules].join(" ");
}

/** An aclfile of these users; `hashes` maps user name to sha256 hex of its password(s). */
export function renderAclUsers(users: readonly AclUser[], hashes?: Readonly<Record<string, string | readonly string[]>>): string {
    return `${users.map((u) => aclLine(u, hashes?.[u.name])).join("\n")}\n`;
}

/** The aclfile of one instance. */
export function renderAclFile(instance: InstancePlan, hashes?: Readonly<Record<string, string | readonly string[]>>): string {
    return renderAclUsers(instance.users, hashes);
}

/** valkey.conf of one instance. Only directives Valkey 7.2+ and Redis 7.0 share. */
export function renderValkeyConf(plan: ValkeyPlan, instance: InstancePlan, settings: ServerSettings = CONTAINER_SETTINGS): string {
    const lines: string[] = [
        `# Valkey ${instance.name} (${instance.role}: ${instance.patterns.join(", ")}), rendered from the StellaOps catalog; do not edit.`,
        "",
        "# Network. Protected mode stays on behind the ACL (the default user is off).",
        `bind ${settings.bind}`,
        "protected-mode yes",
    ];
    if (plan.tls) {
        lines.push(
            "port 0",
            `tls-port ${settings.port}`,
            `tls-cert-file ${settings.tlsDir}/tls.crt`,
            `tls-key-file ${settings.tlsDir}/tls.key`,
            "# Clients authenticate with ACL passwords, not certificates.",
            "tls-auth-clients no",
            'tls-protocols "TLSv1.2 TLSv1.3"',
        );
    } else {
        lines.push(`port ${settings.port}`);
    }
    lines.push("", "# Users come only from the aclfile.", `aclfile ${aclfilePath(settings, instance)}`, "", `dir ${settings.dir}`);
    if (instance.persistence) {
        lines.push(
            "# Streams and queues survive restarts: AOF, fsync once a second.",
            "appendonly yes",
            "appendfsync everysec",
            'appenddirname "appendonlydir"',
            "aof-use-rdb-preamble yes",
            "save 3600 1 300 100 60 10000",
        );
    } else {
        lines.push("# Cache only: nothing to persist, a restart starts empty.", "appendonly no", 'save ""');
    }
    lines.push(
        "",
        `# Memory. ${describePolicy(instance)}`,
        `maxmemory ${instance.maxmemoryMb}mb`,
        `maxmemory-policy ${instance.evictionPolicy}`,
        "",
        "# Surfaces no StellaOps client needs.",
        "enable-debug-command no",
        "enable-module-command no",
        "enable-protected-configs no",
    );
    return `${lines.join("\n")}\n`;
}

function describePolicy(instance: InstancePlan): string {
    if (instance.evictionPolicy === "noeviction") return "Nothing is evicted: writes fail when full, keys are never lost.";
    if (instance.evictionPolicy.startsWith("volatile-")) return "Only keys with a TTL (caches) are evicted; streams and queues have none.";
    return "Cache instance: any key may be evicted.";
}

/** File names of an instance under the render output: valkey/valkey.conf + valkey/users.acl, or one pair per split instance. */
export function valkeyFileNames(instance: Pick<InstancePlan, "key" | "name">): { conf: string; acl: string } {
    const conf = instance.key === "main" ? "valkey.conf" : `${instance.name}.conf`;
    return { conf: `valkey/${conf}`, acl: `valkey/${aclfileName(instance)}` };
}

/**
 * What `npm run render` writes. Without `hashes` every user but the default is rendered off
 * with no password (reviewable, loadable, opens nothing); with `hashes` (user name to sha256
 * hex) users are on. Plaintext passwords never reach a file either way.
 */
export function renderValkeyFiles(plan: ValkeyPlan, hashes?: Readonly<Record<string, string>>, settings: ServerSettings = CONTAINER_SETTINGS): Record<string, string> {
    const files: Record<string, string> = {};
    for (const instance of plan.instances) {
        const names = valkeyFileNames(instance);
        files[names.conf] = renderValkeyConf(plan, instance, settings);
        files[names.acl] = renderAclFile(instance, hashes);
    }
    return files;
}

/** Environment variable valkey-cli (and redis-cli) read the password from. */
export const PROBE_PASSWORD_ENV = "REDISCLI_AUTH";

/** Health check run inside the server's container: PING as the probe user must answer PONG. */
export function probeCommand(plan: ValkeyPlan, settings: Pick<ServerSettings, "port"> = CONTAINER_SETTINGS): string[] {
    // The probe talks to its own server over loopback: encryption yes, certificate check pointless.
    const tls = plan.tls ? " --tls --insecure" : "";
    return ["sh", "-c", `valkey-cli --no-auth-warning --user ${plan.probe} -h 127.0.0.1 -p ${settings.port}${tls} ping | grep -q PONG`];
}
