/**
 * What taking over existing objects takes, from a `pulumi preview --json` of the fresh stack
 * (every URN the program registers, with its known inputs). Pure.
 * - providers: explicit providers to create first (`pulumi up --target`), so imports can use them;
 * - importFile: `pulumi import --file` input: the components as empty shells, and every resource
 *   whose provider can import it, with its id (PostgreSQL database, schemas, extensions, roles;
 *   S3 buckets with their versioning, lock, lifecycle and access settings; MinIO-compatible users
 *   and policies);
 * - passwords: the RandomPasswords whose value must be an existing password, by URN. They are not
 *   imported: `pulumi import` of a RandomPassword takes the password as its id and the engine
 *   journals that id in plaintext (`importID` of the pending operation, seen in the state
 *   backup). They are created (`pulumi up --target`), then given the value as a secret (state.ts).
 * Everything else (grants, memberships, default privileges, the Valkey ACL users' dynamic
 * resource, policies) is created by the next `pulumi up`, which re-applies what exists.
 */

/** One step of `pulumi preview --json`. */
export interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly newState?: { readonly type: string; readonly custom?: boolean; readonly parent?: string; readonly provider?: string; readonly inputs?: Record<string, unknown> };
}

/** Existing credentials by dependency and key: PostgreSQL by psql variable stem (service or `migrator`), the others by service or user. */
export interface ExistingPasswords {
    readonly postgres?: Readonly<Record<string, string>>;
    readonly valkey?: Readonly<Record<string, string>>;
    readonly objectStore?: Readonly<Record<string, string>>;
    readonly nats?: Readonly<Record<string, string>>;
}

export interface ImportFile {
    readonly nameTable: Record<string, string>;
    readonly resources: { type: string; name: string; id?: string; component?: boolean; parent?: string; provider?: string }[];
}

export interface Adoption {
    readonly providers: readonly string[];
    readonly importFile: ImportFile;
    /** RandomPassword URN to the existing password it must hold. */
    readonly passwords: ReadonlyMap<string, string>;
    /** Keys of `ExistingPasswords` that match no RandomPassword of the program (a typo, or nothing to adopt). */
    readonly unmatched: readonly string[];
}

const name = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const typeChain = (urn: string) => urn.split("::")[2].split("$");
const parentType = (urn: string) => typeChain(urn).slice(-2, -1)[0];
const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/** What an id may be built from: the resource's known inputs, the database, its sibling bucket's name. */
interface IdContext {
    readonly database: string;
    /** The name of the Bucket registered under the same parent (StorageBucket), for its configurations. */
    readonly bucket?: string;
}

/** The bucket a bucket configuration belongs to (its `bucket` input is the Bucket's output, unknown in a preview). */
const ofBucket = (i: Record<string, unknown>, c: IdContext) => text(i.bucket) ?? c.bucket;

/** Import ids as each provider documents them; undefined: not importable (or not known in a preview). */
const IDS: Record<string, (i: Record<string, unknown>, c: IdContext) => string | undefined> = {
    "postgresql:index/database:Database": (i) => text(i.name),
    "postgresql:index/schema:Schema": (i, c) => text(i.name) && `${text(i.database) ?? c.database}.${i.name}`,
    "postgresql:index/extension:Extension": (i, c) => text(i.name) && `${text(i.database) ?? c.database}.${i.name}`,
    "postgresql:index/role:Role": (i) => text(i.name),
    "aws:s3/bucket:Bucket": (i) => text(i.bucket),
    "aws:s3/bucketVersioning:BucketVersioning": ofBucket,
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": ofBucket,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ofBucket,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ofBucket,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ofBucket,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ofBucket,
    "minio:index/iamUser:IamUser": (i) => text(i.name),
    "minio:index/iamPolicy:IamPolicy": (i) => text(i.name),
};

