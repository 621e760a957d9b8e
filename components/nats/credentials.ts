/**
 * One generated password per NATS user (the operator and each service user) and its bcrypt
 * hash, plus a cluster's route password. Passwords go to the services as secret Outputs; only
 * the hashes reach a config file; the route password reaches the servers' environment only.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { NatsServerLayout } from "./layout";
import { NatsPlan, natsUsers } from "./plan";
import { NatsPasswordHashes, renderNatsAccounts, renderNatsConf } from "./render";

export const NATS_CREDENTIALS_TYPE = "stellaops:nats:Credentials";

export interface NatsCredentialsArgs {
    /** The plan: one password per user in `natsUsers(plan)`, and a route password for a cluster. */
    readonly plan: NatsPlan;
}

export class NatsCredentials extends pulumi.ComponentResource {
    /** Password per user name (secret). */
    public readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;
    /** bcrypt hash per user name (secret: a hash still allows offline guessing). */
    public readonly bcryptHashes: Readonly<Record<string, pulumi.Output<string>>>;
    /** The cluster's route password (secret); undefined for a single server. */
    public readonly routePassword?: pulumi.Output<string>;

    constructor(name: string, args: NatsCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NATS_CREDENTIALS_TYPE, name, {}, opts);
        // Alphanumeric: safe in URLs and config files without quoting rules.
        const password = (suffix: string) => new random.RandomPassword(`${name}-${suffix}`, { length: 32, special: false }, { parent: this });
        const passwords: Record<string, pulumi.Output<string>> = {};
        const hashes: Record<string, pulumi.Output<string>> = {};
        for (const { user } of natsUsers(args.plan)) {
            const pw = password(user);
            passwords[user] = pulumi.secret(pw.result);
            hashes[user] = pulumi.secret(pw.bcryptHash);
        }
        this.passwords = passwords;
        this.bcryptHashes = hashes;
        // User names are service names (no hyphen), so this child name never collides with one.
        if (args.plan.cluster) this.routePassword = pulumi.secret(password("cluster-route").result);
        this.registerOutputs({ passwords: this.passwords, bcryptHashes: this.bcryptHashes, routePassword: this.routePassword });
    }
}

function withHashes(hashes: Readonly<Record<string, pulumi.Input<string>>>, render: (h: NatsPasswordHashes) => string): pulumi.Output<string> {
    return pulumi.secret(pulumi.all(hashes).apply((h) => render(h)));
}

/** nats-server.conf with bcrypt hashes inline, as a secret Output. */
export function secretNatsConf(plan: NatsPlan, layout: NatsServerLayout, hashes: Readonly<Record<string, pulumi.Input<string>>>): pulumi.Output<string> {
    return withHashes(hashes, (h) => renderNatsConf(plan, layout, h));
}

/** The accounts part alone (external profile), as a secret Output. */
export function secretNatsAccounts(plan: NatsPlan, hashes: Readonly<Record<string, pulumi.Input<string>>>): pulumi.Output<string> {
    return withHashes(hashes, (h) => renderNatsAccounts(plan, h));
}
