/**
 * The stack's configuration: every `stellaops:*` key, validated once by zod before any resource
 * is registered. Secrets never pass through zod: they are read with getSecret and stay Outputs;
 * one set in plaintext is refused. A namespace that is a typo of `stellaops` is refused too, so a
 * misspelt section cannot silently fall back to defaults.
 */
import * as pulumi from "@pulumi/pulumi";
import { distance } from "fastest-levenshtein";
import { PROFILES, PROFILE_NAMES, ProfileName, SECRET_KEYS, SecretKey } from "../profiles";
import { ConfigError, NAMESPACE, formatIssue } from "./format";
import { ConfigFor, StackConfig, stackConfigSchema } from "./schema";

export { ConfigError, NAMESPACE, SECRET_KEYS };
export type { ConfigFor, SecretKey, StackConfig };
export type Profile = ProfileName;
/** A section as any profile reads it (a union over the profiles). */
export type PostgresConfig = StackConfig["postgres"];
export type ValkeyConfig = StackConfig["valkey"];
export type ObjectStoreConfig = StackConfig["objectStore"];
export type NatsConfig = StackConfig["nats"];

type Listed<T> = T extends readonly (infer K)[] ? K : never;
/** Secrets a profile's row requires are present in its type. */
export type SecretsFor<N extends ProfileName> = Partial<Record<SecretKey, pulumi.Output<string>>> & Record<Listed<(typeof PROFILES)[N]["requiredSecrets"]>, pulumi.Output<string>>;
export type StackSecrets = Partial<Record<SecretKey, pulumi.Output<string>>>;

/** Config and secrets of one profile, together so narrowing one narrows the other. */
export type StackInputFor<N extends ProfileName> = { readonly profile: N; readonly config: ConfigFor<N>; readonly secrets: SecretsFor<N> };
export type StackInput = { [N in ProfileName]: StackInputFor<N> }[ProfileName];

/** Namespaces of the providers this program configures: legal next to `stellaops`. */
const PROVIDER_NAMESPACES = ["aws", "kubernetes", "docker", "postgresql", "random", "minio", "pulumi"];

/**
 * Pure: validates raw `stellaops:*` values (JSON already parsed) and the names of the secret
 * keys that are set. Throws ConfigError naming every bad key.
 */
export function parseStackConfig(raw: Record<string, unknown>, secretsSet: ReadonlySet<SecretKey> = new Set()): StackConfig {
    const result = stackConfigSchema.safeParse(raw, { reportInput: true });
    const profile = PROFILE_NAMES.includes(raw.profile as ProfileName) ? (raw.profile as ProfileName) : undefined;
    if (!result.success) throw new ConfigError(result.error.issues.map((i) => formatIssue(i, profile)));
    const needed = requiredSecrets(result.data);
    const missing = needed.filter((k) => !secretsSet.has(k));
    const unused = [...secretsSet].filter((k) => !usableSecrets(result.data).includes(k));
    const problems = [
        ...missing.map((k) => `${NAMESPACE}:${k}: expected a secret (pulumi config set --secret ${NAMESPACE}:${k} ...), got nothing`),
        ...unused.map((k) => `${NAMESPACE}:${k}: not used by the ${result.data.profile} profile`),
    ];
    if (problems.length > 0) throw new ConfigError(problems);
    return result.data;
}

/** Secrets a profile reads at all: its row's, and TLS material of servers it runs. */
function usableSecrets(cfg: StackConfig): SecretKey[] {
    const p = PROFILES[cfg.profile];
    return [...p.requiredSecrets, ...(p.servers === "runs" ? (["valkeyTlsCert", "valkeyTlsKey", "natsTlsCert", "natsTlsKey"] as const) : [])];
}

/** Secrets a config needs: its row's, plus TLS material for servers the stack runs itself. */
export function requiredSecrets(cfg: StackConfig): SecretKey[] {
    const p = PROFILES[cfg.profile];
    const keys: SecretKey[] = [...p.requiredSecrets];
    if (p.servers === "runs") {
        if (cfg.nats.enabled && "tls" in cfg.nats && cfg.nats.tls) keys.push("natsTlsCert", "natsTlsKey");
        if ("tls" in cfg.valkey && cfg.valkey.tls) keys.push("valkeyTlsCert", "valkeyTlsKey");
    }
    return keys;
}

/** Problems with the keys as set, before their values are read: namespaces and plaintext secrets. */
export function keyProblems(keys: readonly string[], isSecret: (key: string) => boolean): string[] {
    const problems: string[] = [];
    for (const key of keys) {
        const [ns, ...rest] = key.split(":");
        const name = rest.join(":");
        if (ns !== NAMESPACE && !PROVIDER_NAMESPACES.includes(ns) && distance(ns.toLowerCase(), NAMESPACE) <= 2) {
            problems.push(`${key}: unknown namespace "${ns}" (did you mean "${NAMESPACE}:${name}"?)`);
        }
        if (ns === NAMESPACE && (SECRET_KEYS as readonly string[]).includes(name) && !isSecret(key)) {
            problems.push(`${key}: expected a secret, got plaintext (pulumi config set --secret ${key} ...)`);
        }
    }
    return problems;
}

/** Which config keys are secret: the SDK knows (PULUMI_CONFIG_SECRET_KEYS), but does not type it. */
const isConfigSecret = (key: string): boolean => (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret(key);

/** Reads the `stellaops` namespace from the Pulumi runtime: the one place config is read. */
export function readStackConfig(): StackInput {
    const all = pulumi.runtime.allConfig();
    const early = keyProblems(Object.keys(all), isConfigSecret);
    if (early.length > 0) throw new ConfigError(early);
    const prefix = `${NAMESPACE}:`;
    const secretNames = new Set<string>(SECRET_KEYS);
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(all)) {
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
    // parseStackConfig checked the row's required secrets, so the pairing is sound.
    return { profile: config.profile, config, secrets } as StackInput;
}

/** Pulumi hands every value over as a string; objects, lists, numbers and booleans as JSON. */
export function parseValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}
