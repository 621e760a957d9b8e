/**
 * The one table of resource types that hold data, or guard it: deleting or replacing one loses
 * data or its history. Components protect and retain exactly these (`keep`), the policy pack
 * requires them protected, and the offline plan diff (tools/plan-diff) flags their deletion,
 * replacement or lost protection (policy/stateful.ts re-exports it). test/policy/stateful.test.ts keeps it equal to what the four
 * stacks protect, so it lists no type nothing creates. It imports nothing: components, tools and
 * the policy pack (loaded by the policy host from policy/) all read it as plain data.
 */

export interface StatefulEntry {
    /** What is lost with it, for messages and reviewers. */
    readonly holds: string;
    /** Only resources of the type whose inputs pass this hold data; all of them when absent. */
    readonly when?: (inputs: Readonly<Record<string, unknown>>) => boolean;
}

export const STATEFUL = {
    "postgresql:index/database:Database": { holds: "the database holding every service's schema" },
    "postgresql:index/schema:Schema": { holds: "a service's schema and its tables" },
    // A service logs in with its role and creates its tables as that role, so the role owns
    // them; dropping it reassigns them away from the service. Group roles (NOLOGIN) own no data.
    // An input not known yet (preview) counts as a login.
    "postgresql:index/role:Role": { holds: "a service login role, owner of that service's tables", when: (i) => i.login !== false && i.login !== undefined },
    "docker:index/volume:Volume": { holds: "a dev server's data directory" },
    "kubernetes:core/v1:Namespace": { holds: "everything in it, PVCs included" },
    // A StatefulSet without volume claim templates (Sentinels) keeps nothing.
    "kubernetes:apps/v1:StatefulSet": {
        holds: "the volume claim templates behind the servers' PVCs",
        when: (i) => ((i.spec as { volumeClaimTemplates?: unknown[] } | undefined)?.volumeClaimTemplates?.length ?? 0) > 0,
    },
    // CloudNativePG makes the Cluster the owner of its PVCs: deleting it deletes the data.
    "kubernetes:postgresql.cnpg.io/v1:Cluster": { holds: "the CloudNativePG cluster, owner of its instances' volumes" },
    "aws:rds/instance:Instance": { holds: "the PostgreSQL server and its automated backups" },
    "aws:elasticache/replicationGroup:ReplicationGroup": { holds: "Valkey streams and queues" },
    "aws:s3/bucket:Bucket": { holds: "SBOMs, evidence bundles and replayable outputs" },
    // Deleting these does not delete objects, but it suspends versioning or drops the default
    // retention, so later overwrites and deletions lose the history evidence depends on.
    "aws:s3/bucketVersioning:BucketVersioning": { holds: "object history (versioning)" },
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": { holds: "default retention of evidence (object lock)" },
} as const satisfies Record<string, StatefulEntry>;

/** A type token listed in STATEFUL. */
export type StatefulType = keyof typeof STATEFUL;

export const STATEFUL_TYPES: ReadonlySet<string> = new Set(Object.keys(STATEFUL));

/** The type can hold data (some of its resources may not: see `isStatefulResource`). */
export const isStateful = (type: string): type is StatefulType => STATEFUL_TYPES.has(type);

/** This resource holds data: its type is listed and its inputs match the entry's `when`. */
export function isStatefulResource(type: string, inputs: Readonly<Record<string, unknown>>): boolean {
    if (!isStateful(type)) return false;
    const entry: StatefulEntry = STATEFUL[type];
    return entry.when ? entry.when(inputs) : true;
}

/** What `keep` returns: `pulumi up` refuses to delete or replace it, `pulumi destroy` leaves it. */
export interface KeepOptions {
    readonly protect: true;
    readonly retainOnDelete: true;
}

/**
 * Resource options for a resource of a stateful type, e.g.
 * `{ parent: this, ...keep("aws:rds/instance:Instance") }`. Naming the type ties the component to
 * this table: a type missing here fails `npm run typecheck`, and (from plain JS) throws.
 */
export function keep(type: StatefulType): KeepOptions {
    if (!isStateful(type)) throw new Error(`${String(type)} is not in components/stateful.ts: add it there with what it holds`);
    return { protect: true, retainOnDelete: true };
}
