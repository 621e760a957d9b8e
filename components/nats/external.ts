/**
 * NATS accounts for a server that already exists (external profile): the stack owns the
 * accounts but not the server's files, so it generates the passwords and hands the operator the
 * accounts block (bcrypt hashes, a secret Output) to `include` in that server's configuration.
 * Until it is included the server refuses the generated credentials: loud, not silent.
 */
import * as pulumi from "@pulumi/pulumi";
import { NatsCredentials, secretNatsAccounts } from "./credentials";
import { NatsPlan } from "./plan";
import type { RotationPlan } from "../rotation";

export const NATS_EXTERNAL_ACCOUNTS_TYPE = "stellaops:nats:ExternalAccounts";

export interface NatsExternalAccountsArgs {
    /** The NATS plan (planNats), computed once by the stack; a single server's (no cluster). */
    readonly plan: NatsPlan;
    /** Password generations (components/rotation.ts). @default no rotation */
    readonly rotation?: RotationPlan;
}

export class NatsExternalAccounts extends pulumi.ComponentResource {
    public readonly credentials: NatsCredentials;
    /** Password per NATS user (secret). */
    public readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;
    /** `system_account` and the `accounts {}` block with bcrypt hashes (secret), to include on the server. */
    public readonly accountsConf: pulumi.Output<string>;

    constructor(name: string, args: NatsExternalAccountsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NATS_EXTERNAL_ACCOUNTS_TYPE, name, {}, opts);
        if (args.plan.cluster) throw new Error(`${name}: an existing server's cluster is its operator's business: expected a plan without cluster`);
        // Stacks made before this component had the credentials at the root: keep their passwords.
        this.credentials = new NatsCredentials(`${name}-credentials`, { plan: args.plan, rotation: args.rotation }, { parent: this, aliases: [{ parent: pulumi.rootStackResource }] });
        this.passwords = this.credentials.passwords;
        this.accountsConf = secretNatsAccounts(args.plan, this.credentials.bcryptHashes);
        this.registerOutputs({ credentials: this.credentials, passwords: this.passwords, accountsConf: this.accountsConf });
    }
}
