/**
 * The stack's configuration: every `stellaops:*` key, validated once by zod before any
 * resource is registered. Secrets never pass through zod; they are read with getSecret
 * and stay Outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { natsSection } from "./nats";
import { objectStoreSection } from "./objectstore";
import { awsSection, dockerSection, imagesSection, kubernetesSection, profileSection } from "./platform";
import { postgresSection } from "./postgres";
import { checkProfile } from "./profile-rules";
import { valkeySection } from "./valkey";

export const NAMESPACE = "stellaops";

/** Secret keys, read only as secret Outputs. Which ones a profile requires: profile-rules.ts. */
export const SECRET_KEYS = ["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey", "natsTlsCert", "natsTlsKey", "valkeyTlsCert", "valkeyTlsKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export const stackConfigSchema = z
    .strictObject({
        profile: profileSection,
        postgres: postgresSection.default(postgresSection.parse({})),
        valkey: valkeySection.default(valkeySection.parse({})),
        objectStore: objectStoreSection.default(objectStoreSection.parse({})),
        nats: natsSection.default(natsSection.parse({})),
        images: imagesSection.default(imagesSection.parse({})),
        docker: dockerSection.default(dockerSection.parse({})),
        kubernetes: kubernetesSection.default(kubernetesSection.parse({})),
        aws: awsSection.default(awsSection.parse({})),
    })
    .superRefine(checkProfile);

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type Profile = StackConfig["profile"];
export type StackSecrets = Partial<Record<SecretKey, pulumi.Output<string>>>;

/** A configuration error: every problem, one per line, each naming its key. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid stack configuration:\n  ${problems.join("\n  ")}`);
        this.name = "ConfigError";
    }
}

function keyPath(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path.map(String);
    const tail = rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");
    return `${NAMESPACE}:${head ?? "<root>"}${tail}`;
}

function describe(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatIssue(issue: z.core.$ZodIssue): string {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => `${keyPath([...issue.path, k])}: unknown key`).join("\n  ");
    }
    const message = issue.message.startsWith("expected") ? issue.message : `expected ${issue.message.replace(/^Invalid input: expected /, "")}`;
    return `${keyPath(issue.path)}: ${message}, got ${describe(issue.input)}`;
}

/**
 * Pure: validates raw `stellaops:*` values (JSON already parsed) and the names of the secret
 * keys that are set. Throws ConfigError naming every bad key.
 */
export function parseStackConfig(raw: Record<string, unknown>, secretsSet: ReadonlySet<SecretKey> = new Set()): StackConfig {
    const result = stackConfigSchema.safeParse(raw, { reportInput: true });
    if (!result.success) throw new ConfigError(result.error.issues.map(formatIssue));
    const missing = requiredSecrets(result.data).filter((k) => !secretsSet.has(k));
    if (missing.length > 0) {
        throw new ConfigError(missing.map((k) => `${NAMESPACE}:${k}: expected a secret (pulumi config set --secret ${NAMESPACE}:${k} ...), got nothing`));
    }
    return result.data;
}

/** Secrets a profile cannot generate itself: credentials of servers that already exist. */
export function requiredSecrets(cfg: StackConfig): SecretKey[] {
    const keys: SecretKey[] = cfg.profile === "external" ? ["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"] : [];
    // TLS material for servers the stack runs itself (dev containers, airgap StatefulSets).
    const runsServers = cfg.profile === "dev" || cfg.profile === "airgap";
    if (runsServers && cfg.nats.enabled && cfg.nats.tls) keys.push("natsTlsCert", "natsTlsKey");
    if (runsServers && cfg.valkey.tls) keys.push("valkeyTlsCert", "valkeyTlsKey");
    return keys;
}

/** Reads the `stellaops` namespace from the Pulumi runtime: the one place config is read. */
export function readStackConfig(): { config: StackConfig; secrets: StackSecrets } {
    const prefix = `${NAMESPACE}:`;
    const secretNames = new Set<string>(SECRET_KEYS);
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!key.startsWith(prefix)) continue;
        const name = key.slice(prefix.length);
        if (secretNames.has(name)) continue; // never parsed, never unwrapped
        raw[name] = parseValue(value);
    }
    const cfg = new pulumi.Config(NAMESPACE);
    const secrets: StackSecrets = {};
    for (const k of SECRET_KEYS) {
        const v = cfg.getSecret(k);
        if (v !== undefined) secrets[k] = v;
    }
    const config = parseStackConfig(raw, new Set(Object.keys(secrets) as SecretKey[]));
    return { config, secrets };
}

/** Pulumi hands every value over as a string; objects, lists, numbers and booleans as JSON. */
function parseValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}
