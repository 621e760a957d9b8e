/**
 * The CloudNativePG objects of the ha topology as plain data, built from the plan: the Cluster,
 * the Pooler, the ObjectStore and ScheduledBackup, the NetworkPolicy rules, and the pooler's
 * auth lookup function. No resource is created here (types only), so they are tested as data.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { ClientSelector } from "../types";
import type { CnpgPlan } from "./cnpg-plan";
import { BARMAN_PLUGIN, CNPG_LABEL, CNPG_POSTGRES_UID, CNPG_PORT, ClusterSpec, ObjectStoreSpec, PoolerSpec, ScheduledBackupSpec } from "./cnpg-types";

type Ingress = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Resources = k8s.types.input.core.v1.ResourceRequirements;

export const PART_OF = { "app.kubernetes.io/part-of": "stellaops-deps" } as const;
const HOSTNAME = "kubernetes.io/hostname";

/** PostgreSQL pods of the cluster (not the pooler's, not CNPG's Jobs). */
export const instanceLabels = (plan: CnpgPlan) => ({ [CNPG_LABEL.cluster]: plan.names.cluster, [CNPG_LABEL.podRole]: "instance" });
/** PgBouncer pods of the pooler. */
export const poolerLabels = (plan: CnpgPlan) => ({ [CNPG_LABEL.pooler]: plan.names.pooler });

/** Who else may reach the servers besides the clients. */
export interface CnpgPeers {
    /** Namespace the CNPG operator runs in (it calls every instance's status port). */
    readonly operatorNamespace: string;
    /** Labels of the operator's pods. */
    readonly operatorPodLabels: Readonly<Record<string, string>>;
    /** Namespaces whose pods may scrape the metrics ports. */
    readonly monitoringNamespaces: readonly string[];
}

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const inNamespaces = (names: readonly string[]) => ({ matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...names] }] });

function clientPeers(clients: ClientSelector): Peer[] {
    const pods = { matchLabels: { [clients.podLabel.key]: clients.podLabel.value } };
    return [{ podSelector: pods, namespaceSelector: inNamespaces(clients.namespaces) }, { podSelector: pods }];
}

/** Spread over zones (required or preferred, as planned) and, when asked, over nodes. */
function spread(plan: CnpgPlan, labels: Record<string, string>, nodes: boolean): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    const labelSelector = { matchLabels: labels };
    const zones = { maxSkew: 1, topologyKey: plan.zoneKey, whenUnsatisfiable: plan.zoneSpread === "required" ? "DoNotSchedule" : "ScheduleAnyway", labelSelector };
    return nodes ? [{ maxSkew: 1, topologyKey: HOSTNAME, whenUnsatisfiable: "DoNotSchedule", labelSelector }, zones] : [zones];
}

export const DEFAULT_INSTANCE_RESOURCES: Resources = { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } };
export const DEFAULT_POOLER_RESOURCES: Resources = { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } };

export function clusterSpec(plan: CnpgPlan, resources: Resources = DEFAULT_INSTANCE_RESOURCES): ClusterSpec {
    const n = plan.names;
    return {
        description: "StellaOps PostgreSQL (role model: ServiceSchemas)",
        instances: plan.instances,
        imageCatalogRef: { apiGroup: "postgresql.cnpg.io", kind: "ImageCatalog", name: n.catalog, major: plan.major },
        imagePullPolicy: "IfNotPresent",
        postgresUID: CNPG_POSTGRES_UID,
        postgresGID: CNPG_POSTGRES_UID,
        inheritedMetadata: { labels: { ...PART_OF } },
        postgresql: {
            parameters: { max_connections: String(plan.maxConnections) },
            synchronous: { ...plan.synchronous },
            // No password ever crosses the pod network in clear text: TCP without TLS is refused
            // (CNPG's fixed rules before this one already admit replication by certificate).
            pg_hba: ["hostnossl all all all reject"],
        },
        // initdb must create an application database and owner; the stack does not use them
        // (ServiceSchemas creates its own database), so the owner cannot log in.
        bootstrap: { initdb: { database: "app", owner: "app", dataChecksums: true, postInitSQL: ["ALTER ROLE app NOLOGIN"] } },
        enableSuperuserAccess: true,
        superuserSecret: { name: n.superuserSecret },
        storage: { ...plan.storage },
        ...(plan.walStorage && { walStorage: { ...plan.walStorage } }),
        // Never two instances on one node: a node loss costs one instance at most.
        affinity: { enablePodAntiAffinity: true, podAntiAffinityType: "required", topologyKey: HOSTNAME },
        topologySpreadConstraints: spread(plan, instanceLabels(plan), false),
        resources,
        primaryUpdateStrategy: "unsupervised",
        // Image or config updates restart the standbys first, then switch over to one: the
        // primary is never restarted in place.
        primaryUpdateMethod: "switchover",
        enablePDB: true,
        seccompProfile: { type: "RuntimeDefault" },
        plugins: [{ name: BARMAN_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: n.objectStore, serverName: n.cluster } }],
    };
}

