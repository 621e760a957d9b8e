/**
 * One generated password per NATS user (the operator and each service user) and its bcrypt
 * hash, plus a cluster's route password. Passwords go to the services as secret Outputs; only
 * the hashes reach a config file; the route password reaches the servers' environment only.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { generatedPassword, generatedPasswordWithHash } from "../credentials";
import { generationOf, RotationPlan } from "../rotation";
import { NatsServerLayout } from "./layout";
import { NatsPlan, natsUsers } from "./plan";
import { NatsPasswordHashes, renderNatsAccounts, renderNatsConf } from "./render";

export const NATS_CREDENTIALS_TYPE = "stellaops:nats:Credentials";

export interface NatsCredentialsArgs {
    /** The plan: one password per user in `natsUsers(plan)`, and a route password for a cluster. */
    readonly plan: NatsPlan;
    /**
     * Password generations: a service's account user follows its service, the system user the
     * epoch. nats-server refuses a user listed twice, so a rotated user has only its new
     * password once the server loads the new config. @default no rotation
     */
    readonly rotation?: RotationPlan;
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
        const passwords: Record<string, pulumi.Output<string>> = {};
        const hashes: Record<string, pulumi.Output<string>> = {};
        const service = new Map(args.plan.accounts.map((a) => [a.user, a.service]));
        for (const { user } of natsUsers(args.plan)) {
            const pw = generatedPasswordWithHash(`${name}-${user}`, { parent: this }, 32, generationOf(args.rotation, service.get(user)));
            passwords[user] = pw.password;
            hashes[user] = pw.bcryptHash;
        }
        this.passwords = passwords;
        this.bcryptHashes = hashes;
        // User names are service names (no hyphen), so this child name never collides with one.
        // Not rotated: servers restarted one by one with a new route password would split the cluster.
        if (args.plan.cluster) this.routePassword = generatedPassword(`${name}-cluster-route`, { parent: this });
        this.registerOutputs({ passwords: this.passwords, bcryptHashes: this.bcryptHashes, routePassword: this.routePassword });
    }
}

/**
 * Changes whenever a user's generation does (undefined while none was rotated): a pod template
 * carrying it restarts nats-server, which reads its config (the new hashes) only at start-up.
 * Reveals generations only.
 */
export function natsRevision(plan: NatsPlan, rotation?: RotationPlan): string | undefined {
    const service = new Map(plan.accounts.map((a) => [a.user, a.service]));
    const gens = natsUsers(plan).map(({ user }) => [user, generationOf(rotation, service.get(user))] as const).filter(([, g]) => g > 0);
    return gens.length === 0 ? undefined : createHash("sha256").update(JSON.stringify(gens)).digest("hex").slice(0, 12);
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
