/**
 * `stellaops:images`, `stellaops:docker`, `stellaops:kubernetes`, `stellaops:aws`: where each
 * profile's servers run. Rules that span sections (mirror and digests, port clashes, a
 * non-loopback bind) are in ./profile-rules.ts.
 */
import { z } from "zod";
import { bool, cidr, image, int, oneOf } from "./rules";

const dnsLabel = z.string({ error: "expected a DNS-1123 label" }).regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "expected a DNS-1123 label" });
const hostPort = int(1, 65535);

export const imagesFields = {
    postgres: image.default("postgres:17.6-bookworm").describe("PostgreSQL image"),
    valkey: image.default("valkey/valkey:8.1.4-bookworm").describe("Valkey image"),
    rustfs: image.default("rustfs/rustfs:1.0.0-alpha.69").describe("RustFS image"),
    nats: image.default("nats:2.11.9-alpine").describe("NATS image (used only when NATS is enabled)"),
    mc: image.default("minio/mc:RELEASE.2025-03-12T17-29-24Z").describe("airgap `bootstrap: job`: the MinIO client the object-storage bootstrap Job runs (mc and a POSIX shell)"),
    pgbouncer: image.optional().describe("airgap `ha`: CloudNativePG's PgBouncer image from the mirror"),
    backup: image.default("curlimages/curl:8.17.0").describe("upload step of the PostgreSQL backups: a POSIX shell and curl >= 7.76 (dev, airgap; external: the rendered CronJob)"),
};

export const dockerFields = {
    host: z.string({ error: "expected a Docker host URL" }).regex(/^(unix|tcp|ssh|npipe):\/\//, { error: "expected a Docker host URL (unix://, tcp://, ssh://)" }).optional().describe("Docker engine; default the local one (DOCKER_HOST or the default socket)"),
    bindAddress: z.ipv4({ error: "expected an IPv4 address" }).default("127.0.0.1").describe("address published ports bind to; anything but loopback needs `exposeOnNetwork: true`"),
    exposeOnNetwork: bool.default(false).describe("acknowledges that a non-loopback `bindAddress` publishes the servers to that network"),
    ports: z
        .strictObject({ postgres: hostPort.default(5432), valkey: hostPort.default(6379), rustfs: hostPort.default(8080), nats: hostPort.default(4222) })
        .prefault({})
        .describe("host port per server: `postgres`, `valkey` (split: the cache instance takes the next port), `rustfs`, `nats`"),
    namePrefix: z.string({ error: "expected a name prefix" }).regex(/^[a-z][a-z0-9-]{0,30}$/, { error: "expected a lowercase name prefix" }).default("stellaops").describe("prefix of the containers, volumes and network"),
};

export const kubernetesFields = {
    namespace: dnsLabel.default("stellaops-deps").describe("namespace the stack creates for the dependencies (Pod Security restricted)"),
    servicesNamespace: dnsLabel.default("stellaops").describe("namespace the StellaOps services run in: their connection Secrets go there, and only its labelled pods may connect"),
    createServicesNamespace: bool
        .default(true)
        .describe("create `servicesNamespace` (protected, kept on destroy); false: it must exist already (read, so a preview fails naming it)"),
    mirrorRegistry: z
        .string({ error: "expected a registry host" })
        .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/, { error: "expected a registry host[:port] without scheme" })
        .optional()
        .describe("mirror registry every image comes from, e.g. registry.internal:5000"),
    storageClass: z.string({ error: "expected a StorageClass name" }).optional().describe("StorageClass of the PVCs; default the cluster's default class"),
    context: z.string({ error: "expected a kubeconfig context name" }).optional().describe("kubeconfig context; default the current one"),
    bootstrap: oneOf(["job", "direct"] as const)
        .default("job")
        .describe("job: database objects, buckets and users made by in-cluster Jobs (the runner needs only the Kubernetes API); direct: by the Pulumi providers from the runner (port-forwards: `postgres.adminHost`/`adminPort`, `objectStore.providerEndpoint`)"),
    topology: oneOf(["single", "ha"] as const).default("single").describe("single: one pod per server (a lab); ha: PostgreSQL on CloudNativePG, Valkey with replicas and Sentinel, RustFS distributed, NATS as a 3-node cluster"),
    zoneSpread: oneOf(["required", "preferred"] as const).optional().describe("with `topology: ha`: whether members of a server must be in different zones (needs as many zones as members) or preferably are (default preferred)"),
    operatorNamespace: dnsLabel.optional().describe("airgap `ha`: namespace of the CloudNativePG operator and its Barman Cloud plugin (default cnpg-system)"),
    clientPodLabel: z
        .strictObject({ key: z.string(), value: z.string() })
        .default({ key: "app.kubernetes.io/part-of", value: "stellaops" })
        .describe("label of the StellaOps pods the NetworkPolicies admit (`key`, `value`)"),
};

const idList = (pattern: RegExp, what: string) => z.array(z.string({ error: `expected ${what}` }).regex(pattern, { error: `expected ${what}` }));

export const awsFields = {
    region: z.string({ error: "expected an AWS region" }).regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "expected an AWS region such as eu-west-1" }).optional().describe("AWS region"),
    vpcId: z.string({ error: "expected a VPC id" }).regex(/^vpc-[0-9a-f]{8,17}$/, { error: "expected a VPC id (vpc-...)" }).optional().describe("the existing VPC"),
    subnetIds: idList(/^subnet-[0-9a-f]{8,17}$/, "a subnet id (subnet-...)")
        .min(2, { error: "expected at least two private subnet ids in different AZs" })
        .prefault([])
        .describe("private subnets in two or more AZs for RDS and ElastiCache"),
    allowedCidrs: z.array(cidr).default([]).describe("CIDR blocks of the StellaOps services"),
    allowedSecurityGroupIds: idList(/^sg-[0-9a-f]{8,17}$/, "a security group id (sg-...)").default([]).describe("security groups of the StellaOps services"),
    kmsKeyArn: z.string({ error: "expected a KMS key ARN" }).regex(/^arn:aws[a-z-]*:kms:/, { error: "expected a KMS key ARN" }).optional().describe("customer-managed KMS key for RDS, ElastiCache and S3; default AWS-managed keys"),
    namePrefix: z.string({ error: "expected a name prefix" }).regex(/^[a-z][a-z0-9-]{0,20}$/, { error: "expected a lowercase name prefix" }).default("stellaops").describe("prefix of every AWS resource name"),
};
