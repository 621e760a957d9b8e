/**
 * PostgreSQL on RDS (aws profile): encrypted, deletion-protected, TLS forced, master password
 * managed by AWS in Secrets Manager, backups retained, reachable only from StellaOps services.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { keep } from "../stateful";
import { AwsNetworkArgs, clientSecurityGroup } from "../aws/security-group";

export const RDS_POSTGRES_TYPE = "stellaops:postgres:RdsPostgres";

/** How the instance takes a change of `version` against what runs now. */
export interface RdsUpgrade {
    /** AWS rejects a new major version unless the modification allows it. */
    readonly allowMajorVersionUpgrade: boolean;
    /**
     * A major upgrade runs in this `pulumi up`, not at the next maintenance window: the new
     * version needs the parameter group of the new family, and Pulumi deletes the old group at
     * the end of the same `up`, which RDS refuses while a pending upgrade still uses it.
     */
    readonly applyImmediately: boolean;
}

/**
 * Decides the upgrade flags from the configured major and the major running now (absent on a
 * first deploy, when there is nothing to upgrade). Throws on a downgrade, which RDS cannot do.
 */
export function rdsUpgrade(version: string, deployedMajorVersion?: string): RdsUpgrade {
    if (deployedMajorVersion === undefined || deployedMajorVersion === version) return { allowMajorVersionUpgrade: false, applyImmediately: false };
    if (Number(version) < Number(deployedMajorVersion)) {
        throw new Error(`version: ${version} is older than the deployed major version ${deployedMajorVersion}: RDS cannot downgrade; restore a snapshot into a new instance instead`);
    }
    return { allowMajorVersionUpgrade: true, applyImmediately: true };
}

export interface RdsPostgresArgs extends AwsNetworkArgs {
    /** RDS identifier (physical name). */
    readonly identifier: string;
    /** Major version, e.g. "17". */
    readonly version: string;
    readonly instanceClass: string;
    /** Allocated storage in GiB. */
    readonly storageGb: number;
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    /**
     * Major version the instance runs now (stacks/lookups/rds-version.ts); absent on a first
     * deploy. When it differs from `version`, the change is a major upgrade (see `rdsUpgrade`).
     */
    readonly deployedMajorVersion?: string;
}

export class RdsPostgres extends pulumi.ComponentResource {
    public readonly host: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    public readonly masterUsername: string = "stellaops_admin";
    /** Master password read from the AWS-managed secret (secret). */
    public readonly masterPassword: pulumi.Output<string>;
    public readonly instance: aws.rds.Instance;

    constructor(name: string, args: RdsPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super(RDS_POSTGRES_TYPE, name, {}, opts);
        const upgrade = rdsUpgrade(args.version, args.deployedMajorVersion);
        const sg = clientSecurityGroup(name, { ...args, groupName: `${args.identifier}-postgres`, description: "StellaOps PostgreSQL clients", port: 5432 }, this);
        const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { name: args.identifier, subnetIds: [...args.subnetIds] }, { parent: this });
        // The family follows the version: a major upgrade gets a new group (new name), attached
        // in the same modification, as AWS requires for a non-default parameter group.
        const params = new aws.rds.ParameterGroup(
            `${name}-params`,
            { name: `${args.identifier}-pg${args.version}`, family: `postgres${args.version}`, parameters: [{ name: "rds.force_ssl", value: "1" }] },
            { parent: this },
        );
        this.instance = new aws.rds.Instance(
            `${name}-instance`,
            {
                identifier: args.identifier,
                engine: "postgres",
                engineVersion: args.version,
                instanceClass: args.instanceClass,
                allocatedStorage: args.storageGb,
                storageType: "gp3",
                storageEncrypted: true,
                kmsKeyId: args.kmsKeyArn,
                username: this.masterUsername,
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: args.kmsKeyArn,
                dbSubnetGroupName: subnets.name,
                vpcSecurityGroupIds: [sg.id],
                parameterGroupName: params.name,
                publiclyAccessible: false,
                multiAz: args.multiAz,
                backupRetentionPeriod: args.backupRetentionDays,
                deleteAutomatedBackups: false,
                copyTagsToSnapshot: true,
                deletionProtection: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: `${args.identifier}-final`,
                autoMinorVersionUpgrade: true,
                // Left unset rather than false outside an upgrade, so existing stacks see no diff.
                allowMajorVersionUpgrade: upgrade.allowMajorVersionUpgrade || undefined,
                // Other changes wait for the maintenance window; a major upgrade cannot (see RdsUpgrade).
                applyImmediately: upgrade.applyImmediately,
            },
            { parent: this, ...keep("aws:rds/instance:Instance") },
        );
        this.host = this.instance.address;
        this.port = this.instance.port;
        const secretArn = this.instance.masterUserSecrets.apply((s) => s[0].secretArn);
        const secret = aws.secretsmanager.getSecretVersionOutput({ secretId: secretArn }, { parent: this });
        this.masterPassword = pulumi.secret(secret.secretString.apply((s) => JSON.parse(s).password as string));
        this.registerOutputs({ host: this.host, port: this.port, masterUsername: this.masterUsername, masterPassword: this.masterPassword });
    }
}
