/**
 * The kubernetes platform: every server a StatefulSet in a namespace with Pod Security
 * `restricted`, reachable only by StellaOps pods, and one Secret per service in the services'
 * namespace with its connection settings. Loaded only by profiles on this platform.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { generatedPassword, generatedRootKeys } from "../../components/credentials";
import { PostgresBackupCronJob } from "../../components/backup/kubernetes";
import { backupIdentities } from "../layers/backup";
import { NatsStatefulSet } from "../../components/nats/kubernetes";
import { NatsCluster } from "../../components/nats/cluster";
import { RustfsStatefulSet } from "../../components/objectstore/rustfs-kubernetes";
import { PostgresStatefulSet } from "../../components/postgres/kubernetes";
import type { ClientSelector } from "../../components/types";
import { ValkeyStatefulSets } from "../../components/valkey/kubernetes";
import { isHaPlan } from "../../components/valkey/ha-plan";
import { ValkeyHaStatefulSets } from "../../components/valkey/kubernetes-ha";
import { RustfsCluster } from "../../components/objectstore/rustfs-cluster";
import type { StackInputFor } from "../config";
import { natsConnections } from "../layers/nats";
import { s3CompatibleStore } from "../layers/objectstore";
import { adminAddress, postgresAccess } from "../layers/postgres";
import { valkeyConnections } from "../layers/valkey";
import type { Deployed } from "../layers/types";
import { secretEntries, ServiceConnections } from "../outputs";
import type { StackPlans } from "../plans";
import type { ProfilesOn } from "../profiles";
import { tlsPair } from "./tls";

type Input = StackInputFor<ProfilesOn<"kubernetes">>;

const PART_OF = "app.kubernetes.io/part-of";

export function deploy(input: Input, plans: StackPlans): Deployed {
    const { config: cfg, secrets } = input;
    const k = cfg.kubernetes;
    const provider = new k8s.Provider("k8s", { context: k.context, enableServerSideApply: true });
    const ns = new k8s.core.v1.Namespace(
        "k8s-namespace",
        { metadata: { name: k.namespace, labels: { [PART_OF]: "stellaops", "pod-security.kubernetes.io/enforce": "restricted" } } },
        { provider, protect: true, retainOnDelete: true },
    );
    const namespace = ns.metadata.name;
    const clients: ClientSelector = { podLabel: k.clientPodLabel, namespaces: [k.servicesNamespace] };
    const on = { providers: [provider] };
    const storageClass = k.storageClass;

    const superuserPassword = generatedPassword("postgres-superuser-password");
    const pg = new PostgresStatefulSet("postgres", { namespace, image: cfg.images.postgres, storageSize: cfg.postgres.storageSize, storageClass, superuserPassword, clients }, on);
    const pgAccess = postgresAccess(plans.postgres, {
        host: pg.host,
        port: pg.port,
        admin: { ...adminAddress(cfg.postgres, pg.host, pg.port), user: "postgres", password: superuserPassword, superuser: true },
        sslMode: "disable",
        ready: [pg.server.statefulSet],
    });

    const valkey = deployValkey(input, plans, namespace, clients, on);

    const root = generatedRootKeys("objectstore-root");
    const rustfsArgs = { namespace, appName: "rustfs", image: cfg.images.rustfs, storageClass, clients, rootAccessKey: root.accessKey, rootSecretKey: root.secretKey };
    const rustfs = plans.rustfs
        ? new RustfsCluster("objectstore-rustfs", { ...rustfsArgs, layout: plans.rustfs, volumeSize: cfg.objectStore.storageSize, zoneSpread: k.zoneSpread ?? "preferred" }, on)
        : new RustfsStatefulSet("objectstore-rustfs", { ...rustfsArgs, storageSize: cfg.objectStore.storageSize }, on);
    const serviceUrl = pulumi.interpolate`http://${rustfs.host}:${rustfs.port}`;
    const store = s3CompatibleStore(plans.objectStore, {
        serviceUrl,
        // In-cluster DNS works only when Pulumi runs in the cluster; otherwise a port-forward.
        providerUrl: cfg.objectStore.providerEndpoint ?? serviceUrl,
        accessKey: root.accessKey,
        secretKey: root.secretKey,
        region: cfg.objectStore.region,
        ready: [rustfs instanceof RustfsCluster ? rustfs.statefulSet : rustfs.server.statefulSet],
        users: true,
        policyPrefix: cfg.objectStore.bucketPrefix ?? "stellaops",
    });

    let nats: Pick<Deployed, "nats" | "natsOperator"> = {};
    if (plans.nats) {
        const args = { namespace, image: cfg.images.nats, storageSize: cfg.nats.storageSize, storageClass, plan: plans.nats, tls: tlsPair(secrets, "nats", cfg.nats.tls), clients };
        const n = plans.nats.cluster ? new NatsCluster("nats", args, on) : new NatsStatefulSet("nats", args, on);
        nats = natsConnections(plans.nats, { host: n.host, port: n.port, passwords: n.passwords, tls: cfg.nats.tls });
    }
    let backup: Deployed["backup"];
    if (plans.backup) {
        const ids = backupIdentities(plans.backup, pgAccess, store, cfg.objectStore.bucketPrefix ?? "stellaops");
        new PostgresBackupCronJob(
            "backup",
            {
                plan: plans.backup,
                namespace,
                images: { postgres: cfg.images.postgres, upload: cfg.images.backup },
                target: { pgHost: pg.host, pgPort: pg.port, sslMode: "disable", s3Endpoint: serviceUrl, s3Region: cfg.objectStore.region },
                pgPassword: ids.role.password,
                s3: ids.storage.writer!,
                podLabel: k.clientPodLabel,
            },
            on,
        );
        backup = ids.output;
    }
    return { postgres: pgAccess.postgres, postgresMigrator: pgAccess.postgresMigrator, ...valkey, objectStore: store.services, ...nats, ...(backup && { backup }), publish: (services) => serviceSecrets(provider, k.servicesNamespace, services, plans) };
}

/** Valkey: one StatefulSet per instance, or with `ha` primaries, replicas and Sentinels (clients go through the Sentinels). */
function deployValkey({ config: cfg, secrets }: Input, plans: StackPlans, namespace: pulumi.Output<string>, clients: ClientSelector, on: pulumi.ComponentResourceOptions) {
    const plan = plans.valkey;
    const common = { namespace, image: cfg.images.valkey, storageSize: cfg.valkey.storageSize, storageClass: cfg.kubernetes.storageClass, clients };
    if (isHaPlan(plan)) {
        const ha = new ValkeyHaStatefulSets("valkey", { ...common, plan, requireZoneSpread: cfg.kubernetes.zoneSpread === "required" }, on);
        return valkeyConnections(plan, { reach: { sentinels: ha.sentinels, masters: ha.masters }, passwords: ha.passwords, tls: plan.tls, operator: true });
    }
    const vk = new ValkeyStatefulSets("valkey", { ...common, plan, tls: tlsPair(secrets, "valkey", plan.tls) }, on);
    return valkeyConnections(plan, { reach: { endpoints: vk.endpoints }, passwords: vk.passwords, tls: plan.tls, operator: true });
}

/** One Secret per service in the services' namespace; mount it with envFrom. */
function serviceSecrets(provider: k8s.Provider, namespace: string, services: ServiceConnections, plans: StackPlans): void {
    for (const [name, conn] of Object.entries(services)) {
        new k8s.core.v1.Secret(
            `k8s-secret-${name}`,
            {
                metadata: { name: `stellaops-${name}-deps`, namespace, labels: { [PART_OF]: "stellaops", "stellaops.io/service": name } },
                type: "Opaque",
                stringData: secretEntries(conn!, plans.catalog.services.find((s) => s.name === name)),
            },
            { provider },
        );
    }
}
