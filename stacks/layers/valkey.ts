/**
 * Valkey connection settings per service from the plan and the servers a platform stood up:
 * URL(s), ACL user, password (secret), key prefixes and TTLs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { InstanceKey, ValkeyPlan } from "../../components/valkey/plan";
import type { Passwords } from "../../components/valkey/credentials";
import type { InstanceEndpoint } from "../../components/types";
import type { Deployed, PerService, Published, ValkeyConnection } from "./types";

export interface ValkeyServers {
    /** Where services reach each planned instance. */
    readonly endpoints: Partial<Record<InstanceKey, InstanceEndpoint>>;
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
    const url = (key: InstanceKey): pulumi.Output<string> => {
        const e = srv.endpoints[key]!;
        return pulumi.interpolate`${scheme}://${e.host}:${e.port}`;
    };
    const valkey: PerService<ValkeyConnection> = {};
    for (const s of plan.services) {
        const published = srv.published?.[s.instance];
        valkey[s.service] = {
            url: url(s.instance),
            cacheUrl: url(s.cacheInstance),
            user: s.user,
            password: srv.passwords[s.user],
            prefixes: { ...s.prefixes },
            ttls: { ...s.ttls },
            ...(published && { published }),
        };
    }
    return { valkey, ...(srv.operator && { valkeyOperator: { user: plan.operator, password: srv.passwords[plan.operator] } }) };
}
