/**
 * aws: one IAM user per service with an inline policy limited to its buckets and prefixes, and
 * an access key whose secret stays a secret Output. Rotation uses the two keys an IAM user may
 * hold: slot a (even generations, the key stacks had before rotation existed) and slot b (odd
 * generations, from the first rotation on). The outputs carry the current slot's key; the other
 * slot's key keeps working until the next rotation replaces it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceName } from "../catalog";
import { slotName } from "../credentials";
import { generationOf, RotationPlan, Slot, slots } from "../rotation";
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
    /** Key generations per service (components/rotation.ts). @default no rotation */
    readonly rotation?: RotationPlan;
}

export type { ServiceCredentials };

export class AwsServiceIdentities extends pulumi.ComponentResource {
    /** Credentials per service: the current key. */
    public readonly credentials: Partial<Record<ServiceName, ServiceCredentials>>;
    /** Per rotated service, the previous key: valid until the next rotation deletes it. */
    public readonly previousCredentials: Partial<Record<ServiceName, ServiceCredentials>>;

    constructor(name: string, args: AwsServiceIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super(AWS_IDENTITIES_TYPE, name, {}, opts);
        const credentials: Partial<Record<ServiceName, ServiceCredentials>> = {};
        const previous: Partial<Record<ServiceName, ServiceCredentials>> = {};
        for (const access of args.services) {
            const child = `${name}-${access.service}`;
            const user = new aws.iam.User(
                `${child}-user`,
                { name: `${args.namePrefix}-objectstore-${access.service}`, path: "/stellaops/", tags: { "stellaops:service": access.service } },
                { parent: this },
            );
            new aws.iam.UserPolicy(`${child}-policy`, { user: user.name, name: "objectstore", policy: JSON.stringify(servicePolicy(access, args.partition)) }, { parent: this });
            const s = slots(generationOf(args.rotation, access.service));
            // A slot's key is replaced when its generation moves on (the trigger), old key first:
            // the user already holds the other slot's key and IAM refuses a third.
            const key = (slot: Slot, generation: number): ServiceCredentials => {
                const k = new aws.iam.AccessKey(slotName(`${child}-key`, slot), { user: user.name }, { parent: this, deleteBeforeReplace: true, replacementTrigger: String(generation) });
                return { accessKeyId: k.id, secretAccessKey: pulumi.secret(k.secret) };
            };
            const keys: Partial<Record<Slot, ServiceCredentials>> = { a: key("a", s.a), ...(s.b !== undefined && { b: key("b", s.b) }) };
            credentials[access.service] = keys[s.current];
            const other = keys[s.current === "a" ? "b" : "a"];
            if (other) previous[access.service] = other;
        }
        this.credentials = credentials;
        this.previousCredentials = previous;
        this.registerOutputs({ credentials, previousCredentials: previous });
    }
}
