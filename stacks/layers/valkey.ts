/**
 * Valkey layer: the plan from validated config, the server(s) the profile runs (containers,
 * StatefulSets, ElastiCache, or ACL users on an existing server), and per-service connection
 * settings: URL, ACL user, password (secret), key prefixes and TTLs.
 */
import * as pulumi from "@pulumi/pulumi";
import { ValkeyElastiCache } from "../../components/valkey/aws";
import { ValkeyContainers } from "../../components/valkey/docker";
import { ValkeyExternalUsers } from "../../components/valkey/external";
import { ValkeyStatefulSets } from "../../components/valkey/kubernetes";
import { InstanceKey, ValkeyPlan, planValkey } from "../../components/valkey/plan";
import { renderValkeyFiles } from "../../components/valkey/render";
import type { Passwords } from "../../components/valkey/credentials";
import { ConfigError, StackConfig, StackSecrets } from "../config";
import { awsNetwork, Platform } from "../platform";
import type { Endpoint, PerService, ValkeyConnection } from "./types";

export interface ValkeyServiceConnection extends ValkeyConnection {
    /** redis(s)://host:port of the instance holding the service's cache keys (equals url without split). */
    readonly cacheUrl: pulumi.Input<string>;
}

export interface ValkeyLayer {
    /** The (coordination) instance; `ready` covers every instance. */
    readonly endpoint: Endpoint;
    readonly services: PerService<ValkeyServiceConnection>;
    /** Operator login for people (absent on external: the server's owners have theirs). */
    readonly operator?: { readonly user: string; readonly password: pulumi.Output<string> };
}

interface Servers {
    readonly endpoints: Partial<Record<InstanceKey, { readonly host: pulumi.Input<string>; readonly port: number }>>;
    readonly passwords: Passwords;
    readonly ready: pulumi.Resource[];
    readonly tls: boolean;
    readonly operator: boolean;
}

/** TLS material for servers the stack runs; read once `valkeyTlsCert` / `valkeyTlsKey` are among the stack's secret keys. */
export type ValkeyTlsSecrets = { readonly valkeyTlsCert?: pulumi.Output<string>; readonly valkeyTlsKey?: pulumi.Output<string> };

function tlsMaterial(cfg: StackConfig, secrets: StackSecrets & ValkeyTlsSecrets, platform: Platform): { cert: pulumi.Output<string>; key: pulumi.Output<string> } | undefined {
    if (!cfg.valkey.tls || (platform.kind !== "dev" && platform.kind !== "airgap")) return undefined;
    const missing = (["valkeyTlsCert", "valkeyTlsKey"] as const).filter((k) => !secrets[k]);
    if (missing.length > 0) throw new ConfigError(missing.map((k) => `stellaops:${k}: expected a secret PEM (pulumi config set --secret stellaops:${k} < file) when stellaops:valkey.tls is true`));
    return { cert: secrets.valkeyTlsCert!, key: secrets.valkeyTlsKey! };
}

/** Limits of a profile, checked before anything is registered. */
function checkProfile(cfg: StackConfig, secrets: StackSecrets, platform: Platform): void {
    const v = cfg.valkey;
    if (platform.kind !== "external") return;
    const problems: string[] = [];
    if (v.split) problems.push("stellaops:valkey.split: expected false on profile external: the existing server is one instance");
    if (!v.host) problems.push("stellaops:valkey.host: expected the host of the existing Valkey server (profile external)");
    if (!secrets.valkeyAdminPassword) problems.push("stellaops:valkeyAdminPassword: expected a secret (pulumi config set --secret stellaops:valkeyAdminPassword ...)");
    if (problems.length > 0) throw new ConfigError(problems);
}

type Tls = ReturnType<typeof tlsMaterial>;

function servers(cfg: StackConfig, secrets: StackSecrets, platform: Platform, plan: ValkeyPlan, tls: Tls): Servers {
    const v = cfg.valkey;
    switch (platform.kind) {
        case "dev": {
            const c = new ValkeyContainers(
                "valkey",
                { plan, image: cfg.images.valkey, networkName: platform.network.name, bindAddress: platform.bindAddress, hostPort: platform.ports.valkey, namePrefix: platform.namePrefix, tls },
                { providers: [platform.provider] },
            );
            return { endpoints: c.endpoints, passwords: c.passwords, ready: c.servers.map((s) => s.container), tls: plan.tls, operator: true };
        }
        case "airgap": {
            const s = new ValkeyStatefulSets(
                "valkey",
                { plan, namespace: platform.namespace, image: cfg.images.valkey, storageSize: v.storageSize, storageClass: platform.storageClass, clients: platform.clients, tls },
                { providers: [platform.provider] },
            );
            return { endpoints: s.endpoints, passwords: s.passwords, ready: s.servers.map((x) => x.statefulSet), tls: plan.tls, operator: true };
        }
        case "aws": {
            const e = new ValkeyElastiCache(
                "valkey",
                {
                    plan,
                    namePrefix: platform.namePrefix,
                    nodeType: v.nodeType,
                    replicas: v.replicas,
                    ...awsNetwork(platform),
                },
                { providers: [platform.provider] },
            );
            // Transit encryption is always required on ElastiCache.
            return { endpoints: e.endpoints, passwords: e.passwords, ready: e.replicationGroups, tls: true, operator: true };
        }
        case "external": {
            const x = new ValkeyExternalUsers("valkey", { plan, host: v.host!, port: v.port, adminUser: v.adminUser, adminPassword: secrets.valkeyAdminPassword! });
            return { endpoints: { main: { host: x.host, port: x.port } }, passwords: x.passwords, ready: [x.acl], tls: plan.tls, operator: false };
        }
    }
}

export function deployValkey(cfg: StackConfig, secrets: StackSecrets & ValkeyTlsSecrets, platform: Platform): ValkeyLayer {
    checkProfile(cfg, secrets, platform);
    const tls = tlsMaterial(cfg, secrets, platform);
    const plan = planValkey(cfg.valkey);
    const srv = servers(cfg, secrets, platform, plan, tls);
    const scheme = srv.tls ? "rediss" : "redis";
    const url = (key: InstanceKey): pulumi.Output<string> => {
        const e = srv.endpoints[key]!;
        return pulumi.interpolate`${scheme}://${e.host}:${e.port}`;
    };
    const services: PerService<ValkeyServiceConnection> = {};
    for (const s of plan.services) {
        services[s.service] = { url: url(s.instance), cacheUrl: url(s.cacheInstance), user: s.user, password: srv.passwords[s.user], prefixes: { ...s.prefixes }, ttls: { ...s.ttls } };
    }
    const primary = srv.endpoints[plan.instances[0].key]!;
    return {
        endpoint: { host: primary.host, port: primary.port, ready: srv.ready },
        services,
        operator: srv.operator ? { user: plan.operator, password: srv.passwords[plan.operator] } : undefined,
    };
}

/**
 * What `npm run render` writes for Valkey: valkey/valkey.conf + valkey/users.acl (or one pair per
 * split instance). No hashes are known offline, so every user but default is rendered off with
 * no password; Pulumi deploys the same lines with hashes of the generated passwords.
 */
export function valkeyRenderFiles(cfg: StackConfig): Record<string, string> {
    return renderValkeyFiles(planValkey(cfg.valkey));
}
