/**
 * The kubernetes platform: every server a StatefulSet in a namespace with Pod Security
 * `restricted`, reachable only by StellaOps pods, and one Secret per service in the services'
 * namespace with its connection settings. Loaded only by profiles on this platform.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PostgresBackupCronJob } from "../../../components/backup/kubernetes";
import { BackupRole } from "../../../components/backup/role";
import { NatsCluster } from "../../../components/nats/cluster";
import { NatsStatefulSet } from "../../../components/nats/kubernetes";
import type { ClientSelector } from "../../../components/types";
import { isHaPlan } from "../../../components/valkey/ha-plan";
import { ValkeyStatefulSets } from "../../../components/valkey/kubernetes";
import { ValkeyHaStatefulSets } from "../../../components/valkey/kubernetes-ha";
import { natsConnections } from "../../layers/nats";
import type { Deployed } from "../../layers/types";
import { valkeyConnections } from "../../layers/valkey";
import { secretEntries, ServiceConnections } from "../../outputs";
import type { StackPlans } from "../../plans";
import { tlsPair } from "../tls";
import { Input, K8sContext, PART_OF } from "./context";
import { kubernetesPostgres } from "./postgres";
import { ARCHIVE_PREFIX, kubernetesStorage } from "./storage";

export function deploy(input: Input, plans: StackPlans): Deployed {
    const k = input.config.kubernetes;
    const provider = new k8s.Provider("k8s", { context: k.context, enableServerSideApply: true });
    const ns = new k8s.core.v1.Namespace(
        "k8s-namespace",
        { metadata: { name: k.namespace, labels: { [PART_OF]: "stellaops", "pod-security.kubernetes.io/enforce": "restricted" } } },
        { provider, protect: true, retainOnDelete: true },
    );
    // Where the per-service Secrets go: created here, or read (it must exist) so a typo fails the preview.
    const servicesNs = k.createServicesNamespace
        ? new k8s.core.v1.Namespace("k8s-services-namespace", { metadata: { name: k.servicesNamespace, labels: { [PART_OF]: "stellaops" } } }, { provider, protect: true, retainOnDelete: true })
        : k8s.core.v1.Namespace.get("k8s-services-namespace", k.servicesNamespace, { provider });
    const clients: ClientSelector = { podLabel: k.clientPodLabel, namespaces: [k.servicesNamespace] };
    const ctx: K8sContext = { input, plans, provider, namespace: ns.metadata.name, clients, on: { providers: [provider] } };

    // Storage first: with ha, PostgreSQL archives into the backup bucket from the start.
    const storage = kubernetesStorage(ctx);
    const archiver = storage.backup?.archiver;
    const archive = archiver && { bucket: plans.backup!.bucket.name, endpoint: storage.serviceUrl, region: input.config.objectStore.region, credentials: archiver, serverPodLabels: storage.podLabels };
    const pg = kubernetesPostgres(ctx, archive);
    const valkey = deployValkey(ctx);
    const nats = deployNats(ctx);
    const backup = deployBackups(ctx, pg, storage);
    return {
        postgres: pg.postgres,
        postgresMigrator: pg.postgresMigrator,
        ...valkey,
        objectStore: storage.services,
        ...nats,
        ...(backup && { backup }),
        publish: (services) => serviceSecrets(provider, servicesNs.metadata.name, services, plans),
    };
}

/**
 * PostgreSQL backups: with one StatefulSet, pg_dump on a CronJob into the backup bucket; with
 * CloudNativePG, its own continuous archiving (base backups and WAL) into the same bucket.
 */
function deployBackups({ input, plans, namespace, on }: K8sContext, pg: ReturnType<typeof kubernetesPostgres>, storage: ReturnType<typeof kubernetesStorage>): Deployed["backup"] {
    const plan = plans.backup;
    const b = storage.backup;
    if (!plan || !b) return undefined;
    const out = { bucket: b.bucketName, reader: b.reader, ...(b.writer && { writer: b.writer }) };
    if (plans.cnpg) return { ...out, prefix: ARCHIVE_PREFIX, schedule: plans.cnpg.backup.schedule, ...(b.archiver && { archiver: b.archiver }) };
    const cfg = input.config;
    // direct: the provider makes the role; job: the bootstrap Job made it with this password.
    const role = pg.direct
        ? new BackupRole("backup-role", { plan, database: pg.direct.schemas.database, roleNames: pg.direct.schemas.roleNames }, { providers: [pg.direct.provider] })
        : { roleName: pulumi.output(plan.role.name), password: pg.backupPassword! };
    new PostgresBackupCronJob(
        "backup",
        {
            plan,
            namespace,
            images: { postgres: cfg.images.postgres, upload: cfg.images.backup },
            target: { pgHost: pg.host, pgPort: pg.port, sslMode: pg.sslMode, s3Endpoint: storage.serviceUrl, s3Region: cfg.objectStore.region },
            pgPassword: role.password,
            s3: b.writer!,
            podLabel: cfg.kubernetes.clientPodLabel,
        },
        on,
    );
    return { ...out, prefix: plan.prefix, schedule: plan.schedule, role: role.roleName, password: role.password };
}

function deployNats({ input, plans, namespace, clients, on }: K8sContext): Pick<Deployed, "nats" | "natsOperator"> {
    if (!plans.nats) return {};
    const cfg = input.config;
    const args = { namespace, image: cfg.images.nats, storageSize: cfg.nats.storageSize, storageClass: cfg.kubernetes.storageClass, plan: plans.nats, tls: tlsPair(input.secrets, "nats", cfg.nats.tls), clients, rotation: plans.rotation };
    const n = plans.nats.cluster ? new NatsCluster("nats", args, on) : new NatsStatefulSet("nats", args, on);
    return natsConnections(plans.nats, { host: n.host, port: n.port, passwords: n.passwords, tls: cfg.nats.tls });
}

/** Valkey: one StatefulSet per instance, or with `ha` primaries, replicas and Sentinels (clients go through the Sentinels). */
function deployValkey({ input, plans, namespace, clients, on }: K8sContext) {
    const { config: cfg, secrets } = input;
    const plan = plans.valkey;
    const common = { namespace, image: cfg.images.valkey, storageSize: cfg.valkey.storageSize, storageClass: cfg.kubernetes.storageClass, clients };
    if (isHaPlan(plan)) {
        const ha = new ValkeyHaStatefulSets("valkey", { ...common, plan, requireZoneSpread: cfg.kubernetes.zoneSpread === "required", rotation: plans.rotation }, on);
        return valkeyConnections(plan, { reach: { sentinels: ha.sentinels, masters: ha.masters }, passwords: ha.passwords, tls: plan.tls, operator: true });
    }
    const vk = new ValkeyStatefulSets("valkey", { ...common, plan, tls: tlsPair(secrets, "valkey", plan.tls), rotation: plans.rotation }, on);
    return valkeyConnections(plan, { reach: { endpoints: vk.endpoints }, passwords: vk.passwords, tls: plan.tls, operator: true });
}

/** One Secret per service in the services' namespace; mount it with envFrom. */
function serviceSecrets(provider: k8s.Provider, namespace: pulumi.Input<string>, services: ServiceConnections, plans: StackPlans): void {
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
