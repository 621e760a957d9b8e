/**
 * What the object storage bootstrap Job runs, as plain files from the plan: one POSIX sh script
 * of MinIO client (`mc`) commands, each service's identity policy (servicePolicy) and each
 * bucket's lifecycle rules as JSON files. Every command is idempotent on its own, so a second
 * run changes nothing and succeeds: `mb --ignore-existing`, `version enable`, `retention set
 * --default`, `ilm rule import` (replaces the whole configuration), `admin user add` (updates
 * the secret of an existing user), `admin policy create` (replaces the document), and `admin
 * policy attach`, where only MinIO's "already in effect" answer counts as success. Secrets
 * never appear here: the script reads them from the environment. Pure.
 */
import { PolicyDocument, servicePolicy } from "./access-policy";
import type { BucketSpec, ObjectStorePlan } from "./plan";

/** Where the ConfigMap is mounted in the Job's container. */
export const BOOTSTRAP_DIR = "/bootstrap";
export const SCRIPT_FILE = "bootstrap.sh";
/** The mc alias the script defines through MC_HOST_<alias>. */
export const MC_ALIAS = "target";
/** What MinIO answers (XMinioAdminPolicyChangeAlreadyApplied) when a policy is attached again; older mc releases fail on it. */
export const ALREADY_ATTACHED = "The specified policy change is already in effect.";
/** MinIO-compatible servers take access keys of 3 to 20 characters; the user name is the service name. */
export const ACCESS_KEY_LENGTH = { min: 3, max: 20 } as const;

/** A user beyond the plan's services, with its own identity policy (the backup writer and reader). */
export interface ExtraIdentity {
    /** User name and access key (3 to 20 characters); its policy gets the same name. */
    readonly user: string;
    readonly policy: PolicyDocument;
}

export interface ObjectStoreScriptOptions {
    /** Prefix of the policy names (`<policyPrefix>-<service>`). */
    readonly policyPrefix: string;
    /**
     * Per-service users and policies through the MinIO-compatible admin API; false for a backend
     * without it (every service then shares the root credentials, as the direct flow does).
     * @default true
     */
    readonly users?: boolean;
    /**
     * Seconds to wait for the S3 endpoint to answer before failing.
     * @default 300
     */
    readonly waitSeconds?: number;
    /** Buckets beyond the plan's (the backup bucket), made the same way. @default none */
    readonly extraBuckets?: readonly BucketSpec[];
    /** Users beyond the plan's services (needs users). @default none */
    readonly extraIdentities?: readonly ExtraIdentity[];
    /**
     * Services that hold a second user `<service>-b` with the service's policy (slot b of a
     * rotation, components/rotation.ts), so the previous secret stays valid. @default none
     */
    readonly slotB?: readonly string[];
}

/** One user the script makes: access key, policy name and document, the variable carrying its secret key. */
export interface PlannedIdentity {
    readonly user: string;
    readonly policyName: string;
    readonly policy: PolicyDocument;
    /** SECRET_KEY_<USER>: upper case, hyphens as underscores. */
    readonly env: string;
    /** What it may do, for the script's comment. */
    readonly summary: string;
}

/** Environment variable carrying a user's secret key (`SECRET_KEY_SCANNER`, `SECRET_KEY_STELLAOPS_BACKUP_W`). */
export const secretKeyEnv = (user: string): string => `SECRET_KEY_${user.toUpperCase().replace(/-/g, "_")}`;
export const policyName = (prefix: string, service: string): string => `${prefix}-${service}`;
export const policyFile = (user: string): string => `policy-${user}.json`;
export const lifecycleFile = (bucket: BucketSpec): string => `lifecycle-${bucket.name}.json`;

