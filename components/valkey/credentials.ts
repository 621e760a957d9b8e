/**
 * Generated passwords for the plan's users, and the aclfile built from them. The aclfile holds
 * only SHA-256 hashes, computed inside `apply`, and stays a secret Output all the same.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { InstanceEndpoint } from "../types";
import type { InstanceKey, InstancePlan, ValkeyPlan } from "./plan";
import { stackExchangeConfiguration } from "./connection-string";
import { renderAclFile, sha256Hex } from "./render";

/** User name to password (secret). */
export type Passwords = Readonly<Record<string, pulumi.Output<string>>>;

/**
 * One RandomPassword per user that logs in, children of `parent` named `${name}-password-<key>`.
 * Alphanumeric, 32 characters: safe in URLs and within ElastiCache's 16-128 character rule.
 */
export function createPasswords(name: string, plan: ValkeyPlan, parent: pulumi.Resource): Passwords {
    const out: Record<string, pulumi.Output<string>> = {};
    for (const u of plan.passwordUsers) {
        const pw = new random.RandomPassword(`${name}-password-${u.key}`, { length: 32, special: false }, { parent });
        out[u.name] = pulumi.secret(pw.result);
    }
    return out;
}

/** SHA-256 hashes of the given users' passwords, keyed by user name (secret). */
export function passwordHashes(passwords: Passwords, users: readonly string[]): pulumi.Output<Record<string, string>> {
    const picked: Record<string, pulumi.Output<string>> = {};
    for (const u of users) {
        const pw = passwords[u];
        if (!pw) throw new Error(`no password generated for Valkey user ${u}`);
        picked[u] = pw;
    }
    return pulumi.secret(pulumi.all(picked).apply((pws) => Object.fromEntries(Object.entries(pws).map(([u, pw]) => [u, sha256Hex(pw)]))));
}

/** The instance's aclfile with every user on and hashed (secret). */
export function aclFile(instance: InstancePlan, passwords: Passwords): pulumi.Output<string> {
    const users = instance.users.filter((u) => u.kind !== "default").map((u) => u.name);
    return pulumi.secret(passwordHashes(passwords, users).apply((hashes) => renderAclFile(instance, hashes)));
}

/**
 * A service's StackExchange.Redis configuration string as a secret Output (it holds the
 * password). With `serviceName`, `endpoints` are the Sentinels.
 */
export function stackExchangeSecret(args: { readonly endpoints: readonly InstanceEndpoint[]; readonly user: string; readonly password: pulumi.Input<string>; readonly ssl: boolean; readonly serviceName?: string }): pulumi.Output<string> {
    const endpoints = pulumi.all(args.endpoints.map((e) => pulumi.all([e.host, e.port])));
    return pulumi.secret(
        pulumi.all([endpoints, args.password]).apply(([eps, password]) =>
            stackExchangeConfiguration({ endpoints: eps.map(([host, port]) => ({ host, port })), user: args.user, password, ssl: args.ssl, serviceName: args.serviceName }),
        ),
    );
}

/** A service's StackExchange.Redis strings: its coordination instance's and its cache instance's (equal without split). */
export interface ServiceConfiguration {
    readonly configuration: pulumi.Output<string>;
    readonly cacheConfiguration: pulumi.Output<string>;
}

/**
 * StackExchange.Redis strings for every service of a plan. Single topology: `endpoints` per
 * instance. ha: `sentinels` (every Sentinel) and each instance's master name as `serviceName`.
 */
export function serviceConfigurations(
    plan: ValkeyPlan,
    passwords: Passwords,
    ssl: boolean,
    where: { readonly endpoints: Partial<Record<InstanceKey, InstanceEndpoint>> } | { readonly sentinels: readonly InstanceEndpoint[]; readonly masters: Partial<Record<InstanceKey, string>> },
): Record<string, ServiceConfiguration> {
    const one = (user: string, key: InstanceKey) =>
        "sentinels" in where
            ? stackExchangeSecret({ endpoints: where.sentinels, user, password: passwords[user], ssl, serviceName: where.masters[key] })
            : stackExchangeSecret({ endpoints: [where.endpoints[key]!], user, password: passwords[user], ssl });
    return Object.fromEntries(plan.services.map((s) => [s.service, { configuration: one(s.user, s.instance), cacheConfiguration: one(s.user, s.cacheInstance) }]));
}
