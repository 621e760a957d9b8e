/**
 * The server side of the pooler's authentication, created through the stack's PostgreSQL
 * provider (connected to `<cluster>-rw` as the superuser): the login PgBouncer runs its auth query
 * as, CONNECT on the StellaOps database, USAGE on that database's schema public, and the
 * SECURITY DEFINER lookup there that returns the password verifier of StellaOps service logins
 * only. PUBLIC may EXECUTE new functions by default, but calling one needs USAGE on its schema,
 * which the role model revokes from PUBLIC: this login is the only one that can call it.
 */
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { keep } from "../stateful";
import type { CnpgPlan } from "./cnpg-plan";
import { lookupFunction } from "./cnpg-specs";
import type { PostgresPlan } from "./plan";

export const CNPG_POOLER_AUTH_TYPE = "stellaops:postgres:CnpgPoolerAuth";

export interface CnpgPoolerAuthArgs {
    /** The CNPG plan: the auth role, its connection limit, the lookup function's name. */
    readonly plan: CnpgPlan;
    /** The role model: its database and the service logins the pooler may authenticate. */
    readonly access: Pick<PostgresPlan, "roles">;
    /** The database, as ServiceSchemas outputs it (so this waits for it). */
    readonly database: pulumi.Input<string>;
    /** The auth login's password (secret), the one in the pooler's auth Secret (CnpgPooler.authPassword). */
    readonly password: pulumi.Input<string>;
}

export class CnpgPoolerAuth extends pulumi.ComponentResource {
    /** The auth login. */
    public readonly role: pulumi.Output<string>;
    /** `public.<name>(text)` in the StellaOps database. */
    public readonly lookupFunction: pulumi.Output<string>;

    constructor(name: string, args: CnpgPoolerAuthArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CNPG_POOLER_AUTH_TYPE, name, {}, opts);
        const { plan, database } = args;
        // A grant revokes what it granted when deleted: a replacement deletes the old one first.
        const replaceSafely = { parent: this, deleteBeforeReplace: true };

        const role = new postgresql.Role(
            `${name}-role`,
            { name: plan.pooler.authRole, login: true, password: pulumi.secret(args.password), connectionLimit: plan.pooler.authConnectionLimit, inherit: false },
            // A login like the others: dropping it would lock every service out of the pooler.
            { parent: this, ...keep("postgresql:index/role:Role") },
        );
        new postgresql.Grant(`${name}-connect`, { database, role: role.name, objectType: "database", privileges: ["CONNECT"] }, replaceSafely);
        new postgresql.Grant(`${name}-schema-public`, { database, role: role.name, objectType: "schema", schema: "public", privileges: ["USAGE"] }, replaceSafely);

        const services = args.access.roles.filter((r) => r.kind === "service").map((r) => r.name);
        const fn = lookupFunction(plan, services);
        // Created by the provider's user, the superuser: SECURITY DEFINER reads pg_shadow as it.
        const lookup = new postgresql.Function(
            `${name}-lookup`,
            { name: fn.name, schema: fn.schema, database, args: fn.args, returns: fn.returns, language: fn.language, volatility: fn.volatility, securityDefiner: true, body: fn.body },
            { parent: this },
        );

        this.role = role.name;
        this.lookupFunction = pulumi.interpolate`${lookup.schema}.${lookup.name}`;
        this.registerOutputs({ role: this.role, lookupFunction: this.lookupFunction });
    }
}