/** A bucket's lifecycle in the JSON `mc ilm rule import` reads (minio-go's lifecycle.Configuration). */
export function lifecycleDocument(bucket: BucketSpec) {
    return {
        Rules: bucket.lifecycle.map((r) => ({
            ID: r.id,
            Status: "Enabled",
            Filter: { Prefix: r.prefix },
            Expiration: { Days: r.expirationDays },
            NoncurrentVersionExpiration: { NoncurrentDays: r.noncurrentDays },
        })),
    };
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The plan's buckets and the extra ones; throws naming a name used twice. */
export function allBuckets(plan: ObjectStorePlan, opts: ObjectStoreScriptOptions): BucketSpec[] {
    const all = [...plan.buckets, ...(opts.extraBuckets ?? [])];
    all.forEach((b, i) => {
        if (all.findIndex((x) => x.name === b.name) !== i) throw new Error(`extraBuckets: expected bucket names used once, "${b.name}" repeats one`);
    });
    return all;
}

/** Every user the script makes: one per service with bucket uses, then the extras; validated as access keys. */
export function identities(plan: ObjectStorePlan, opts: ObjectStoreScriptOptions): PlannedIdentity[] {
    const extras = opts.extraIdentities ?? [];
    if (opts.users === false) {
        if (extras.length > 0) throw new Error("extraIdentities: expected none without users (the backend has no admin API)");
        return [];
    }
    const service = (s: ObjectStorePlan["services"][number], user: string): PlannedIdentity => ({ user, policyName: policyName(opts.policyPrefix, s.service), policy: servicePolicy(s), env: secretKeyEnv(user), summary: s.grants.map((g) => `${g.access} ${g.bucket}/${g.prefix}`).join(", ") });
    const out: PlannedIdentity[] = [
        ...plan.services.map((s) => service(s, s.service)),
        ...extras.map((x) => ({ user: x.user, policyName: x.user, policy: x.policy, env: secretKeyEnv(x.user), summary: "its own policy" })),
    ];
    // Slot b users come last and share their service's policy (the uniqueness check below covers the others).
    const slotB = plan.services.filter((s) => (opts.slotB ?? []).includes(s.service)).map((s) => service(s, `${s.service}-b`));
    out.forEach((x, i) => {
        const key = i < plan.services.length ? `catalog ${x.user}.name` : `extraIdentities[${i - plan.services.length}].user`;
        if (!/^[a-z][a-z0-9-]*$/.test(x.user) || x.user.length < ACCESS_KEY_LENGTH.min || x.user.length > ACCESS_KEY_LENGTH.max) {
            throw new Error(`${key}: expected ${ACCESS_KEY_LENGTH.min} to ${ACCESS_KEY_LENGTH.max} lowercase letters, digits and hyphens to serve as an access key, got ${JSON.stringify(x.user)}`);
        }
        if (out.findIndex((y) => y.user === x.user || y.env === x.env || y.policyName === x.policyName) !== i) throw new Error(`${key}: expected a user and policy name used once, "${x.user}" repeats one`);
    });
    slotB.forEach((x) => {
        if (x.user.length > ACCESS_KEY_LENGTH.max || out.some((y) => y.user === x.user || y.env === x.env)) throw new Error(`catalog ${x.user.slice(0, -2)}.name: expected at most ${ACCESS_KEY_LENGTH.max - 2} characters and no other user named ${JSON.stringify(x.user)} (its second user after a rotation)`);
    });
    return [...out, ...slotB];
}

function checkOptions(opts: ObjectStoreScriptOptions): void {
    const wait = opts.waitSeconds ?? 300;
    if (!Number.isInteger(wait) || wait < 2) throw new Error(`waitSeconds: expected an integer >= 2, got ${wait}`);
    if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(opts.policyPrefix)) throw new Error(`policyPrefix: expected lowercase letters, digits and hyphens, got ${JSON.stringify(opts.policyPrefix)}`);
}

function bucketCommands(b: BucketSpec): string[] {
    const target = q(`${MC_ALIAS}/${b.name}`);
    const lock = b.objectLock ? `object lock ${b.objectLock.mode} ${b.objectLock.days} days` : "no object lock";
    const out = [
        `# ${b.name}: ${b.purposes.map((p) => p.purpose).join(", ")}; versioned; ${lock}; ${b.lifecycle.length} lifecycle rule(s)`,
        // Object lock exists only from creation: on an existing bucket without it, `retention set` fails below.
        `mc mb --ignore-existing${b.objectLock ? " --with-lock" : ""} ${target}`,
        `mc version enable ${target}`,
    ];
    if (b.objectLock) out.push(`mc retention set --default ${b.objectLock.mode} ${b.objectLock.days}d ${target}`);
    if (b.lifecycle.length > 0) out.push(`mc ilm rule import ${target} <"$dir/${lifecycleFile(b)}"`);
    return out;
}

