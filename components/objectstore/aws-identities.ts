/**
 * aws: one IAM user per service with an inline policy limited to its buckets and prefixes, and
 * an access key whose secret stays a secret Output.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceName } from "../catalog";
import type { ServiceAccess } from "./plan";
import { servicePolicy } from "./access-policy";
import type { ServiceCredentials } from "./settings";

export const AWS_IDENTITIES_TYPE = "stellaops:objectstore:AwsServiceIdentities";

export interface AwsServiceIdentitiesArgs {
    /** Services and their grants, from the plan. */
    readonly services: readonly ServiceAccess[];
    /** Prefix of the IAM user names (`<prefix>-objectstore-<service>`). */
    readonly namePrefix: string;
    /**
     * ARN partition of the policies' resources (`aws-cn`, `aws-us-gov` in those regions).
     * @default "aws"
     */
    readonly partition?: string;
}

export type { ServiceCredentials };

export class AwsServiceIdentities extends pulumi.ComponentResource {
    /** Credentials per service. */
    public readonly credentials: Partial<Record<ServiceName, ServiceCredentials>>;

    constructor(name: string, args: AwsServiceIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super(AWS_IDENTITIES_TYPE, name, {}, opts);
        const credentials: Partial<Record<ServiceName, ServiceCredentials>> = {};
        for (const access of args.services) {
            const child = `${name}-${access.service}`;
            const user = new aws.iam.User(
                `${child}-user`,
                { name: `${args.namePrefix}-objectstore-${access.service}`, path: "/stellaops/", tags: { "stellaops:service": access.service } },
                { parent: this },
            );
            new aws.iam.UserPolicy(`${child}-policy`, { user: user.name, name: "objectstore", policy: JSON.stringify(servicePolicy(access, args.partition)) }, { parent: this });
            const key = new aws.iam.AccessKey(`${child}-key`, { user: user.name }, { parent: this });
            credentials[access.service] = { accessKeyId: key.id, secretAccessKey: pulumi.secret(key.secret) };
        }
        this.credentials = credentials;
        this.registerOutputs({ credentials });
    }
}
