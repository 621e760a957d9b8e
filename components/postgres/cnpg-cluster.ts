/**
 * PostgreSQL on CloudNativePG (airgap, `kubernetes.topology: ha`). The site installs the operator
 * and its Barman Cloud plugin from its mirror; this component reads their CRDs first (a missing
 * operator fails the preview, naming the CRD), then creates an ImageCatalog (the mirrored image by
 * digest, its major declared), the superuser Secret the stack's PostgreSQL provider logs in with,
 * the `Cluster` (synchronous standbys, one instance per node, spread over zones, restricted pods,
 * CNPG's own PodDisruptionBudgets), WAL archiving and scheduled base backups to the object store
 * (plugin ObjectStore + ScheduledBackup), NetworkPolicies for the instances (and, when asked, one
 * opening the object store's port to them), and the services' PgBouncer (CnpgPooler). The Cluster owns its PVCs (CNPG sets it as their owner), so deleting
 * it deletes the data: it is protected and retained, and `pulumi destroy` leaves it running.
 *
 * @example
 * const pg = new CnpgCluster("postgres", { plan: planCnpg(...), namespace, superuserPassword, backup, clients }, { providers: [k8sProvider] });
 * // the PostgreSQL provider connects to pg.rwHost as postgres; services get pg.pooler.host
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClientSelector } from "../types";
import type { CnpgPlan } from "./cnpg-plan";
import { CnpgPooler } from "./cnpg-pooler";
import { DEFAULT_INSTANCE_RESOURCES, PART_OF, backupIngress, clusterSpec, instanceIngress, instanceLabels, objectStoreSpec, scheduledBackupSpec } from "./cnpg-specs";
import { BARMAN_API_VERSION, CNPG_API_VERSION, CNPG_CRDS, CNPG_OPERATOR_POD_LABEL, CNPG_PORT, KIND } from "./cnpg-types";

export const CNPG_CLUSTER_TYPE = "stellaops:postgres:CnpgCluster";

/** Where base backups and WAL go, and with which credentials (a user limited to that bucket). */
export interface CnpgBackupArgs {
    /** Physical bucket name (planned). */
    readonly bucket: string;
    /** S3 endpoint the instances reach, e.g. http://rustfs.stellaops-deps.svc.cluster.local:9000. */
    readonly endpoint: pulumi.Input<string>;
    /** Secret. */
    readonly accessKeyId: pulumi.Input<string>;
    /** Secret. */
    readonly secretAccessKey: pulumi.Input<string>;
    /** @default "us-east-1" */
    readonly region?: string;
    /**
     * Labels of the object store's pods when it runs in this namespace behind a NetworkPolicy
     * (RustFS): a further policy admits the instances to them on `serverPort`. @default none
     */
    readonly serverPodLabels?: Readonly<Record<string, string>>;
    /** @default 9000 */
    readonly serverPort?: number;
}

export interface CnpgClusterArgs {
    /** The CNPG plan (planCnpg), computed once by the stack. */
    readonly plan: CnpgPlan;
    readonly namespace: pulumi.Input<string>;
    /** Password of `postgres` (secret): CNPG applies it from the Secret; the provider logs in with it. */
    readonly superuserPassword: pulumi.Input<string>;
    readonly backup: CnpgBackupArgs;
    /** StellaOps pods: admitted to the pooler, and to the instances on 5432 (`-rw`: release migrations). */
    readonly clients: ClientSelector;
    /** Namespace of the CNPG operator, which calls every instance's status port. @default "cnpg-system" */
    readonly operatorNamespace?: string;
    /** Labels of the operator's pods. @default { "app.kubernetes.io/name": "cloudnative-pg" } */
    readonly operatorPodLabels?: Readonly<Record<string, string>>;
    /** Namespaces whose pods may scrape the metrics ports (9187, PgBouncer 9127). @default none */
    readonly monitoringNamespaces?: readonly string[];
    /** Per instance. @default requests 500m / 2Gi, limits 2 CPU / 2Gi */
    readonly resources?: k8s.types.input.core.v1.ResourceRequirements;
    /** Per PgBouncer. @default requests 100m / 64Mi, limits 1 CPU / 256Mi */
    readonly poolerResources?: k8s.types.input.core.v1.ResourceRequirements;
    /** Read the operator's and the plugin's CRDs before creating anything. @default true */
    readonly checkCrds?: boolean;
    /** @default "cluster.local" */
    readonly clusterDomain?: string;
}

export class CnpgCluster extends pulumi.ComponentResource {
    /** `<cluster>-rw`: always the primary. The PostgreSQL provider and release migrations connect here. */
    public readonly rwHost: pulumi.Output<string>;
    public readonly port: number;
    /** The services' PgBouncer (session mode): its host goes into their connection settings. */
    public readonly pooler: CnpgPooler;
    /** The Cluster object (`dependsOn` for anything that connects: it waits for condition Ready). */
    public readonly cluster: k8s.apiextensions.CustomResource;
    /** Labels of the PostgreSQL pods (what `backup.serverPodLabels`' policy admits to the object store). */
    public readonly instanceLabels: Readonly<Record<string, string>>;
    /** Secret CNPG creates with the CA of the server certificates (clients with sslmode verify-ca). */
    public readonly caSecretName: string;

