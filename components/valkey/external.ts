/**
 * ACL users on an existing Valkey server (external profile), applied by a dynamic provider
 * over the server's own ACL commands. Only hashes of the generated passwords travel to it.
 */
import * as pulumi from "@pulumi/pulumi";
import { AclUserSpec, AclUsersInputs, aclUsersProvider } from "./acl-provider";
import { Passwords, acceptedHashes, rotatedPasswords } from "./credentials";
import type { RotationPlan } from "../rotation";
import type { ValkeyPlan } from "./plan";

export const VALKEY_EXTERNAL_TYPE = "stellaops:valkey:ValkeyExternalUsers";

export interface ValkeyExternalUsersArgs {
    /** The Valkey plan; one instance (an existing server is one server). */
    readonly plan: ValkeyPlan;
    readonly host: string;
    readonly port: number;
    /** Existing user with ACL rights the provider connects as. */
    readonly adminUser: string;
    /** Its password (secret). */
    readonly adminPassword: pulumi.Input<string>;
    /** Password generations; a rotated user keeps its previous password until the next rotation. @default no rotation */
    readonly rotation?: RotationPlan;
}

type Wrap<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** The dynamic resource: `pulumi-nodejs:dynamic/valkey:AclUsers`. */
export class ValkeyAclUsers extends pulumi.dynamic.Resource {
    constructor(name: string, args: Wrap<AclUsersInputs>, opts?: pulumi.CustomResourceOptions) {
        super(aclUsersProvider, name, { ...args }, { ...opts, additionalSecretOutputs: ["adminPassword", "users"] }, "valkey", "AclUsers");
    }
}

export class ValkeyExternalUsers extends pulumi.ComponentResource {
    /** Generated passwords by user name (secret). */
    public readonly passwords: Passwords;
    public readonly host: string;
    public readonly port: number;
    /** The applied users, for `dependsOn` of clients. */
    public readonly acl: ValkeyAclUsers;

    constructor(name: string, args: ValkeyExternalUsersArgs, opts?: pulumi.ComponentResourceOptions) {
        super(VALKEY_EXTERNAL_TYPE, name, {}, opts);
        const plan = args.plan;
        if (plan.instances.length !== 1) throw new Error("valkey.split: expected false on an existing server (profile external): it is one instance");
        const instance = plan.instances[0];
        // Service users only: the server's operators and health checks are its owners' business.
        const services = instance.users.filter((u) => u.kind === "service");
        const servicePlan = { ...plan, passwordUsers: plan.passwordUsers.filter((p) => services.some((s) => s.name === p.name)) };
        const pw = rotatedPasswords(name, servicePlan, this, args.rotation);
        this.passwords = pw.passwords;
        const users: pulumi.Output<AclUserSpec[]> = acceptedHashes(pw.passwords, pw.previous, services.map((u) => u.name)).apply((hashes) =>
            // A user without a hash exists only in a targeted update that skipped its password.
            services.filter((u) => hashes[u.name]).map((u) => ({ name: u.name, rules: [...u.rules], passwordHash: hashes[u.name][0], ...(hashes[u.name][1] && { previousHash: hashes[u.name][1] }) })),
        );
        this.acl = new ValkeyAclUsers(
            `${name}-acl`,
            {
                host: args.host,
                port: args.port,
                tls: plan.tls,
                adminUser: args.adminUser,
                adminPassword: pulumi.secret(args.adminPassword),
                users: pulumi.secret(users),
                // Turning off the user we connect as would lock the provider out.
                disableDefault: args.adminUser !== "default",
            },
            { parent: this },
        );
        this.host = args.host;
        this.port = args.port;
        this.registerOutputs({ passwords: this.passwords, host: this.host, port: this.port, acl: this.acl });
    }
}
