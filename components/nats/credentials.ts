/**
 * One generated password per NATS user (the operator and each service user) and its bcrypt
 * hash. Passwords go to the services as secret Outputs; only the hashes reach a config file.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { NatsPlan, natsUsers } from "./plan";
import { NatsPasswordHashes, renderNatsAccounts, renderNatsConf } from "./render";

export const NATS_CREDENTIALS_TYPE = "stellaops:nats:Credentials";

export interface NatsCredentialsArgs {
    /** User names (plan order): one password each. */
    readonly users: readonly string[];
}

export class NatsCredentials extends pulumi.ComponentResource {
    /** Password per user (secret). */
    public readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;
    /** bcrypt hash per user (secret: a hash still allows offline guessing). */
    public readonly bcryptHashes: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: NatsCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NATS_CREDENTIALS_TYPE, name, {}, opts);
        const passwords: Record<string, pulumi.Output<string>> = {};
        const hashes: Record<string, pulumi.Output<string>> = {};
        for (const user of args.users) {
            // Alphanumeric: safe in URLs and config files without quoting rules.
            const pw = new random.RandomPassword(`${name}-${user}`, { length: 32, special: false }, { parent: this });
            passwords[user] = pulumi.secret(pw.result);
            hashes[user] = pulumi.secret(pw.bcryptHash);
        }
        this.passwords = passwords;
        this.bcryptHashes = hashes;
        this.registerOutputs({ passwords: this.passwords, bcryptHashes: this.bcryptHashes });
    }
}

/** Credentials for every user of a plan. */
export function credentialsFor(name: string, plan: NatsPlan, opts?: pulumi.ComponentResourceOptions): NatsCredentials {
    return new NatsCredentials(name, { users: natsUsers(plan).map((u) => u.user) }, opts);
}

function withHashes(hashes: Readonly<Record<string, pulumi.Input<string>>>, render: (h: NatsPasswordHashes) => string): pulumi.Output<string> {
    return pulumi.secret(pulumi.all(hashes).apply((h) => render(h)));
}

/** nats-server.conf with bcrypt hashes inline, as a secret Output. */
export function secretNatsConf(plan: NatsPlan, hashes: Readonly<Record<string, pulumi.Input<string>>>): pulumi.Output<string> {
    return withHashes(hashes, (h) => renderNatsConf(plan, h));
}

/** The accounts part alone (external profile), as a secret Output. */
export function secretNatsAccounts(plan: NatsPlan, hashes: Readonly<Record<string, pulumi.Input<string>>>): pulumi.Output<string> {
    return withHashes(hashes, (h) => renderNatsAccounts(plan, h));
}
