/**
 * Platforms built the way stacks/platform.ts builds them, and a runner that records only what
 * the Valkey layer registers.
 */
import { SecretKey, StackConfig, StackSecrets, parseStackConfig } from "../../stacks/config";
import { ValkeyTlsSecrets, deployValkey } from "../../stacks/layers/valkey";
import type { DockerPlatform, KubernetesPlatform, Platform } from "../../stacks/platform";
import { TYPES, airgapPlatform as sharedAirgapPlatform, awsPlatform, devPlatform as sharedDevPlatform } from "../support/platforms";
import { RecordedResource, resetResources, resources } from "../harness";

export const T = {
    ...TYPES,
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    ecUser: "aws:elasticache/user:User",
    ecUserGroup: "aws:elasticache/userGroup:UserGroup",
    ecParams: "aws:elasticache/parameterGroup:ParameterGroup",
    ecSubnets: "aws:elasticache/subnetGroup:SubnetGroup",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    acl: "pulumi-nodejs:dynamic/valkey:AclUsers",
};

/** What RandomPassword `name` resolves to under the mocks (tools/offline/mock-state.ts). */
export const mockPassword = (resourceName: string) => `mock-secret-${resourceName}`;

/** Valkey tests publish on a port of their own so a dev default never collides. */
export const devPlatform = (): DockerPlatform => sharedDevPlatform({ valkey: 16379 });
export const airgapPlatform = (): KubernetesPlatform => sharedAirgapPlatform("fast");
export { awsPlatform };


/** Stack config for a profile with a `stellaops:valkey` section. */
export function config(profile: StackConfig["profile"], valkey: object = {}, extra: object = {}): StackConfig {
    const base: Record<string, unknown> = { profile, valkey, ...extra };
    if (profile === "airgap") {
        const digest = (repo: string) => `registry.internal:5000/${repo}@sha256:${"a".repeat(64)}`;
        base.kubernetes = { mirrorRegistry: "registry.internal:5000" };
        base.images = { postgres: digest("postgres"), valkey: digest("valkey/valkey"), rustfs: digest("rustfs/rustfs"), nats: digest("nats") };
    }
    if (profile === "aws") base.aws = { region: "eu-west-1", vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], allowedSecurityGroupIds: ["sg-0123456789abcdef0"] };
    if (profile === "external") {
        base.postgres = { host: "pg.internal" };
        base.objectStore = { endpoint: "https://s3.internal:9000" };
        base.valkey = { host: "valkey.internal", ...valkey };
    }
    const secrets = new Set<SecretKey>(profile === "external" ? ["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"] : []);
    // Config validation requires the TLS secrets to be set; the layer tests then decide whether to pass them.
    if ((valkey as { tls?: boolean }).tls) secrets.add("valkeyTlsCert").add("valkeyTlsKey");
    return parseStackConfig(base, secrets);
}

/** Runs the layer with the platform's own resources left out of the recording. */
export async function run(cfg: StackConfig, platform: Platform, secrets: StackSecrets & ValkeyTlsSecrets = {}) {
    await resources();
    resetResources();
    const layer = deployValkey(cfg, secrets, platform);
    return { layer, all: await resources() };
}

/** Runs the layer expecting an error; returns it with whatever was registered meanwhile. */
export async function runFailing(cfg: StackConfig, platform: Platform, secrets: StackSecrets = {}): Promise<{ error: Error; all: readonly RecordedResource[] }> {
    await resources();
    resetResources();
    try {
        deployValkey(cfg, secrets, platform);
    } catch (error) {
        return { error: error as Error, all: await resources() };
    }
    throw new Error("expected deployValkey to throw");
}
