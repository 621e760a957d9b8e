import { z } from "zod";
import { SERVICE_NAMES } from "../../components/catalog";
import { bool, cidr, image, int, oneOf } from "./rules";

/** `stellaops:images`: one pinned reference per server image (dev and airgap). */
export const imagesSection = z.strictObject({
    postgres: image.default("postgres:17.6-bookworm"),
    valkey: image.default("valkey/valkey:8.1.4-bookworm"),
    rustfs: image.default("rustfs/rustfs:1.0.0-alpha.69"),
    nats: image.default("nats:2.11.9-alpine"),
});

/** `stellaops:docker`: the dev profile's Docker engine. */
export const dockerSection = z.strictObject({
    /** Docker host; unset means the local engine (DOCKER_HOST or the default socket). */
    host: z.string().regex(/^(unix|tcp|ssh|npipe):\/\//, { error: "expected a Docker host URL (unix://, tcp://, ssh://)" }).optional(),
    /** Address published ports bind to; loopback unless you mean otherwise. */
    bindAddress: z.ipv4({ error: "expected an IPv4 address" }).default("127.0.0.1"),
    /** Host ports for each server. */
    ports: z
        .strictObject({
            postgres: int(1, 65535).default(5432),
            valkey: int(1, 65535).default(6379),
            rustfs: int(1, 65535).default(8080),
            nats: int(1, 65535).default(4222),
        })
        .default({ postgres: 5432, valkey: 6379, rustfs: 8080, nats: 4222 }),
    /** Name prefix of the containers, volumes and network. */
    namePrefix: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, { error: "expected a lowercase name prefix" }).default("stellaops"),
});

/** `stellaops:kubernetes`: the airgap profile's cluster. */
export const kubernetesSection = z.strictObject({
    /** Namespace the stack creates for the dependencies. */
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "expected a DNS-1123 label" }).default("stellaops-deps"),
    /** Mirror registry host every image must come from, e.g. registry.internal:5000. */
    mirrorRegistry: z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/, { error: "expected a registry host[:port] without scheme" }).optional(),
    /** StorageClass for the PVCs; unset uses the cluster default. */
    storageClass: z.string().optional(),
    /** kubeconfig context; unset uses the current one. */
    context: z.string().optional(),
    /** Label selecting StellaOps pods that may reach the dependencies (NetworkPolicy). */
    clientPodLabel: z.strictObject({ key: z.string(), value: z.string() }).default({ key: "app.kubernetes.io/part-of", value: "stellaops" }),
    /** Namespace the StellaOps services run in: their connection Secrets go there, and only its labelled pods may connect. */
    servicesNamespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "expected a DNS-1123 label" }).default("stellaops"),
});

/** `stellaops:aws`: the aws profile's account, network and reach. */
export const awsSection = z.strictObject({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "expected an AWS region such as eu-west-1" }).optional(),
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: "expected a VPC id (vpc-...)" }).optional(),
    /** Private subnets (at least two, in different AZs) for RDS and ElastiCache. */
    subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: "expected a subnet id (subnet-...)" })).default([]),
    /** Who may connect: CIDR blocks and/or security groups of the StellaOps services. */
    allowedCidrs: z.array(cidr).default([]),
    allowedSecurityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: "expected a security group id (sg-...)" })).default([]),
    /** Optional customer-managed KMS key for RDS, ElastiCache and S3. */
    kmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:/, { error: "expected a KMS key ARN" }).optional(),
    /** Name prefix for every AWS resource. */
    namePrefix: z.string().regex(/^[a-z][a-z0-9-]{0,20}$/, { error: "expected a lowercase name prefix" }).default("stellaops"),
});

export const profileSection = oneOf(["dev", "airgap", "aws", "external"] as const);
export const serviceName = oneOf(SERVICE_NAMES);
export { bool };
