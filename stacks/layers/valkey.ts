/**
 * Valkey connection settings per service from the plan and the servers a platform stood up:
 * URL(s) or Sentinels, ACL user, password and StackExchange.Redis strings (secret), namespace,
 * prefixes, TTLs, queues and the shared keys it may use.
 */
import * as pulumi from "@pulumi/pulumi";
import { Passwords, serviceConfigurations, stackExchangeSecret } from "../../components/valkey/credentials";
import type { InstanceKey, ValkeyPlan } from "../../components/valkey/plan";
import type { InstanceEndpoint } from "../../components/types";
import type { Deployed, PerService, Published, ValkeyConnection } from "./types";

/** Where services reach the instances: each directly, or through Sentinels by master name. */
export type ValkeyReach = { readonly endpoints: Partial<Record<InstanceKey, InstanceEndpoint>> } | { readonly sentinels: readonly InstanceEndpoint[]; readonly masters: Partial<Record<InstanceKey, string>> };

export interface ValkeyServers {
    readonly reach: ValkeyReach;
    /** dev: where the Docker host reaches each instance. */
    readonly published?: Partial<Record<InstanceKey, Published>>;
    readonly passwords: Passwords;
    /** Whether clients speak TLS. */
    readonly tls: boolean;
    /** Whether the stack owns an operator user (not on a server others run). */
    readonly operator: boolean;
}

export function valkeyConnections(plan: ValkeyPlan, srv: ValkeyServers): Pick<Deployed, "valkey" | "valkeyOperator"> {
    const scheme = srv.tls ? "rediss" : "redis";
    const reach = srv.reach;
    const strings = serviceConfigurations(plan, srv.passwords, srv.tls, reach);
    const where = (key: InstanceKey) =>
        "endpoints" in reach
            ? { url: pulumi.interpolate`${scheme}://${reach.endpoints[key]!.host}:${reach.endpoints[key]!.port}` }
            : { masterName: reach.masters[key]!, sentinels: reach.sentinels.map((e) => pulumi.interpolate`${e.host}:${e.port}`) };
    const valkey: PerService<ValkeyConnection> = {};
    for (const s of plan.services) {
        const main = where(s.instance);
        const cache = where(s.cacheInstance);
        const published = srv.published?.[s.instance];
        const password = srv.passwords[s.user];
        valkey[s.service] = {
            ...("url" in main ? { url: main.url, cacheUrl: (cache as { url: pulumi.Output<string> }).url } : { sentinels: main.sentinels, masterName: main.masterName, cacheMasterName: (cache as { masterName: string }).masterName }),
            user: s.user,
            password,
            configuration: strings[s.service].configuration,
            cacheConfiguration: strings[s.service].cacheConfiguration,
            namespace: s.namespace,
            prefixes: { ...s.prefixes },
            ttls: { ...s.ttls },
            queues: s.queues,
            sharedKeys: s.sharedKeys,
            ...(published && { published, publishedConfiguration: stackExchangeSecret({ endpoints: [published], user: s.user, password, ssl: srv.tls }) }),
        };
    }
    return { valkey, ...(srv.operator && { valkeyOperator: { user: plan.operator, password: srv.passwords[plan.operator] } }) };
}