    constructor(name: string, args: CnpgClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CNPG_CLUSTER_TYPE, name, {}, opts);
        const { plan, namespace } = args;
        const n = plan.names;
        const child = { parent: this };
        const meta = (physical: string, annotations?: Record<string, string>) => ({ name: physical, namespace, labels: { ...PART_OF }, ...(annotations && { annotations }) });
        const monitoringNamespaces = args.monitoringNamespaces ?? [];
        const custom = (suffix: string, apiVersion: string, kind: string, physical: string, spec: object, o: pulumi.CustomResourceOptions = {}, annotations?: Record<string, string>) =>
            new k8s.apiextensions.CustomResource(`${name}-${suffix}`, { apiVersion, kind, metadata: meta(physical, annotations), spec }, { parent: this, ...o });

        const crds = (args.checkCrds ?? true) ? CNPG_CRDS.map((crd) => k8s.apiextensions.v1.CustomResourceDefinition.get(`${name}-crd-${crd}`, crd, child)) : [];
        const after = (...deps: pulumi.Resource[]) => ({ dependsOn: [...crds, ...deps] });

        const catalog = custom("images", CNPG_API_VERSION, KIND.imageCatalog, n.catalog, { images: [{ major: plan.major, image: plan.image }] }, after());
        const superuser = new k8s.core.v1.Secret(
            `${name}-superuser`,
            { metadata: meta(n.superuserSecret), type: "kubernetes.io/basic-auth", stringData: { username: "postgres", password: pulumi.secret(args.superuserPassword) } },
            child,
        );
        const s3 = new k8s.core.v1.Secret(
            `${name}-backup-credentials`,
            {
                metadata: meta(n.backupSecret),
                type: "Opaque",
                stringData: { ACCESS_KEY_ID: pulumi.secret(args.backup.accessKeyId), ACCESS_SECRET_KEY: pulumi.secret(args.backup.secretAccessKey), REGION: args.backup.region ?? "us-east-1" },
            },
            child,
        );
        const store = custom("object-store", BARMAN_API_VERSION, KIND.objectStore, n.objectStore, objectStoreSpec(plan, args.backup.bucket, args.backup.endpoint), after(s3));

        // Holds the data (its PVCs are owned by it): never deleted or replaced by Pulumi. Pulumi
        // waits for CNPG's Ready condition, so the provider connects to a primary that is up.
        this.cluster = custom(
            "cluster",
            CNPG_API_VERSION,
            KIND.cluster,
            n.cluster,
            clusterSpec(plan, args.resources ?? DEFAULT_INSTANCE_RESOURCES),
            { ...after(catalog, superuser, store), protect: true, retainOnDelete: true },
            { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "1800" },
        );
        custom("scheduled-backup", CNPG_API_VERSION, KIND.scheduledBackup, n.scheduledBackup, scheduledBackupSpec(plan), after(this.cluster));

        this.instanceLabels = instanceLabels(plan);
        const peers = { operatorNamespace: args.operatorNamespace ?? "cnpg-system", operatorPodLabels: args.operatorPodLabels ?? CNPG_OPERATOR_POD_LABEL, monitoringNamespaces };
        new k8s.networking.v1.NetworkPolicy(
            `${name}-netpol`,
            { metadata: meta(`${n.cluster}-instances`), spec: { podSelector: { matchLabels: { ...this.instanceLabels } }, policyTypes: ["Ingress"], ingress: instanceIngress(plan, args.clients, peers) } },
            child,
        );

        const server = args.backup.serverPodLabels;
        if (server) {
            // NetworkPolicies add up: this one only opens the object store's port to the instances.
            const spec = { podSelector: { matchLabels: { ...server } }, policyTypes: ["Ingress"], ingress: backupIngress(plan, args.backup.serverPort ?? 9000) };
            new k8s.networking.v1.NetworkPolicy(`${name}-backup-netpol`, { metadata: meta(`${n.cluster}-backups-to-object-store`), spec }, child);
        }

        this.pooler = new CnpgPooler(`${name}-pooler`, { plan, namespace, clients: args.clients, monitoringNamespaces, resources: args.poolerResources, clusterDomain: args.clusterDomain }, { parent: this, dependsOn: crds });

        this.rwHost = pulumi.interpolate`${n.rwService}.${namespace}.svc.${args.clusterDomain ?? "cluster.local"}`;
        this.port = CNPG_PORT.postgres;
        this.caSecretName = `${n.cluster}-ca`;
        this.registerOutputs({ rwHost: this.rwHost, port: this.port, pooler: this.pooler, cluster: this.cluster, instanceLabels: this.instanceLabels, caSecretName: this.caSecretName });
    }
}
