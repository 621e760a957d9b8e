/**
 * RustFS (or another server with the MinIO-compatible admin API): one user per service with a
 * canned policy limited to its buckets and prefixes, through @pulumi/minio. The provider (server
 * address and root credentials) is built in stacks/ and arrives through `opts`.
 */
import * as minio from "@pulumi/minio";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ServiceName } from "../catalog";
import type { ServiceAccess } from "./plan";
import { servicePolicy } from "./access-policy";
import type { ServiceCredentials } from "./settings";

export const RUSTFS_USERS_TYPE = "stellaops:objectstore:RustfsServiceUsers";

/** MinIO-compatible servers cap access keys at 20 characters. */
export const MAX_ACCESS_KEY_LENGTH = 20;

export interface RustfsServiceUsersArgs {
    /** Services and their grants, from the plan. */
    readonly services: readonly ServiceAccess[];
    /** Prefix of the policy names (`<prefix>-<service>`); user names are the service names. */
    readonly policyPrefix: string;
}

export class RustfsServiceUsers extends pulumi.ComponentResource {
    /** Credentials per service; the access key is the user name. */
    public readonly credentials: Partial<Record<ServiceName, ServiceCredentials>>;

    constructor(name: string, args: RustfsServiceUsersArgs, opts?: pulumi.ComponentResourceOptions) {
        super(RUSTFS_USERS_TYPE, name, {}, opts);
        const credentials: Partial<Record<ServiceName, ServiceCredentials>> = {};
        for (const access of args.services) {
            if (access.service.length < 3 || access.service.length > MAX_ACCESS_KEY_LENGTH) {
                throw new Error(`catalog ${access.service}.name: expected 3 to ${MAX_ACCESS_KEY_LENGTH} characters to serve as an access key`);
            }
            const child = `${name}-${access.service}`;
            const secret = new random.RandomPassword(`${child}-secret`, { length: 40, special: false }, { parent: this });
            const user = new minio.IamUser(`${child}-user`, { name: access.service, secret: secret.result }, { parent: this });
            const policy = new minio.IamPolicy(`${child}-policy`, { name: `${args.policyPrefix}-${access.service}`, policy: JSON.stringify(servicePolicy(access)) }, { parent: this });
            new minio.IamUserPolicyAttachment(`${child}-attach`, { userName: user.name, policyName: policy.name }, { parent: this });
            credentials[access.service] = { accessKeyId: user.name, secretAccessKey: pulumi.secret(secret.result) };
        }
        this.credentials = credentials;
        this.registerOutputs({ credentials });
    }
}
