/**
 * The services' PgBouncer, as a CloudNativePG `Pooler` in session mode in front of the primary
 * (`<cluster>-rw`), with the image from the mirror, spread over nodes and zones, a
 * PodDisruptionBudget (CNPG creates none for poolers), and a NetworkPolicy admitting StellaOps
 * clients only. Its auth query runs as a login the stack owns (CnpgPoolerAuth creates it on the
 * server): giving `authQuerySecret` turns off CNPG's automatic `cnpg_pooler_pgbouncer`, which
 * would need CONNECT on the StellaOps database and USAGE on its schema public, both revoked
 * from PUBLIC by the role model.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { generatedPassword } from "../credentials";
import type { ClientSelector } from "../types";
import type { CnpgPlan } from "./cnpg-plan";
import { DEFAULT_POOLER_RESOURCES, PART_OF, poolerIngress, poolerLabels, poolerSpec } from "./cnpg-specs";
import { CNPG_API_VERSION, CNPG_PORT, KIND } from "./cnpg-types";

export const CNPG_POOLER_TYPE = "stellaops:postgres:CnpgPooler";

export interface CnpgPoolerArgs {
    /** The CNPG plan (planCnpg): pooler size, pool sizes, names, image. */
    readonly plan: CnpgPlan;
    readonly namespace: pulumi.Input<string>;
    /** Pods admitted to PgBouncer. */
    readonly clients: ClientSelector;
    /** Namespaces whose pods may scrape PgBouncer's metrics port. @default none */
    readonly monitoringNamespaces?: readonly string[];
    /** @default requests 100m / 64Mi, limits 1 CPU / 256Mi */
    readonly resources?: k8s.types.input.core.v1.ResourceRequirements;
    /** @default "cluster.local" */
    readonly clusterDomain?: string;
}

export class CnpgPooler extends pulumi.ComponentResource {
    /** In-cluster DNS name of the pooler's Service: where services connect. */
    public readonly host: pulumi.Output<string>;
    public readonly port: number;
    /** The login PgBouncer's auth query runs as. */
    public readonly authRole: string;
    /** Its password (secret): CnpgPoolerAuth sets it on the server. */
    public readonly authPassword: pulumi.Output<string>;
    /** The Pooler object. */
    public readonly pooler: k8s.apiextensions.CustomResource;

    constructor(name: string, args: CnpgPoolerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CNPG_POOLER_TYPE, name, {}, opts);
        const { plan, namespace } = args;
        const child = { parent: this };
        const meta = (physical: string) => ({ name: physical, namespace, labels: { ...PART_OF } });
        const monitoringNamespaces = args.monitoringNamespaces ?? [];

        this.authRole = plan.pooler.authRole;
        this.authPassword = generatedPassword(`${name}-auth-password`, child);
        const authSecret = new k8s.core.v1.Secret(
            `${name}-auth`,
            { metadata: meta(plan.names.poolerAuthSecret), type: "kubernetes.io/basic-auth", stringData: { username: this.authRole, password: this.authPassword } },
            child,
        );

        this.pooler = new k8s.apiextensions.CustomResource(
            `${name}-pgbouncer`,
            { apiVersion: CNPG_API_VERSION, kind: KIND.pooler, metadata: meta(plan.names.pooler), spec: poolerSpec(plan, args.resources ?? DEFAULT_POOLER_RESOURCES) },
            { parent: this, dependsOn: [authSecret] },
        );

        const selector = { matchLabels: poolerLabels(plan) };
        // Stateless, but a drain must not take every PgBouncer at once.
        new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: meta(plan.names.pooler), spec: { maxUnavailable: 1, selector } }, child);
        new k8s.networking.v1.NetworkPolicy(
            `${name}-netpol`,
            { metadata: meta(`${plan.names.pooler}-clients`), spec: { podSelector: selector, policyTypes: ["Ingress"], ingress: poolerIngress(args.clients, { monitoringNamespaces }) } },
            child,
        );

        this.host = pulumi.interpolate`${plan.names.pooler}.${namespace}.svc.${args.clusterDomain ?? "cluster.local"}`;
        this.port = CNPG_PORT.pgbouncer;
        this.registerOutputs({ host: this.host, port: this.port, authRole: this.authRole, authPassword: this.authPassword, pooler: this.pooler });
    }
}
