/**
 * The PostgreSQL backup login through the Pulumi PostgreSQL provider (built in stacks/, passed in
 * through `opts`): what `backup/backup-role.sql` does for psql. It reads every table
 * (pg_read_all_data, or every read-only role under a managed admin), sees every tenant's rows
 * (BYPASSRLS where the admin can give it) and may only CONNECT to the database.
 */
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { keep } from "../stateful";
import { generatedPassword } from "../credentials";
import type { BackupPlan } from "./plan";

export const BACKUP_ROLE_TYPE = "stellaops:backup:BackupRole";

export interface BackupRoleArgs {
    readonly plan: BackupPlan;
    /** The database resource's name, so the grant waits for it. @default plan.database */
    readonly database?: pulumi.Input<string>;
    /** The roles it joins as Outputs of their Role resources (ServiceSchemas.roleNames), so it waits for them. @default the plan's names */
    readonly roleNames?: Readonly<Record<string, pulumi.Input<string>>>;
}

export class BackupRole extends pulumi.ComponentResource {
    public readonly roleName: pulumi.Output<string>;
    /** Generated password (secret). */
    public readonly password: pulumi.Output<string>;

    constructor(name: string, args: BackupRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super(BACKUP_ROLE_TYPE, name, {}, opts);
        const r = args.plan.role;
        this.password = generatedPassword(`${name}-password`, { parent: this });
        const role = new postgresql.Role(
            `${name}-role`,
            {
                name: r.name,
                login: true,
                password: this.password,
                inherit: true,
                bypassRowLevelSecurity: r.bypassRls,
                connectionLimit: r.connectionLimit,
                // A dump runs as long as the database is big.
                statementTimeout: 0,
                roles: r.memberOf.map((n) => args.roleNames?.[n] ?? n),
            },
            // A login role like the services': kept, so a refactor cannot drop it mid-backup.
            { parent: this, ...keep("postgresql:index/role:Role") },
        );
        new postgresql.Grant(
            `${name}-connect`,
            { database: args.database ?? args.plan.database, role: role.name, objectType: "database", privileges: ["CONNECT"] },
            { parent: this, deleteBeforeReplace: true },
        );
        this.roleName = role.name;
        this.registerOutputs({ roleName: this.roleName, password: this.password });
    }
}
