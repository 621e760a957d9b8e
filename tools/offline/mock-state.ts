/**
 * What the mocked engine returns for a resource: its inputs plus the few computed outputs the
 * program reads (passwords, endpoints, ARNs). Values are deterministic so plans diff cleanly.
 */
import type { MockCallArgs, MockResourceArgs } from "@pulumi/pulumi/runtime";

type State = Record<string, unknown>;
type Computed = (args: MockResourceArgs) => State;

const mockSecret = (name: string) => `mock-secret-${name}`;

const COMPUTED: Record<string, Computed> = {
    "random:index/randomPassword:RandomPassword": (a) => ({ result: mockSecret(a.name), bcryptHash: `$2a$10$mockbcrypt${a.name}` }),
    "random:index/randomString:RandomString": (a) => ({ result: `mock${a.name.replace(/[^a-z0-9]/gi, "").toLowerCase()}`.slice(0, a.inputs.length ?? 16) }),
    "aws:rds/instance:Instance": (a) => ({
        address: `${a.inputs.identifier ?? a.name}.mock.eu-west-1.rds.amazonaws.com`,
        endpoint: `${a.inputs.identifier ?? a.name}.mock.eu-west-1.rds.amazonaws.com:5432`,
        port: a.inputs.port ?? 5432,
        arn: `arn:aws:rds:eu-west-1:123456789012:db:${a.inputs.identifier ?? a.name}`,
        masterUserSecrets: [{ secretArn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!${a.name}`, secretStatus: "active", kmsKeyId: "" }],
    }),
    "aws:elasticache/replicationGroup:ReplicationGroup": (a) => ({
        primaryEndpointAddress: `master.${a.inputs.replicationGroupId ?? a.name}.mock.euw1.cache.amazonaws.com`,
        readerEndpointAddress: `replica.${a.inputs.replicationGroupId ?? a.name}.mock.euw1.cache.amazonaws.com`,
        arn: `arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:${a.name}`,
    }),
    "aws:s3/bucket:Bucket": (a) => ({ bucket: a.inputs.bucket ?? a.name, arn: `arn:aws:s3:::${a.inputs.bucket ?? a.name}` }),
    "aws:s3/bucketV2:BucketV2": (a) => ({ bucket: a.inputs.bucket ?? a.name, arn: `arn:aws:s3:::${a.inputs.bucket ?? a.name}` }),
    "aws:iam/user:User": (a) => ({ arn: `arn:aws:iam::123456789012:user/${a.inputs.name ?? a.name}` }),
    "aws:iam/role:Role": (a) => ({ arn: `arn:aws:iam::123456789012:role/${a.inputs.name ?? a.name}` }),
    "aws:iam/policy:Policy": (a) => ({ arn: `arn:aws:iam::123456789012:policy/${a.inputs.name ?? a.name}` }),
    "aws:iam/accessKey:AccessKey": (a) => ({ id: `AKIAMOCK${a.name.length}`, secret: mockSecret(a.name) }),
    "aws:ec2/securityGroup:SecurityGroup": (a) => ({ arn: `arn:aws:ec2:eu-west-1:123456789012:security-group/sg-${a.name}` }),
    "aws:kms/key:Key": (a) => ({ arn: `arn:aws:kms:eu-west-1:123456789012:key/${a.name}` }),
    "docker:index/container:Container": (a) => ({ name: a.inputs.name ?? a.name }),
    "docker:index/network:Network": (a) => ({ name: a.inputs.name ?? a.name }),
    "docker:index/volume:Volume": (a) => ({ name: a.inputs.name ?? a.name }),
};

/**
 * The Kubernetes provider names an object without `metadata.name` `<resource name>-<8 chars>`
 * (components/kubernetes/mounted-files.ts relies on it); mocked with a fixed suffix so plans
 * show the reference and stay stable.
 */
function k8sAutoName(args: MockResourceArgs): State {
    const metadata = args.inputs.metadata as Record<string, unknown> | undefined;
    if (!args.type.startsWith("kubernetes:") || !metadata || metadata.name !== undefined) return {};
    return { metadata: { ...metadata, name: `${args.name}-auto0000` } };
}

export function mockResourceState(args: MockResourceArgs): { id: string; state: State } {
    const computed = { ...k8sAutoName(args), ...(COMPUTED[args.type]?.(args) ?? {}) };
    const id = (computed.id as string | undefined) ?? `${args.name}-id`;
    return { id, state: { ...args.inputs, ...computed } };
}

/** Invokes (data sources) the program may call; anything else is a bug in the program or here. */
const CALLS: Record<string, (args: MockCallArgs) => Record<string, unknown>> = {
    "aws:index/getRegion:getRegion": () => ({ name: "eu-west-1", region: "eu-west-1" }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/mock", userId: "mock" }),
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
    "aws:secretsmanager/getSecretVersion:getSecretVersion": () => ({ secretString: JSON.stringify({ username: "stellaops_admin", password: "mock-secret-rds-master" }) }),
    "aws:iam/getPolicyDocument:getPolicyDocument": (a) => ({ json: JSON.stringify({ Version: "2012-10-17", Statement: a.inputs.statements ?? [] }) }),
    // stacks/lookups/rds-version.ts: offline there is no deployed instance (a first deploy), so
    // plans stay as they are. The SDK reads a failed invoke's message from `details`, as over gRPC.
    "aws:rds/getInstance:getInstance": (a) => {
        const message = `DBInstanceNotFound: DBInstance ${String(a.inputs.dbInstanceIdentifier)} not found.`;
        throw Object.assign(new Error(message), { details: message });
    },
};

export function mockCall(args: MockCallArgs): Record<string, unknown> {
    const call = CALLS[args.token];
    if (!call) throw new Error(`unmocked call ${args.token}: add it to tools/offline/mock-state.ts`);
    return call(args);
}
