/**
 * RustFS (or another server with the MinIO-compatible admin API): one user per service with a
 * canned policy limited to its buckets and prefixes, through @pulumi/minio. The provider (server
 * address and root credentials) is built in stacks/ and arrives through `opts`.
 *
 * A user has exactly one secret key, so rotation keeps two users per service: slot a (named
 * after the service, the user stacks had before rotation existed) and slot b (`<service>-b`,
 * from the first rotation on), both with the service's policy. The outputs carry the current
 * slot's access key and secret; the other slot's stay valid until the next rotation gives that
 * user a new secret (in place: the user, its policy and its objects are never replaced).
 */
import * as minio from "@pulumi/minio";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceName } from "../catalog";
import { generatedPassword, slotName } from "../credentials";
import { generationOf, RotationPlan, Slot, slots } from "../rotation";
import type { ServiceAccess } from "./plan";
import { servicePolicy } from "./access-policy";
import type { ServiceCredentials } from "./settings";

export const RUSTFS_USERS_TYPE = "stellaops:objectstore:RustfsServiceUsers";

/** MinIO-compatible servers cap access keys at 20 characters. */
export const MAX_ACCESS_KEY_LENGTH = 20;

/** Access key (user name) of a service's slot. */
export const slotUser = (service: string, slot: Slot): string => (slot === "a" ? service : `${service}-b`);

export interface RustfsServiceUsersArgs {
    /** Services and their grants, from the plan. */
    readonly services: readonly ServiceAccess[];
    /** Prefix of the policy names (`<prefix>-<service>`); user names are the service names. */
    readonly policyPrefix: string;
    /** Secret generations per service (components/rotation.ts). @default no rotation */
    readonly rotation?: RotationPlan;
}

export class RustfsServiceUsers extends pulumi.ComponentResource {
    /** Credentials per service: the current slot's; the access key is the user name. */
    public readonly credentials: Partial<Record<ServiceName, ServiceCredentials>>;
    /** Per rotated service, the other slot's credentials: valid until the next rotation. */
    public readonly previousCredentials: Partial<Record<ServiceName, ServiceCredentials>>;

    constructor(name: string, args: RustfsServiceUsersArgs, opts?: pulumi.ComponentResourceOptions) {
        super(RUSTFS_USERS_TYPE, name, {}, opts);
        const credentials: Partial<Record<ServiceName, ServiceCredentials>> = {};
        const previous: Partial<Record<ServiceName, ServiceCredentials>> = {};
        for (const access of args.services) {
            const s = slots(generationOf(args.rotation, access.service));
            const longest = slotUser(access.service, s.b === undefined ? "a" : "b");
            if (access.service.length < 3 || longest.length > MAX_ACCESS_KEY_LENGTH) {
                throw new Error(`catalog ${access.service}.name: expected 3 to ${MAX_ACCESS_KEY_LENGTH} characters to serve as an access key (${JSON.stringify(longest)} after a rotation)`);
            }
            const child = `${name}-${access.service}`;
            const policy = new minio.IamPolicy(`${child}-policy`, { name: `${args.policyPrefix}-${access.service}`, policy: JSON.stringify(servicePolicy(access)) }, { parent: this });
            const user = (slot: Slot, generation: number): ServiceCredentials => {
                // A new generation replaces only the RandomPassword; the user takes the secret in place.
                const secret = generatedPassword(slotName(`${child}-secret`, slot), { parent: this }, 40, generation);
                const u = new minio.IamUser(slotName(`${child}-user`, slot), { name: slotUser(access.service, slot), secret }, { parent: this });
                new minio.IamUserPolicyAttachment(slotName(`${child}-attach`, slot), { userName: u.name, policyName: policy.name }, { parent: this });
                return { accessKeyId: u.name, secretAccessKey: secret };
            };
            const users: Partial<Record<Slot, ServiceCredentials>> = { a: user("a", s.a), ...(s.b !== undefined && { b: user("b", s.b) }) };
            credentials[access.service] = users[s.current];
            const other = users[s.current === "a" ? "b" : "a"];
            if (other) previous[access.service] = other;
        }
        this.credentials = credentials;
        this.previousCredentials = previous;
        this.registerOutputs({ credentials, previousCredentials: previous });
    }
}
