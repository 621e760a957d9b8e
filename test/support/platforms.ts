/**
 * Platforms built the way stacks/platform.ts builds them, for layer tests that run one layer
 * under mocks without a whole stack, and the resource type tokens those tests look for.
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AwsPlatform, DockerPlatform, KubernetesPlatform } from "../../stacks/platform";

export const TYPES = {
    password: "random:index/randomPassword:RandomPassword",
    container: "docker:index/container:Container",
    volume: "docker:index/volume:Volume",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    service: "kubernetes:core/v1:Service",
} as const;

export function devPlatform(ports: Partial<DockerPlatform["ports"]> = {}): DockerPlatform {
    const provider = new docker.Provider("docker", {});
    const network = new docker.Network("docker-network", { name: "stellaops-deps" }, { provider });
    return { kind: "dev", provider, network, bindAddress: "127.0.0.1", ports: { postgres: 5432, valkey: 6379, rustfs: 8080, nats: 4222, ...ports }, namePrefix: "stellaops" };
}

export function airgapPlatform(storageClass?: string): KubernetesPlatform {
    const provider = new k8s.Provider("k8s", {});
    const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };
    return { kind: "airgap", provider, namespace: pulumi.output("stellaops-deps"), storageClass, clients, servicesNamespace: "stellaops" };
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
