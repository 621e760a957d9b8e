/**
 * A security group admitting one TCP port from the StellaOps services only (given CIDRs
 * and/or security groups); shared by RDS and ElastiCache.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where a managed service lives and who may reach it (shared by RDS and ElastiCache). */
export interface AwsNetworkArgs {
    readonly vpcId: string;
    /** Private subnets for the subnet group. */
    readonly subnetIds: readonly string[];
    /** CIDR blocks of the StellaOps services. */
    readonly allowedCidrs: readonly string[];
    /** Security groups of the StellaOps services. */
    readonly allowedSecurityGroupIds: readonly string[];
    /** Customer-managed KMS key for encryption at rest; AWS-managed when unset. */
    readonly kmsKeyArn?: string;
}

export interface ClientSecurityGroupArgs extends Pick<AwsNetworkArgs, "vpcId" | "allowedCidrs" | "allowedSecurityGroupIds"> {
    /** Physical name of the group. */
    readonly groupName: string;
    readonly description: string;
    readonly port: number;
}

/** Creates the group as a child of `parent`, named `${parentName}-sg`. */
export function clientSecurityGroup(parentName: string, args: ClientSecurityGroupArgs, parent: pulumi.Resource): aws.ec2.SecurityGroup {
    return new aws.ec2.SecurityGroup(
        `${parentName}-sg`,
        {
            name: args.groupName,
            description: args.description,
            vpcId: args.vpcId,
            ingress: [
                {
                    description: "StellaOps services",
                    protocol: "tcp",
                    fromPort: args.port,
                    toPort: args.port,
                    cidrBlocks: [...args.allowedCidrs],
                    securityGroups: [...args.allowedSecurityGroupIds],
                },
            ],
            // No egress: managed databases and caches never initiate connections.
            egress: [],
        },
        { parent },
    );
}
