/**
 * NATS connection settings per service, from the plan and where the server is: only services
 * with an account (those with NATS streams) get one.
 */
import * as pulumi from "@pulumi/pulumi";
import type { NatsPlan } from "../../components/nats/plan";
import type { Deployed, NatsConnection, PerService, Published } from "./types";

export interface NatsServer {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    /** Password per user name (secret). */
    readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;
    readonly tls: boolean;
    readonly published?: Published;
    /** external: the accounts block the operator includes in the existing server's config (secret). */
    readonly accountsConf?: pulumi.Output<string>;
}

export function natsConnections(plan: NatsPlan, srv: NatsServer): Pick<Deployed, "nats" | "natsOperator"> {
    const url = pulumi.interpolate`${srv.tls ? "tls" : "nats"}://${srv.host}:${srv.port}`;
    const nats: PerService<NatsConnection> = {};
    for (const a of plan.accounts) {
        nats[a.service] = { url, user: a.user, password: srv.passwords[a.user], subjects: a.subjects, streams: a.streams, replicas: plan.streamReplicas, ...(srv.published && { published: srv.published }) };
    }
    return { nats, natsOperator: { user: plan.system.user, password: srv.passwords[plan.system.user], ...(srv.accountsConf && { accountsConf: srv.accountsConf }) } };
}
