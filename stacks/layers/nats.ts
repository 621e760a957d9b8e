/**
 * NATS JetStream layer, optional: with `stellaops:nats.enabled` false it creates nothing and
 * returns undefined. Enabled: a container (dev), a StatefulSet (airgap), or accounts for an
 * existing server (external: the stack generates the passwords and hands the operator the
 * accounts block to include). The aws profile has no NATS (a config error).
 */
import * as pulumi from "@pulumi/pulumi";
import { credentialsFor, secretNatsAccounts } from "../../components/nats/credentials";
import { NatsContainer } from "../../components/nats/docker";
import { NatsStatefulSet } from "../../components/nats/kubernetes";
import { checkNatsOptions, NatsPlan, NatsPlanOptions, planNats } from "../../components/nats/plan";
import { NATS_CONF_FILE, renderNatsFiles } from "../../components/nats/render";
import { ConfigError, NAMESPACE, StackConfig, StackSecrets } from "../config";
import { mebibytes } from "../config/rules";
import type { Platform } from "../platform";
import type { Endpoint, NatsConnection, PerService } from "./types";

export interface NatsLayer {
    readonly endpoint: Endpoint;
    readonly services: PerService<NatsConnection>;
    /** The system account's operator user, for monitoring and the nats CLI (password secret). */
    readonly operator: { readonly user: string; readonly password: pulumi.Output<string> };
    /** external only: the accounts block (bcrypt hashes, secret) to include in the existing server's config. */
    readonly accountsConf?: pulumi.Output<string>;
}

/** TLS material; read once `natsTlsCert` / `natsTlsKey` are among the stack's secret keys. */
type NatsTlsSecrets = { readonly natsTlsCert?: pulumi.Output<string>; readonly natsTlsKey?: pulumi.Output<string> };

/** The queue transport services are told to use: nats only when NATS is enabled and chosen. */
export function queueTransport(cfg: Pick<StackConfig, "nats">): "valkey" | "nats" {
    return cfg.nats.enabled && cfg.nats.queueTransport === "nats" ? "nats" : "valkey";
}

/** Plan options from validated config (pure). */
export function natsPlanOptions(cfg: Pick<StackConfig, "nats" | "profile">): Omit<NatsPlanOptions, "serverName"> {
    const n = cfg.nats;
    return {
        maxMemoryStoreMb: n.maxMemoryStoreMb ?? 0,
        maxFileStoreMb: n.maxFileStoreMb ?? 0,
        volumeMb: mebibytes(n.storageSize),
        accounts: n.accounts,
        tls: n.tls,
        clientPort: cfg.profile === "external" ? n.port : undefined,
    };
}

/** Validates and plans, throwing a ConfigError naming `stellaops:nats.*` keys before anything is registered. */
export function natsPlan(cfg: Pick<StackConfig, "nats" | "profile">): NatsPlan {
    const opts = { ...natsPlanOptions(cfg), serverName: "nats" };
    const problems = checkNatsOptions(opts);
    if (problems.length > 0) throw new ConfigError(problems.map((p) => `${NAMESPACE}:nats.${p.path.join(".")}: ${p.message}`));
    return planNats(opts);
}

/** Files for `npm run render`: nats/nats-server.conf (passwords as $<USER>_PASSWORD_BCRYPT) only when enabled. */
export function natsRenderFiles(cfg: Pick<StackConfig, "nats" | "profile">): Partial<Record<typeof NATS_CONF_FILE, string>> {
    return cfg.nats.enabled ? renderNatsFiles(natsPlan(cfg)) : {};
}

function tlsMaterial(cfg: StackConfig, secrets: StackSecrets & NatsTlsSecrets): { cert: pulumi.Output<string>; key: pulumi.Output<string> } | undefined {
    if (!cfg.nats.tls || cfg.profile === "external") return undefined;
    const missing = (["natsTlsCert", "natsTlsKey"] as const).filter((k) => !secrets[k]);
    if (missing.length > 0) throw new ConfigError(missing.map((k) => `${NAMESPACE}:${k}: expected a secret PEM (pulumi config set --secret ${NAMESPACE}:${k} < file) when ${NAMESPACE}:nats.tls is true`));
    return { cert: secrets.natsTlsCert!, key: secrets.natsTlsKey! };
}

export function deployNats(cfg: StackConfig, secrets: StackSecrets, platform: Platform): NatsLayer | undefined {
    if (!cfg.nats.enabled) return undefined;
    if (platform.kind === "aws") {
        throw new ConfigError([`${NAMESPACE}:nats.enabled: expected false: the aws profile has no managed NATS; run NATS as an external server and use profile external for it`]);
    }
    // Everything that can fail is checked before the first registration.
    const plan = natsPlan(cfg);
    const tls = tlsMaterial(cfg, secrets);
    const options = natsPlanOptions(cfg);
    let host: pulumi.Input<string>;
    let ready: pulumi.Resource[];
    let passwords: Readonly<Record<string, pulumi.Output<string>>>;
    let accountsConf: pulumi.Output<string> | undefined;
    switch (platform.kind) {
        case "dev": {
            const c = new NatsContainer(
                "nats",
                { containerName: `${platform.namePrefix}-nats`, image: cfg.images.nats, networkName: platform.network.name, bindAddress: platform.bindAddress, hostPort: platform.ports.nats, options, tls },
                { providers: [platform.provider] },
            );
            [host, ready, passwords] = [c.host, [c.server.container], c.credentials.passwords];
            break;
        }
        case "airgap": {
            const s = new NatsStatefulSet(
                "nats",
                { namespace: platform.namespace, image: cfg.images.nats, storageSize: cfg.nats.storageSize, storageClass: platform.storageClass, options, tls, clients: platform.clients },
                { providers: [platform.provider] },
            );
            [host, ready, passwords] = [s.host, [s.server.statefulSet], s.credentials.passwords];
            break;
        }
        case "external": {
            // The server exists; the stack owns the accounts: passwords here, hashes for the operator.
            const creds = credentialsFor("nats-credentials", plan);
            accountsConf = secretNatsAccounts(plan, creds.bcryptHashes);
            [host, ready, passwords] = [cfg.nats.host!, [], creds.passwords];
            break;
        }
    }
    const port = plan.clientPort;
    const url = pulumi.interpolate`${cfg.nats.tls ? "tls" : "nats"}://${host}:${port}`;
    const services: PerService<NatsConnection> = {};
    for (const a of plan.accounts) {
        services[a.service] = { url, user: a.user, password: passwords[a.user], subjects: a.subjects, streams: a.streams };
    }
    return {
        endpoint: { host, port, ready },
        services,
        operator: { user: plan.system.user, password: passwords[plan.system.user] },
        ...(accountsConf && { accountsConf }),
    };
}
