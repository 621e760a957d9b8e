/**
 * Composition: the platform, then each dependency layer, then what every service needs to
 * connect. Layers do not depend on each other; only real dependencies order the graph.
 */
import type { StackConfig, StackSecrets } from "./config";
import { deployPostgres } from "./layers/postgres";
import { serviceConnections, ServiceConnections } from "./outputs";
import { createPlatform } from "./platform";

export interface StackOutputs {
    readonly profile: string;
    /** Per service: everything it needs to connect (secrets stay secret). */
    readonly services: ServiceConnections;
}

export function deploy(cfg: StackConfig, secrets: StackSecrets): StackOutputs {
    const platform = createPlatform(cfg);
    const postgres = deployPostgres(cfg, secrets, platform);
    const services = serviceConnections(platform, { postgres: postgres.services });
    return { profile: cfg.profile, services };
}
