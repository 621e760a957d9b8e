/**
 * Short content hashes for the names of Kubernetes objects that must be recreated when what
 * they run changes (bootstrap Jobs: a Job's pod template is immutable, and a new name makes
 * Pulumi create the new Job before it deletes the old one). Pure.
 */
import { createHash } from "crypto";

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/** What a Job runs: its mounted files, its plain settings (image, environment) and its secret values. */
export interface JobContent {
    readonly files: Readonly<Record<string, string>>;
    readonly plain: unknown;
    /** Secret values; only their SHA-256 enters the hash. */
    readonly secrets: readonly string[];
}

/**
 * Ten hex digits of a SHA-256 over the files (sorted by name), the plain settings and a SHA-256
 * per secret: a changed file, image or password gives a new hash. Ten digits of a hash of
 * hashes of 190-bit random passwords reveal nothing usable about them, which is why the
 * component may publish the hash (in the Job's name) as a plain value.
 */
export function contentHash(content: JobContent): string {
    const files = Object.fromEntries(Object.entries(content.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return sha256(JSON.stringify({ files, plain: content.plain, secrets: content.secrets.map(sha256) })).slice(0, 10);
}

/** `<prefix>-<hash>`, checked against the 63-character limit of the `job-name` label Kubernetes puts on the pods. */
export function hashedName(prefix: string, hash: string): string {
    const name = `${prefix}-${hash}`;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) throw new Error(`job name: expected a DNS-1123 label of at most 63 characters, got ${JSON.stringify(name)}`);
    return name;
}
