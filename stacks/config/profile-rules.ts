/**
 * Rules that span sections, keyed on the profile descriptor's capabilities (never on a profile's
 * name): mirrored images, published ports, managed networks, NATS. Rules that need a plan's knowledge (bucket layout, catalog) live in that plan. They run
 * inside zod (superRefine) so every problem is reported in one error.
 */
import type { z } from "zod";
import { PROFILES, ProfileDescriptor } from "../profiles";
import type { StackConfig } from "./schema";

/**
 * Registries and mirrors on the internet that an air-gapped stack must never name. `*.x` matches
 * x and every host under it.
 */
export const PUBLIC_REGISTRY_HOSTS = [
    "*.docker.io",
    "*.docker.com",
    "*.gcr.io",
    "*.pkg.dev",
    "ghcr.io",
    "*.quay.io",
    "public.ecr.aws",
    "registry.k8s.io",
    "mcr.microsoft.com",
    "registry.redhat.io",
    "registry.access.redhat.com",
    "nvcr.io",
    "cgr.dev",
    "registry.gitlab.com",
    "docker.elastic.co",
    "registry.suse.com",
    "container-registry.oracle.com",
];

/** Whether a registry host (with or without a port) is one of the public registries above. */
export function isPublicRegistry(registry: string): boolean {
    const host = registry.replace(/:\d+$/, "").toLowerCase();
    return PUBLIC_REGISTRY_HOSTS.some((p) => (p.startsWith("*.") ? host === p.slice(2) || host.endsWith(p.slice(1)) : host === p));
}

const DIGEST_REF = /^([a-z0-9.-]+(?::[0-9]{1,5})?)\/([a-z0-9][a-z0-9._\-/]*)@sha256:[a-f0-9]{64}$/;
const LOOPBACK = /^127\./;

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

const issue = (ctx: Ctx, path: Path, message: string, input: unknown) => ctx.addIssue({ code: "custom", path, message, input });

export function checkProfile(cfg: StackConfig, ctx: Ctx): void {
    const p: ProfileDescriptor = PROFILES[cfg.profile];
    if (p.mirroredImages && "images" in cfg && "kubernetes" in cfg) checkMirror(cfg, ctx);
    if ("docker" in cfg) checkDocker(cfg, ctx);
    if ("aws" in cfg) checkAwsNetwork(cfg, ctx);
    checkNats(cfg, p, ctx);
    checkTopology(cfg, p, ctx);
    checkBootstrap(cfg, ctx);
}

/** With in-cluster bootstrap Jobs, Pulumi never connects to PostgreSQL or S3: their admin addresses would be ignored. */
function checkBootstrap(cfg: StackConfig, ctx: Ctx): void {
    if (!("kubernetes" in cfg) || cfg.kubernetes.bootstrap !== "job") return;
    const pg = cfg.postgres as Partial<Record<string, unknown>>;
    const os = cfg.objectStore as Partial<Record<string, unknown>>;
    for (const [section, key, value] of [["postgres", "adminHost", pg.adminHost], ["postgres", "adminPort", pg.adminPort], ["objectStore", "providerEndpoint", os.providerEndpoint]] as const) {
        if (value !== undefined) issue(ctx, [section, key], "not used with kubernetes.bootstrap: job (the Jobs run in the cluster; set bootstrap: direct to reach the servers from the runner)", value);
    }
}

/** Keys read only with `kubernetes.topology: ha` are refused with `single`: they would be ignored. */
function checkTopology(cfg: StackConfig, p: ProfileDescriptor, ctx: Ctx): void {
    const topology = "kubernetes" in cfg ? cfg.kubernetes.topology : undefined;
    if (topology === "ha") {
        // CloudNativePG archives continuously into the backup bucket: ha has no backup-less mode.
        if ("backup" in cfg && !cfg.backup.enabled) issue(ctx, ["backup", "enabled"], "expected true with kubernetes.topology: ha (PostgreSQL archives its WAL and base backups into the backup bucket)", false);
        return;
    }
    for (const [section, keys] of Object.entries(p.haKeys ?? {})) {
        const values = (cfg as unknown as Record<string, Record<string, unknown>>)[section] ?? {};
        // They have no default in the dictionary, so present means set.
        for (const key of keys ?? []) if (values[key] !== undefined) issue(ctx, [section, key], "not used with kubernetes.topology: single (read with topology: ha)", values[key]);
    }
}

