/**
 * PostgreSQL on RDS (aws profile): encrypted, deletion-protected, TLS forced, master password
 * managed by AWS in Secrets Manager, backups retained, reachable only from StellaOps services.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsNetworkArgs, clientSecurityGroup } from "../aws/security-group";

export const RDS_POSTGRES_TYPE = "stellaops:postgres:RdsPostgres";

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
        const sg = clientSecurityGroup(name, { ...args, groupName: `${args.identifier}-postgres`, description: "StellaOps PostgreSQL clients", port: 5432 }, this);
        const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { name: args.identifier, subnetIds: [...args.subnetIds] }, { parent: this });
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
                applyImmediately: false,
            },
            { parent: this, protect: true, retainOnDelete: true },
        );
        this.host = this.instance.address;
        this.port = this.instance.port;
        const secretArn = this.instance.masterUserSecrets.apply((s) => s[0].secretArn);
        const secret = aws.secretsmanager.getSecretVersionOutput({ secretId: secretArn }, { parent: this });
        this.masterPassword = pulumi.secret(secret.secretString.apply((s) => JSON.parse(s).password as string));
        this.registerOutputs({ host: this.host, port: this.port, masterUsername: this.masterUsername, masterPassword: this.masterPassword });
    }
}