function userCommands(users: readonly PlannedIdentity[]): string[] {
    const out = [
        "",
        "# attach <policy> <user>: succeeds when the policy is attached now or was before (MinIO answers a",
        "# repeat with XMinioAdminPolicyChangeAlreadyApplied, which older mc releases report as a failure).",
        "attach() {",
        `    if out="$(mc admin policy attach ${MC_ALIAS} "$1" --user "$2" 2>&1)"; then printf '%s\\n' "$out"; return 0; fi`,
        '    case "$out" in',
        `    *${q(ALREADY_ATTACHED)}*) echo "policy $1 was already attached to $2" ;;`,
        `    *) printf '%s\\n' "$out" >&2; return 1 ;;`,
        "    esac",
        "}",
    ];
    for (const u of users) {
        out.push(
            `# ${u.user}: ${u.summary}`,
            // The secret goes to mc on stdin, never on a command line.
            `printf '%s\\n' "$${u.env}" | mc admin user add ${MC_ALIAS} ${q(u.user)}`,
            `mc admin policy create ${MC_ALIAS} ${q(u.policyName)} "$dir/${policyFile(u.user)}"`,
            `attach ${q(u.policyName)} ${q(u.user)}`,
        );
    }
    return out;
}

/**
 * The Job's script. Reads S3_ENDPOINT (http[s]://host:port), ROOT_ACCESS_KEY, ROOT_SECRET_KEY,
 * MC_CONFIG_DIR (writable) and, with users, SECRET_KEY_<SERVICE>; BOOTSTRAP_DIR overrides where
 * the files are.
 */
export function renderObjectStoreScript(plan: ObjectStorePlan, opts: ObjectStoreScriptOptions): string {
    checkOptions(opts);
    const wait = opts.waitSeconds ?? 300;
    const users = identities(plan, opts);
    const buckets = allBuckets(plan, opts);
    const required = ["S3_ENDPOINT", "ROOT_ACCESS_KEY", "ROOT_SECRET_KEY", "MC_CONFIG_DIR", ...users.map((u) => u.env)];
    return [
        "#!/bin/sh",
        "# StellaOps dependency layer: object storage bootstrap Job (generated; do not edit).",
        `# Creates every planned bucket (object lock at creation, versioning, default retention, lifecycle)${users.length > 0 ? " and each user with its policy" : ""}`,
        "# with mc as the root user. Idempotent: a second run changes nothing and succeeds.",
        "set -eu",
        `dir="\${BOOTSTRAP_DIR:-${BOOTSTRAP_DIR}}"`,
        ...required.map((v) => `: "\${${v}:?${v} is not set}"`),
        "# mc takes the root credentials from MC_HOST_<alias>: no config file, no command-line argument.",
        'endpoint="${S3_ENDPOINT%/}"',
        `export MC_HOST_${MC_ALIAS}="\${endpoint%%://*}://$ROOT_ACCESS_KEY:$ROOT_SECRET_KEY@\${endpoint#*://}"`,
        "waited=0",
        `until out="$(mc ls ${MC_ALIAS} 2>&1)"; do`,
        `    if [ "$waited" -ge ${wait} ]; then printf 'S3 endpoint %s did not answer within ${wait}s: %s\\n' "$endpoint" "$out" >&2; exit 1; fi`,
        "    sleep 2",
        "    waited=$((waited + 2))",
        "done",
        "",
        ...buckets.flatMap(bucketCommands),
        ...(users.length > 0 ? userCommands(users) : []),
        `echo "object storage bootstrap applied: ${buckets.length} buckets${users.length > 0 ? `, ${users.length} users` : ""}"`,
    ].join("\n") + "\n";
}

/** The ConfigMap's files: the script, a policy per user, a lifecycle per bucket that has rules. */
export function objectStoreFiles(plan: ObjectStorePlan, opts: ObjectStoreScriptOptions): Record<string, string> {
    const files: Record<string, string> = { [SCRIPT_FILE]: renderObjectStoreScript(plan, opts) };
    for (const u of identities(plan, opts)) files[policyFile(u.user)] = JSON.stringify(u.policy, null, 2) + "\n";
    for (const b of allBuckets(plan, opts).filter((x) => x.lifecycle.length > 0)) files[lifecycleFile(b)] = JSON.stringify(lifecycleDocument(b), null, 2) + "\n";
    return files;
}