/** The services' pooler: session mode (see the README's "PostgreSQL on CloudNativePG"). */
export function poolerSpec(plan: CnpgPlan, resources: Resources = DEFAULT_POOLER_RESOURCES): PoolerSpec {
    const pool = plan.pooler;
    return {
        cluster: { name: plan.names.cluster },
        type: "rw",
        instances: pool.instances,
        pgbouncer: {
            poolMode: pool.mode,
            authQuerySecret: { name: plan.names.poolerAuthSecret },
            authQuery: `SELECT usename, passwd FROM public.${pool.lookupFunction}($1)`,
            parameters: { ...pool.parameters },
            pg_hba: ["hostnossl all all 0.0.0.0/0 reject", "hostnossl all all ::/0 reject"],
        },
        template: {
            metadata: { labels: { ...PART_OF } },
            spec: { containers: [{ name: "pgbouncer", image: plan.pgbouncerImage, resources }], topologySpreadConstraints: spread(plan, poolerLabels(plan), true) },
        },
    };
}

export function scheduledBackupSpec(plan: CnpgPlan): ScheduledBackupSpec {
    return {
        schedule: plan.backup.schedule,
        // A base backup right away: point-in-time recovery needs one before the first WAL.
        immediate: true,
        cluster: { name: plan.names.cluster },
        method: "plugin",
        pluginConfiguration: { name: BARMAN_PLUGIN },
        backupOwnerReference: "self",
        target: "prefer-standby",
    };
}

/** Backups in `bucket` (a planned physical name) on an S3 endpoint the instances reach, e.g. http://rustfs.<ns>.svc.cluster.local:9000. */
export function objectStoreSpec<E>(plan: CnpgPlan, bucket: string, endpoint: E): ObjectStoreSpec<E> {
    const secret = plan.names.backupSecret;
    return {
        configuration: {
            destinationPath: `s3://${bucket}/`,
            endpointURL: endpoint,
            s3Credentials: { accessKeyId: { name: secret, key: "ACCESS_KEY_ID" }, secretAccessKey: { name: secret, key: "ACCESS_SECRET_KEY" }, region: { name: secret, key: "REGION" } },
            wal: { compression: "gzip" },
            data: { compression: "gzip" },
        },
        retentionPolicy: plan.backup.retention,
        // boto3 1.36+ sends new checksum headers that some S3-compatible servers refuse (plugin docs).
        instanceSidecarConfiguration: { env: [{ name: "AWS_REQUEST_CHECKSUM_CALCULATION", value: "when_required" }, { name: "AWS_RESPONSE_CHECKSUM_VALIDATION", value: "when_required" }] },
    };
}

/**
 * PostgreSQL pods admit: the cluster's own pods (streaming replication, CNPG's join Jobs, the
 * pooler) on 5432 and the status port; the operator on both; clients on 5432 (the `-rw` Service:
 * release migrations); monitoring on the metrics port when configured.
 */
export function instanceIngress(plan: CnpgPlan, clients: ClientSelector, peers: CnpgPeers): Ingress[] {
    const rules: Ingress[] = [
        { from: [{ podSelector: { matchLabels: { [CNPG_LABEL.cluster]: plan.names.cluster } } }], ports: tcp(CNPG_PORT.postgres, CNPG_PORT.status) },
        { from: [{ namespaceSelector: inNamespaces([peers.operatorNamespace]), podSelector: { matchLabels: { ...peers.operatorPodLabels } } }], ports: tcp(CNPG_PORT.status, CNPG_PORT.postgres) },
        { from: clientPeers(clients), ports: tcp(CNPG_PORT.postgres) },
    ];
    if (peers.monitoringNamespaces.length > 0) rules.push({ from: [{ namespaceSelector: inNamespaces(peers.monitoringNamespaces) }], ports: tcp(CNPG_PORT.metrics) });
    return rules;
}

/** The object store's pods (selected by their labels) admit the instances, which archive WAL and send base backups. */
export function backupIngress(plan: CnpgPlan, port: number): Ingress[] {
    return [{ from: [{ podSelector: { matchLabels: instanceLabels(plan) } }], ports: tcp(port) }];
}

/** PgBouncer pods admit the clients on 5432, and monitoring on its metrics port when configured. */
export function poolerIngress(clients: ClientSelector, peers: Pick<CnpgPeers, "monitoringNamespaces">): Ingress[] {
    const rules: Ingress[] = [{ from: clientPeers(clients), ports: tcp(CNPG_PORT.pgbouncer) }];
    if (peers.monitoringNamespaces.length > 0) rules.push({ from: [{ namespaceSelector: inNamespaces(peers.monitoringNamespaces) }], ports: tcp(CNPG_PORT.pgbouncerMetrics) });
    return rules;
}

/**
 * PgBouncer's auth lookup: a SECURITY DEFINER function (owned by the superuser that creates it)
 * returning the password verifier of the StellaOps service logins and of nobody else, so the
 * superuser, the migrator and CNPG's roles can never log in through the pooler.
 */
export function lookupFunction(plan: CnpgPlan, serviceRoles: readonly string[]) {
    const list = [...serviceRoles].sort().map((r) => `'${r}'`).join(", ");
    return {
        name: plan.pooler.lookupFunction,
        schema: "public",
        args: [{ name: "uname", type: "text" }],
        returns: "TABLE(usename name, passwd text)",
        language: "sql",
        volatility: "STABLE",
        body: `SELECT usename::name, passwd::text FROM pg_catalog.pg_shadow WHERE usename = $1 AND usename IN (${list})`,
    };
}