interface MirrorInputs {
    readonly profile: string;
    readonly kubernetes: { readonly mirrorRegistry?: string };
    readonly images: Readonly<Record<string, string | undefined>>;
    readonly nats: { readonly enabled: boolean };
    readonly backup?: { readonly enabled: boolean };
}

function checkMirror(cfg: MirrorInputs, ctx: Ctx): void {
    const mirror = cfg.kubernetes.mirrorRegistry;
    if (mirror === undefined) return issue(ctx, ["kubernetes", "mirrorRegistry"], `expected the mirror registry host (profile ${cfg.profile} pulls only from a mirror)`, undefined);
    if (isPublicRegistry(mirror)) issue(ctx, ["kubernetes", "mirrorRegistry"], `expected a private mirror registry, not a public registry (profile ${cfg.profile})`, mirror);
    for (const [name, ref] of Object.entries(cfg.images)) {
        // Images of parts that are off are never pulled.
        if ((name === "nats" && !cfg.nats.enabled) || (name === "backup" && cfg.backup?.enabled === false)) continue;
        if (ref === undefined) continue; // optional images (pgbouncer) are required where they are read
        const m = DIGEST_REF.exec(ref);
        if (m && m[1] === mirror) continue;
        issue(ctx, ["images", name], `expected ${mirror}/<repository>@sha256:<64 hex> (profile ${cfg.profile} pulls only from the mirror, by digest)`, ref);
    }
}

function checkDocker(cfg: Extract<StackConfig, { docker: unknown }>, ctx: Ctx): void {
    const d = cfg.docker;
    if (!LOOPBACK.test(d.bindAddress) && !d.exposeOnNetwork) {
        issue(ctx, ["docker", "bindAddress"], "expected a loopback address (127.x), or docker.exposeOnNetwork: true to publish PostgreSQL, Valkey and RustFS on that network", d.bindAddress);
    }
    // Every host port a container publishes: a clash would only surface halfway through `pulumi up`.
    const published: [string, number][] = [
        ["postgres", d.ports.postgres],
        ["valkey", d.ports.valkey],
        ...(cfg.valkey.split ? ([["valkey (split cache instance: valkey + 1)", d.ports.valkey + 1]] as [string, number][]) : []),
        ["rustfs", d.ports.rustfs],
        ...(cfg.nats.enabled ? ([["nats", d.ports.nats]] as [string, number][]) : []),
    ];
    published.forEach(([name, port], i) => {
        const clash = published.slice(0, i).find(([, other]) => other === port);
        if (clash) issue(ctx, ["docker", "ports", name.split(" ")[0]], `expected a host port no other server publishes: ${port} is also ${clash[0]}'s`, port);
    });
}

function checkAwsNetwork(cfg: Extract<StackConfig, { aws: unknown }>, ctx: Ctx): void {
    const a = cfg.aws;
    if (a.allowedCidrs.length + a.allowedSecurityGroupIds.length === 0) {
        issue(ctx, ["aws", "allowedSecurityGroupIds"], "expected at least one allowed security group or CIDR (aws.allowedCidrs) for the StellaOps services", a.allowedSecurityGroupIds);
    }
}

function checkNats(cfg: StackConfig, p: ProfileDescriptor, ctx: Ctx): void {
    const n = cfg.nats as Partial<Record<string, unknown>> & { enabled: boolean };
    if (!n.enabled) {
        if (n.queueTransport === "nats") issue(ctx, ["nats", "queueTransport"], "expected valkey while nats.enabled is false (set nats.enabled: true to move queues to NATS)", n.queueTransport);
        return;
    }
    if (!p.nats) {
        issue(ctx, ["nats", "enabled"], `expected false: the ${p.name} profile has no NATS; run NATS as an existing server and use the external profile for it`, true);
        return;
    }
    for (const key of ["maxMemoryStoreMb", "maxFileStoreMb"]) if (n[key] === undefined) issue(ctx, ["nats", key], `expected the JetStream ${key === "maxMemoryStoreMb" ? "memory" : "file"}-store limit in MiB when nats.enabled is true`, undefined);
    if ((p.keys.nats ?? []).includes("host") && n.host === undefined) issue(ctx, ["nats", "host"], "expected the host of the existing NATS server when nats.enabled is true", undefined);
}
