/**
 * Dynamic provider that applies ACL users to an existing Valkey server (external profile):
 * ACL SETUSER for new and changed users, ACL DELUSER for removed ones, then ACL SAVE (or
 * CONFIG REWRITE when the server keeps users in its config file instead of an aclfile).
 *
 * Pulumi serializes `aclUsersProvider` with everything it references and runs it in the
 * engine's Node.js host, so the provider uses only this file's function declarations and
 * requires iovalkey when it runs.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface AclUserSpec {
    /** ACL user name. */
    readonly name: string;
    /** Rules after on/off and the password (from the plan). */
    readonly rules: readonly string[];
    /** SHA-256 hex of the password; the provider never sees the plaintext. */
    readonly passwordHash: string;
    /** During a rotation: SHA-256 hex of the previous password, accepted until the next rotation. */
    readonly previousHash?: string;
}

/** Every hash the user accepts, current first. */
function hashesOf(u: AclUserSpec): string[] {
    return u.previousHash ? [u.passwordHash, u.previousHash] : [u.passwordHash];
}

export interface AclUsersInputs {
    readonly host: string;
    readonly port: number;
    readonly tls: boolean;
    /** Existing user with ACL rights the provider connects as. */
    readonly adminUser: string;
    readonly adminPassword: string;
    readonly users: readonly AclUserSpec[];
    /** Turn the default user off (false when the admin is the default user). */
    readonly disableDefault: boolean;
}

type Call = (...args: (string | number)[]) => Promise<unknown>;

async function withAdmin<T>(p: AclUsersInputs, fn: (call: Call) => Promise<T>): Promise<T> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Valkey } = require("iovalkey");
    const client = new Valkey({
        host: p.host,
        port: p.port,
        username: p.adminUser,
        password: p.adminPassword,
        tls: p.tls ? {} : undefined,
        lazyConnect: true,
        enableReadyCheck: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 10000,
    });
    client.on("error", () => undefined); // surfaced by the failing command instead
    await client.connect();
    try {
        return await fn((...args) => client.call(...args));
    } finally {
        client.disconnect();
    }
}

function sameUser(a: AclUserSpec, b: AclUserSpec): boolean {
    return hashesOf(a).join(" ") === hashesOf(b).join(" ") && a.rules.join(" ") === b.rules.join(" ");
}

function usersKey(users: readonly AclUserSpec[]): string {
    // A previous hash enters the key only when there is one: stacks that never rotated diff as before.
    return JSON.stringify([...users].sort((a, b) => a.name.localeCompare(b.name)).map((u) => (u.previousHash ? [u.name, u.passwordHash, u.previousHash, u.rules] : [u.name, u.passwordHash, u.rules])));
}

/** Writes the users where the server reads them at start-up; fails loudly when it cannot. */
async function persist(call: Call): Promise<void> {
    try {
        await call("ACL", "SAVE");
    } catch (err) {
        if (!/not configured to use an ACL file/i.test(String((err as Error).message))) throw err;
        await call("CONFIG", "REWRITE");
    }
}

async function apply(news: AclUsersInputs, olds?: AclUsersInputs): Promise<void> {
    await withAdmin(news, async (call) => {
        const before = new Map((olds?.users ?? []).map((u) => [u.name, u]));
        for (const u of news.users) {
            const old = before.get(u.name);
            // Only new and changed users are written: an update touches exactly what the diff reported.
            if (old && sameUser(old, u)) continue;
            // `reset` drops the hash two rotations old; open connections of the user stay authenticated.
            await call("ACL", "SETUSER", u.name, "reset", "on", ...hashesOf(u).map((h) => `#${h}`), ...u.rules);
        }
        const keep = new Set(news.users.map((u) => u.name));
        for (const name of before.keys()) if (!keep.has(name)) await call("ACL", "DELUSER", name);
        // Off, but with full permissions: AOF replay re-checks EXEC as the default user (valkey#3983).
        if (news.disableDefault) await call("ACL", "SETUSER", "default", "off", "~*", "&*", "+@all");
        await persist(call);
    });
}

function checkInputs(news: AclUsersInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!news.host) failures.push({ property: "host", reason: "expected the host of the existing Valkey server" });
    if (!Number.isInteger(news.port) || news.port < 1 || news.port > 65535) failures.push({ property: "port", reason: "expected a port from 1 to 65535" });
    // During preview a users list built from passwords not generated yet is unknown (the
    // engine's unknown sentinel, not an array): nothing to check until it is known.
    if (!Array.isArray(news.users)) return failures;
    const seen = new Set<string>();
    for (const u of news.users) {
        if (!/^[^\s]+$/.test(u.name)) failures.push({ property: "users", reason: `expected a user name without spaces, got "${u.name}"` });
        if (u.name === "default" || u.name === news.adminUser) failures.push({ property: "users", reason: `expected a user other than default and the admin user, got "${u.name}"` });
        if (seen.has(u.name)) failures.push({ property: "users", reason: `expected each user once, "${u.name}" repeats` });
        if (!hashesOf(u).every((h) => /^[0-9a-f]{64}$/.test(h))) failures.push({ property: "users", reason: `expected sha256 hex password hashes for "${u.name}"` });
        seen.add(u.name);
    }
    return failures;
}

/** Reply of ACL GETUSER as a map (flags, passwords, ...); null when the user does not exist. */
function parseGetUser(reply: unknown): Map<string, unknown> | null {
    if (!Array.isArray(reply)) return null;
    const out = new Map<string, unknown>();
    for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), reply[i + 1]);
    return out;
}

export const aclUsersProvider: pulumi.dynamic.ResourceProvider<AclUsersInputs, AclUsersInputs> = {
    async check(_olds, news) {
        return { inputs: news, failures: checkInputs(news) };
    },
    async diff(_id, olds, news) {
        // Another server is another resource: create the users there, then remove them here.
        const replaces = (["host", "port"] as const).filter((k) => olds[k] !== news[k]);
        const changes =
            replaces.length > 0 ||
            olds.tls !== news.tls ||
            olds.adminUser !== news.adminUser ||
            olds.adminPassword !== news.adminPassword ||
            olds.disableDefault !== news.disableDefault ||
            !Array.isArray(news.users) || // unknown during preview: assume it changes
            usersKey(olds.users) !== usersKey(news.users);
        return { changes, replaces: [...replaces], deleteBeforeReplace: false };
    },
    async create(news) {
        await apply(news);
        return { id: `${news.host}:${news.port}`, outs: news };
    },
    async update(_id, olds, news) {
        await apply(news, olds);
        return { outs: news };
    },
    async read(id, props) {
        if (!props) return { id };
        // A user deleted, disabled or missing one of its passwords drops out of state; the next `up` restores it.
        const users = await withAdmin(props, async (call) => {
            const kept: AclUserSpec[] = [];
            for (const u of props.users) {
                const info = parseGetUser(await call("ACL", "GETUSER", u.name));
                const flags = (info?.get("flags") ?? []) as string[];
                const hashes = (info?.get("passwords") ?? []) as string[];
                if (info && flags.includes("on") && hashesOf(u).every((h) => hashes.includes(h))) kept.push(u);
            }
            return kept;
        });
        return { id, props: { ...props, users } };
    },
    async delete(_id, props) {
        await withAdmin(props, async (call) => {
            for (const u of props.users) await call("ACL", "DELUSER", u.name);
            // The default user stays off: turning it back on would open the server.
            await persist(call);
        });
    },
};
