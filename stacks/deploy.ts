/**
 * Composition: the platform, then each dependency layer, then what every service needs to
 * connect. Layers do not depend on each other; only real dependencies order the graph.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig, StackSecrets } from "./config";
import { planPostgres } from "../components/postgres/plan";
import { planValkey } from "../components/valkey/plan";
import { deployNats, natsPlan, queueTransport } from "./layers/nats";
import { deployObjectStore, objectStorePlan } from "./layers/objectstore";
import { deployPostgres } from "./layers/postgres";
import { deployValkey } from "./layers/valkey";
import { serviceConnections, ServiceConnections } from "./outputs";
import { createPlatform } from "./platform";

export interface StackOutputs {
    readonly profile: string;
    /** Per service: everything it needs to connect (secrets stay secret). */
    readonly services: ServiceConnections;
    /** Valkey operator login (ACL administration, monitoring); password secret. */
    readonly valkeyOperator?: { readonly user: string; readonly password: pulumi.Output<string> };
    /** Only when NATS is enabled: the operator's system-account login, and (external) the accounts to include. */
    readonly nats?: { readonly operator: { readonly user: string; readonly password: pulumi.Output<string> }; readonly accountsConf?: pulumi.Output<string> };
}

/** Every layer's pure plan, so a value only a plan can reject fails before anything is registered. */
export function checkPlans(cfg: StackConfig): void {
    planPostgres(cfg.postgres);
    planValkey(cfg.valkey);
    objectStorePlan(cfg);
    if (cfg.nats.enabled) natsPlan(cfg);
}

export function deploy(cfg: StackConfig, secrets: StackSecrets): StackOutputs {
    checkPlans(cfg);
    const platform = createPlatform(cfg);
    const postgres = deployPostgres(cfg, secrets, platform);
    const valkey = deployValkey(cfg, secrets, platform);
    const objectStore = deployObjectStore(cfg, secrets, platform);
    const nats = deployNats(cfg, secrets, platform);
    const services = serviceConnections(platform, {
        postgres: postgres.services,
        valkey: valkey.services,
        objectStore: objectStore.services,
        nats: nats?.services,
        queueTransport: queueTransport(cfg),
    });
    return {
        profile: cfg.profile,
        services,
        ...(valkey.operator && { valkeyOperator: valkey.operator }),
        ...(nats && { nats: { operator: nats.operator, ...(nats.accountsConf && { accountsConf: nats.accountsConf }) } }),
    };
}