/** Where a RandomPassword's value comes from: its parent component and its own name. */
function credentialKey(urn: string): [keyof ExistingPasswords, string] | undefined {
    const parent = parentType(urn) ?? "";
    const own = name(urn);
    const m = (re: RegExp) => re.exec(own)?.[1];
    // The role model's logins, made by the provider or (airgap, bootstrap: job) by the in-cluster Job.
    if (parent === "stellaops:postgres:ServiceSchemas" || parent === "stellaops:postgres:BootstrapJob") return m(/-password-([a-z0-9]+)$/) ? ["postgres", m(/-password-([a-z0-9]+)$/)!] : undefined;
    if (parent.startsWith("stellaops:valkey:")) return m(/-password-([a-z0-9]+)$/) ? ["valkey", m(/-password-([a-z0-9]+)$/)!] : undefined;
    if (parent === "stellaops:objectstore:RustfsServiceUsers" || parent === "stellaops:objectstore:BootstrapJob") return m(/-([a-z0-9]+)-secret$/) ? ["objectStore", m(/-([a-z0-9]+)-secret$/)!] : undefined;
    if (parent === "stellaops:nats:Credentials") return m(/-credentials-([a-z0-9]+)$/) ? ["nats", m(/-credentials-([a-z0-9]+)$/)!] : undefined;
    // The backup role (backup-role.sql's `backup_password`) and the backup bucket's writer and reader.
    if (parent === "stellaops:backup:BackupRole") return /-password$/.test(own) ? ["postgres", "backup"] : undefined;
    if (parent === "stellaops:backup:BackupStorage") return m(/-(writer|reader)-secret$/) ? ["objectStore", `backup-${m(/-(writer|reader)-secret$/)}`] : undefined;
    return undefined;
}

export function planAdoption(steps: readonly PreviewStep[], existing: ExistingPasswords, database: string): Adoption {
    const creates = steps.filter((s) => s.op === "create" && s.newState);
    const providers = creates.filter((s) => s.newState!.type.startsWith("pulumi:providers:") && !name(s.urn).startsWith("default")).map((s) => s.urn);
    const nameTable: Record<string, string> = {};
    providers.forEach((urn) => (nameTable[name(urn)] = urn));
    const resources: ImportFile["resources"] = [];
    const components = new Set(creates.filter((s) => s.newState!.custom === false && s.newState!.type !== "pulumi:pulumi:Stack").map((s) => s.urn));
    // Parents and providers by name: components are imported in the same file, providers exist already.
    const parentOf = (s: PreviewStep) => (s.newState!.parent && components.has(s.newState!.parent) ? name(s.newState!.parent) : undefined);
    const providerOf = (s: PreviewStep) => {
        const ref = s.newState!.provider;
        const urn = ref?.slice(0, ref.lastIndexOf("::"));
        return providers.includes(urn ?? "") ? name(urn!) : undefined;
    };
    for (const c of creates.filter((x) => components.has(x.urn))) resources.push({ type: c.newState!.type, name: name(c.urn), component: true, ...(parentOf(c) && { parent: parentOf(c) }) });
    const passwords = new Map<string, string>();
    const used = new Set<string>();
    for (const s of creates) {
        const type = s.newState!.type;
        const sibling = creates.find((x) => x.newState!.type === "aws:s3/bucket:Bucket" && x.newState!.parent === s.newState!.parent);
        const id = IDS[type]?.(s.newState!.inputs ?? {}, { database, bucket: text(sibling?.newState!.inputs?.bucket) });
        const [parent, provider] = [parentOf(s), providerOf(s)];
        if (id) resources.push({ type, name: name(s.urn), id, ...(parent && { parent }), ...(provider && { provider }) });
        if (type === "random:index/randomPassword:RandomPassword") {
            const key = credentialKey(s.urn);
            const value = key && existing[key[0]]?.[key[1]];
            if (value !== undefined) {
                passwords.set(s.urn, value);
                used.add(`${key![0]}.${key![1]}`);
            }
        }
    }
    const unmatched = Object.entries(existing).flatMap(([dep, m]) => Object.keys(m ?? {}).map((k) => `${dep}.${k}`)).filter((k) => !used.has(k));
    return { providers, importFile: { nameTable, resources }, passwords, unmatched };
}
