/**
 * The platform a profile deploys onto, built once from config: providers and shared
 * infrastructure (Docker network, Kubernetes namespace, AWS network facts). Layers receive it
 * and pass providers to components through resource options.
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AwsNetworkArgs } from "../components/aws/security-group";
import type { StackConfig } from "./config";

export interface DockerPlatform {
    readonly kind: "dev";
    readonly provider: docker.Provider;
    readonly network: docker.Network;
    readonly bindAddress: string;
    readonly ports: StackConfig["docker"]["ports"];
    readonly namePrefix: string;
}

export interface KubernetesPlatform {
    readonly kind: "airgap";
    readonly provider: k8s.Provider;
    readonly namespace: pulumi.Output<string>;
    readonly storageClass?: string;
    /** Pods allowed through the dependencies' NetworkPolicies. */
    readonly clients: { readonly podLabel: { readonly key: string; readonly value: string }; readonly namespaces: readonly string[] };
    /** Where per-service connection Secrets are written (the services' namespace). */
    readonly servicesNamespace: string;
}

export interface AwsPlatform {
    readonly kind: "aws";
    readonly provider: aws.Provider;
    readonly region: string;
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    readonly allowedCidrs: readonly string[];
    readonly allowedSecurityGroupIds: readonly string[];
    readonly kmsKeyArn?: string;
    readonly namePrefix: string;
}

export interface ExternalPlatform {
    readonly kind: "external";
}

/** The network part of the aws platform, as the AWS components take it. */
export function awsNetwork(p: AwsPlatform): AwsNetworkArgs {
    return { vpcId: p.vpcId, subnetIds: p.subnetIds, allowedCidrs: p.allowedCidrs, allowedSecurityGroupIds: p.allowedSecurityGroupIds, kmsKeyArn: p.kmsKeyArn };
}

export type Platform = DockerPlatform | KubernetesPlatform | AwsPlatform | ExternalPlatform;

export function createPlatform(cfg: StackConfig): Platform {
    switch (cfg.profile) {
        case "dev": {
            const provider = new docker.Provider("docker", cfg.docker.host ? { host: cfg.docker.host } : {});
            const network = new docker.Network("docker-network", { name: `${cfg.docker.namePrefix}-deps`, driver: "bridge", internal: false }, { provider });
            return { kind: "dev", provider, network, bindAddress: cfg.docker.bindAddress, ports: cfg.docker.ports, namePrefix: cfg.docker.namePrefix };
        }
        case "airgap": {
            const provider = new k8s.Provider("k8s", { context: cfg.kubernetes.context, enableServerSideApply: true });
            const ns = new k8s.core.v1.Namespace(
                "k8s-namespace",
                { metadata: { name: cfg.kubernetes.namespace, labels: { "app.kubernetes.io/part-of": "stellaops", "pod-security.kubernetes.io/enforce": "restricted" } } },
                { provider, protect: true, retainOnDelete: true },
            );
            return {
                kind: "airgap",
                provider,
                namespace: ns.metadata.name,
                storageClass: cfg.kubernetes.storageClass,
                clients: { podLabel: cfg.kubernetes.clientPodLabel, namespaces: [cfg.kubernetes.servicesNamespace] },
                servicesNamespace: cfg.kubernetes.servicesNamespace,
            };
        }
        case "aws": {
            const a = cfg.aws;
            const provider = new aws.Provider("aws", { region: a.region as aws.Region, defaultTags: { tags: { "stellaops:component": "deps" } } });
            return {
                kind: "aws",
                provider,
                region: a.region!,
                vpcId: a.vpcId!,
                subnetIds: a.subnetIds,
                allowedCidrs: a.allowedCidrs,
                allowedSecurityGroupIds: a.allowedSecurityGroupIds,
                kmsKeyArn: a.kmsKeyArn,
                namePrefix: a.namePrefix,
            };
        }
        case "external":
            return { kind: "external" };
    }
}
