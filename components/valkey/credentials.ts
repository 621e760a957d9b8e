/**
 * Generated passwords for the plan's users, and the aclfile built from them. The aclfile holds
 * only SHA-256 hashes, computed inside `apply`, and stays a secret Output all the same.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { slotPasswords } from "../credentials";
import { generationOf, RotationPlan } from "../rotation";
import type { InstanceEndpoint } from "../types";
import type { InstanceKey, InstancePlan, ValkeyPlan } from "./plan";
import { stackExchangeConfiguration } from "./connection-string";
import { renderAclFile, sha256Hex } from "./render";

/** User name to password (secret). */
export type Passwords = Readonly<Record<string, pulumi.Output<string>>>;

/** The current passwords, and the previous one of each user rotated at least once (both by user name, secret). */
export interface RotatedPasswords {
    readonly passwords: Passwords;
    /** Still accepted by the server until the next rotation: ACL users hold several passwords. */
    readonly previous: Passwords;
}

/** A user's generation: its service's, or the stack-wide epoch for the operator, probe and the like. */
function userGeneration(plan: ValkeyPlan, key: string, rotation?: RotationPlan): number {
    return generationOf(rotation, plan.services.some((s) => s.service === key) ? key : undefined);
}

/**
 * Passwords of every user that logs in, children of `parent` named `${name}-password-<key>`
 * (slot b, from the first rotation on: `${name}-password-<key>-b`). Alphanumeric, 32 characters:
 * safe in URLs and within ElastiCache's 16-128 character rule. `servicesOnly` rotates the
 * services' users alone.
 */
export function rotatedPasswords(name: string, plan: ValkeyPlan, parent: pulumi.Resource, rotation?: RotationPlan, servicesOnly = false): RotatedPasswords {
    const passwords: Record<string, pulumi.Output<string>> = {};
    const previous: Record<string, pulumi.Output<string>> = {};
    const isService = (key: string) => plan.services.some((s) => s.service === key);
    for (const u of plan.passwordUsers) {
        // servicesOnly: users the servers use among themselves keep generation 0 (see kubernetes-ha.ts).
        const generation = servicesOnly && !isService(u.key) ? 0 : userGeneration(plan, u.key, rotation);
        const pw = slotPasswords(`${name}-password-${u.key}`, generation, { parent });
        passwords[u.name] = pw.current;
        if (pw.previous) previous[u.name] = pw.previous;
    }
    return { passwords, previous };
}

/** The current password per user (components that do not rotate yet). */
export function createPasswords(name: string, plan: ValkeyPlan, parent: pulumi.Resource, rotation?: RotationPlan): Passwords {
    return rotatedPasswords(name, plan, parent, rotation).passwords;
}

/**
 * Changes whenever a user's generation does (undefined while none was rotated): a pod template
 * carrying it restarts the server, which then loads the aclfile with the new hashes. Reveals
 * generations only.
 */
export function aclRevision(plan: ValkeyPlan, rotation?: RotationPlan): string | undefined {
    const gens = plan.passwordUsers.map((u) => [u.key, userGeneration(plan, u.key, rotation)] as const).filter(([, g]) => g > 0);
    return gens.length === 0 ? undefined : createHash("sha256").update(JSON.stringify(gens)).digest("hex").slice(0, 12);
}

function pick(passwords: Passwords, users: readonly string[], required: boolean): Record<string, pulumi.Output<string>> {
    const picked: Record<string, pulumi.Output<string>> = {};
    for (const u of users) {
        const pw = passwords[u];
        if (!pw && required) throw new Error(`no password generated for Valkey user ${u}`);
        if (pw) picked[u] = pw;
    }
    return picked;
}

/**
 * SHA-256 hashes of the given users' passwords, keyed by user name (secret). A password a
 * targeted update did not create (`pulumi up --target`, as tools/adopt runs) has no value: its
 * user is left out, and nothing that uses the hashes is applied in that update.
 */
export function passwordHashes(passwords: Passwords, users: readonly string[]): pulumi.Output<Record<string, string>> {
    return pulumi.secret(pulumi.all(pick(passwords, users, true)).apply((pws) => Object.fromEntries(Object.entries(pws).filter(([, pw]) => typeof pw === "string").map(([u, pw]) => [u, sha256Hex(pw)]))));
}

/** Per user its accepted hashes: the current password's, then the previous one's while it is kept (secret). */
export function acceptedHashes(passwords: Passwords, previous: Passwords, users: readonly string[]): pulumi.Output<Record<string, string[]>> {
    return pulumi.secret(
        pulumi.all([passwordHashes(passwords, users), pulumi.all(pick(previous, users, false))]).apply(([current, prev]) =>
            Object.fromEntries(Object.entries(current).map(([u, h]) => [u, typeof prev[u] === "string" ? [h, sha256Hex(prev[u])] : [h]])),
        ),
    );
}

/** The instance's aclfile with every user on and hashed; a rotated user accepts both its passwords (secret). */
export function aclFile(instance: InstancePlan, passwords: Passwords, previous: Passwords = {}): pulumi.Output<string> {
    const users = instance.users.filter((u) => u.kind !== "default").map((u) => u.name);
    return pulumi.secret(acceptedHashes(passwords, previous, users).apply((hashes) => renderAclFile(instance, hashes)));
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
