/**
 * StackExchange.Redis configuration strings, the form StellaOps' .NET services read
 * (`notifier:queue:Redis:ConnectionString`). Pure; `stackExchangeSecret`
 * (credentials.ts) builds the secret Output. Option names from StackExchange.Redis
 * docs/Configuration.md: endpoints, `user=`, `password=`, `ssl=`, `abortConnect=`, and for
 * Sentinel the Sentinel endpoints with `serviceName=<master>`.
 */

export interface RedisEndpoint {
    readonly host: string;
    readonly port: number;
}

export interface StackExchangeParts {
    /** The server, or with `serviceName` the Sentinels. */
    readonly endpoints: readonly RedisEndpoint[];
    readonly user: string;
    readonly password: string;
    /** TLS to the server (and Sentinels). */
    readonly ssl: boolean;
    /** Sentinel master name: the endpoints are Sentinels, the client follows the promoted primary. */
    readonly serviceName?: string;
}

/**
 * Appended to every string: what a client must not send to a service user of this layer.
 * StackExchange.Redis runs INFO, CONFIG and CLUSTER while it connects; the ACL refuses them
 * (INFO and CONFIG are @dangerous), and its docs say a command the server refuses must be turned
 * off in the command map or the handshake fails. The tie-breaker key and the configuration
 * channel lie outside every namespace, so they are turned off too. ECHO (heartbeat), AUTH,
 * HELLO and CLIENT SETNAME stay: @connection is granted.
 */
export const STACKEXCHANGE_RESTRICTED = ["$INFO=", "$CONFIG=", "$CLUSTER=", "tiebreaker=", "configChannel="] as const;

/** A configuration-string value cannot carry the separator: refuse it instead of producing a string that parses differently. */
function value(what: string, v: string): string {
    if (v === "" || /[,\s]/.test(v)) throw new Error(`StackExchange.Redis ${what}: expected a non-empty value without commas or spaces`);
    return v;
}

/**
 * `host:port,user=<user>,password=<password>,ssl=<bool>,abortConnect=false,...`; with Sentinel,
 * `s1:26379,s2:26379,s3:26379,serviceName=<master>,user=...`. abortConnect=false: a service that
 * starts before Valkey keeps retrying instead of failing once.
 */
export function stackExchangeConfiguration(p: StackExchangeParts): string {
    if (p.endpoints.length === 0) throw new Error("StackExchange.Redis endpoints: expected at least one");
    const endpoints = p.endpoints.map((e) => {
        if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) throw new Error(`StackExchange.Redis endpoint ${e.host}: expected a port from 1 to 65535, got ${e.port}`);
        return `${value("host", e.host)}:${e.port}`;
    });
    const sentinel = p.serviceName === undefined ? [] : [`serviceName=${value("serviceName", p.serviceName)}`];
    return [...endpoints, ...sentinel, `user=${value("user", p.user)}`, `password=${value("password", p.password)}`, `ssl=${p.ssl}`, "abortConnect=false", ...STACKEXCHANGE_RESTRICTED].join(",");
}

/** Parses a configuration string back into endpoints and options (tests, and tools that check one). */
export function parseStackExchangeConfiguration(s: string): { endpoints: string[]; options: Record<string, string> } {
    const endpoints: string[] = [];
    const options: Record<string, string> = {};
    for (const token of s.split(",")) {
        const eq = token.indexOf("=");
        if (eq < 0) endpoints.push(token);
        else options[token.slice(0, eq)] = token.slice(eq + 1);
    }
    return { endpoints, options };
}
