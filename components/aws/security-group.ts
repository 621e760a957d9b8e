/**
 * A security group admitting one TCP port from the StellaOps services only (given CIDRs
 * and/or security groups); shared by RDS and ElastiCache.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ClientSecurityGroupArgs {
    /** Physical name of the group. */
    readonly groupName: string;
    readonly description: string;
    readonly vpcId: string;
    readonly port: number;
    readonly allowedCidrs: readonly string[];
    readonly allowedSecurityGroupIds: readonly string[];
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
