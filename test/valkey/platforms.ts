/**
 * Platforms built the way stacks/platform.ts builds them, and a runner that records only what
 * the Valkey layer registers.
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SecretKey, StackConfig, StackSecrets, parseStackConfig } from "../../stacks/config";
import { ValkeyTlsSecrets, deployValkey } from "../../stacks/layers/valkey";
import type { AwsPlatform, DockerPlatform, KubernetesPlatform, Platform } from "../../stacks/platform";
import { RecordedResource, resetResources, resources } from "../harness";

export const T = {
    password: "random:index/randomPassword:RandomPassword",
    container: "docker:index/container:Container",
    volume: "docker:index/volume:Volume",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
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

export function devPlatform(ports = { postgres: 5432, valkey: 16379, rustfs: 8080, nats: 4222 }): DockerPlatform {
    const provider = new docker.Provider("docker", {});
    const network = new docker.Network("docker-network", { name: "stellaops-deps" }, { provider });
    return { kind: "dev", provider, network, bindAddress: "127.0.0.1", ports, namePrefix: "stellaops" };
}

export function airgapPlatform(): KubernetesPlatform {
    const provider = new k8s.Provider("k8s", {});
    const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };
    return { kind: "airgap", provider, namespace: pulumi.output("stellaops-deps"), storageClass: "fast", clients, servicesNamespace: "stellaops" };
}

export function awsPlatform(namePrefix = "stellaops"): AwsPlatform {
    const provider = new aws.Provider("aws", { region: "eu-west-1" });
    return {
        kind: "aws",
        provider,
        region: "eu-west-1",
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        allowedCidrs: [],
        allowedSecurityGroupIds: ["sg-0123456789abcdef0"],
        namePrefix,
    };
}

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
