/**
 * Rules that span sections: what each profile needs, and the air-gapped image rules.
 * They run inside zod (superRefine) so every problem is reported in one error.
 */
import { z } from "zod";

type Raw = {
    profile: "dev" | "airgap" | "aws" | "external";
    postgres: { host?: string };
    valkey: { host?: string; split: boolean };
    objectStore: { endpoint?: string };
    nats: { enabled: boolean; host?: string };
    images: Record<string, string>;
    kubernetes: { mirrorRegistry?: string };
    aws: { region?: string; vpcId?: string; subnetIds: string[]; allowedCidrs: string[]; allowedSecurityGroupIds: string[] };
};

/** Public registries and internet hosts that must never appear in an air-gapped stack. */
export const PUBLIC_REGISTRY_HOSTS = ["docker.io", "registry-1.docker.io", "index.docker.io", "quay.io", "ghcr.io", "gcr.io", "registry.k8s.io", "public.ecr.aws", "mcr.microsoft.com"];

const DIGEST_REF = /^([a-z0-9.-]+(?::[0-9]{1,5})?)\/([a-z0-9][a-z0-9._\-/]*)@sha256:[a-f0-9]{64}$/;

function need(ctx: z.RefinementCtx, ok: boolean, path: (string | number)[], expected: string, input: unknown): void {
    if (!ok) ctx.addIssue({ code: "custom", path, input, message: expected });
}

export function checkProfile(cfg: Raw, ctx: z.RefinementCtx): void {
    switch (cfg.profile) {
        case "external":
            need(ctx, !!cfg.postgres.host, ["postgres", "host"], "expected the host of the existing PostgreSQL server (profile external)", cfg.postgres.host);
            need(ctx, !!cfg.valkey.host, ["valkey", "host"], "expected the host of the existing Valkey server (profile external)", cfg.valkey.host);
            need(ctx, !cfg.valkey.split, ["valkey", "split"], "expected false on profile external: the existing server is one instance", cfg.valkey.split);
            need(ctx, !!cfg.objectStore.endpoint, ["objectStore", "endpoint"], "expected the URL of the existing S3 endpoint (profile external)", cfg.objectStore.endpoint);
            if (cfg.nats.enabled) need(ctx, !!cfg.nats.host, ["nats", "host"], "expected the host of the existing NATS server when NATS is enabled (profile external)", cfg.nats.host);
            break;
        case "airgap":
            checkAirgap(cfg, ctx);
            break;
        case "aws":
            need(ctx, !!cfg.aws.region, ["aws", "region"], "expected an AWS region (profile aws)", cfg.aws.region);
            need(ctx, !!cfg.aws.vpcId, ["aws", "vpcId"], "expected the VPC id (profile aws)", cfg.aws.vpcId);
            need(ctx, cfg.aws.subnetIds.length >= 2, ["aws", "subnetIds"], "expected at least two private subnet ids in different AZs (profile aws)", cfg.aws.subnetIds);
            need(
                ctx,
                cfg.aws.allowedCidrs.length + cfg.aws.allowedSecurityGroupIds.length > 0,
                ["aws", "allowedSecurityGroupIds"],
                "expected at least one allowed security group or CIDR (aws.allowedCidrs) for StellaOps services (profile aws)",
                cfg.aws.allowedSecurityGroupIds,
            );
            need(ctx, !cfg.nats.enabled, ["nats", "enabled"], "expected false: the aws profile has no managed NATS; run NATS as an external server and use profile external for it", cfg.nats.enabled);
            break;
        case "dev":
            break;
    }
}

function checkAirgap(cfg: Raw, ctx: z.RefinementCtx): void {
    const mirror = cfg.kubernetes.mirrorRegistry;
    need(ctx, !!mirror, ["kubernetes", "mirrorRegistry"], "expected the mirror registry host (profile airgap)", mirror);
    if (mirror && PUBLIC_REGISTRY_HOSTS.includes(mirror.replace(/:\d+$/, ""))) {
        ctx.addIssue({ code: "custom", path: ["kubernetes", "mirrorRegistry"], input: mirror, message: "expected a private mirror registry, not a public registry (profile airgap)" });
    }
    for (const [name, ref] of Object.entries(cfg.images)) {
        if (name === "nats" && !cfg.nats.enabled) continue;
        const m = DIGEST_REF.exec(ref);
        const ok = !!m && !!mirror && m[1] === mirror;
        need(ctx, ok, ["images", name], `expected ${mirror ?? "<mirror registry>"}/<repository>@sha256:<64 hex> (profile airgap pulls only from the mirror, by digest)`, ref);
    }
}
