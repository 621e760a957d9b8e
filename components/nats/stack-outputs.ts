/**
 * bcrypt hashes for an offline render from a deployed stack's secrets, so a rendered
 * nats-server.conf starts with the users the services already have. Input: the JSON printed by
 * `pulumi stack output --show-secrets --json`, of which this reads only
 *
 *     { "services": { "<service>": { "nats": { "user": "<user>", "password": "<password>" } } },
 *       "nats": { "operator": { "user": "operator", "password": "<password>" } } }
 *
 * Everything else in the document is ignored. The hash function is the caller's (bcryptjs in
 * tools/), so this module stays free of dependencies the deployed program does not carry.
 */
import type { NatsPlan, NatsUserPlan } from "./plan";
import type { NatsPasswordHashes } from "./render";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

/** Where each plan user's credentials sit in the stack outputs. */
export function natsOutputPath(plan: NatsPlan, user: NatsUserPlan): string[] {
    const a = plan.accounts.find((x) => x.user === user.user && x.account === user.account);
    return a ? ["services", a.service, "nats"] : ["nats", "operator"];
}

/** Throws one error listing every missing or mismatching entry. */
export function natsHashesFromStackOutputs(plan: NatsPlan, outputs: unknown, hash: (password: string) => string): NatsPasswordHashes {
    const problems: string[] = [];
    const hashes: Record<string, string> = {};
    const users = [plan.system, ...plan.accounts];
    for (const u of users) {
        const at = natsOutputPath(plan, u);
        const entry = obj(at.reduce<unknown>((o, k) => obj(o)?.[k], outputs));
        if (!entry) {
            problems.push(`${at.join(".")}: expected { user, password } (is NATS enabled and the stack up to date?)`);
            continue;
        }
        if (entry.user !== u.user) problems.push(`${at.join(".")}.user: expected ${JSON.stringify(u.user)}, got ${JSON.stringify(entry.user)}`);
        const pw = entry.password;
        if (pw === "[secret]") problems.push(`${at.join(".")}.password: expected the password: run pulumi stack output with --show-secrets`);
        else if (typeof pw !== "string" || pw === "") problems.push(`${at.join(".")}.password: expected a non-empty string`);
        else hashes[u.user] = hash(pw);
    }
    // A NATS block for a service the plan has no account for: outputs and config disagree.
    for (const [service, v] of Object.entries(obj(obj(outputs)?.services) ?? {})) {
        if (obj(v)?.nats !== undefined && !plan.accounts.some((a) => a.service === service)) {
            problems.push(`services.${service}.nats: expected no NATS credentials: ${service} has no account in this config (deploy the config first)`);
        }
    }
    if (problems.length > 0) throw new Error(`stack outputs do not match the NATS plan:\n  ${problems.join("\n  ")}`);
    return hashes;
}
