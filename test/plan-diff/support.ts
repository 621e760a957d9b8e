/** Hand-built offline plans (the JSON of tools/plan.ts) for the plan-diff tests. */
import type { PlanJson } from "../../tools/plan";
import type { PlanResource } from "../../tools/plan-diff/diff";

export function res(type: string, name: string, inputs: Record<string, unknown> = {}, more: Partial<PlanResource> = {}): PlanResource {
    return { type, name, parent: null, protect: false, retainOnDelete: false, dependsOn: [], inputs, ...more };
}

export function plan(resources: PlanResource[], outputs: Record<string, unknown> = {}, stack = "dev"): PlanJson {
    return { stack, resources, outputs };
}

export const DB = "postgresql:index/database:Database";
export const SCHEMA = "postgresql:index/schema:Schema";
export const GRANT = "postgresql:index/grant:Grant";
export const BUCKET = "aws:s3/bucket:Bucket";
export const RDS = "aws:rds/instance:Instance";
export const STS = "kubernetes:apps/v1:StatefulSet";
export const VOLUME = "docker:index/volume:Volume";
export const CONTAINER = "docker:index/container:Container";
export const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
export const CACHE = "aws:elasticache/replicationGroup:ReplicationGroup";

/** The valkey.conf the dev stack uploads, cut to its memory section, with `maxmemory` set. */
export function valkeyConf(maxmemory: string): string {
    return [
        "# Valkey valkey (combined), rendered from the StellaOps catalog; do not edit.",
        "port 6379",
        "aclfile /etc/valkey-acl/users.acl",
        "dir /data",
        "appendonly yes",
        "appendfsync everysec",
        "save 3600 1 300 100 60 10000",
        "",
        "# Memory. Only keys with a TTL (caches) are evicted; streams and queues have none.",
        `maxmemory ${maxmemory}`,
        "maxmemory-policy volatile-lru",
        "",
        "enable-debug-command no",
        "enable-module-command no",
        "",
    ].join("\n");
}

/** A dev Valkey container as the offline plan records it: conf uploaded, aclfile secret. */
export function valkeyContainer(maxmemory: string, more: Record<string, unknown> = {}): PlanResource {
    const uploads = [
        { content: valkeyConf(maxmemory), file: "/etc/valkey/valkey.conf" },
        { content: "[secret]", file: "/etc/valkey-acl/users.acl" },
    ];
    return res(CONTAINER, "valkey-main-container", { name: "stellaops-valkey", command: ["valkey-server", "/etc/valkey/valkey.conf"], restart: "unless-stopped", uploads, ...more });
}

export const KEEP = { protect: true, retainOnDelete: true };
