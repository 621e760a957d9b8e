/**
 * Pure plan of PostgreSQL on CloudNativePG (airgap, `kubernetes.topology: ha`): instance count,
 * synchronous replication, storage, placement, the PgBouncer pooler and its pool sizes, backups,
 * and every physical name. Options in, plain data out; problems are reported as
 * `PlanError("postgres", ...)` with paths relative to the `postgres` config section.
 */
import { Problems } from "../problems";
import type { PostgresPlan } from "./plan";
import { cronProblem } from "./cnpg-schedule";
import type { SynchronousSpec } from "./cnpg-types";

export interface CnpgOptions {
    /** Name of the Cluster; its Services are `<name>-rw`, `-ro`, `-r`. @default "postgres" */
    readonly clusterName?: string;
    /** PostgreSQL instances: one primary, the rest hot standbys. @default 3 */
    readonly instances?: number;
    /** Major version of `image` (the ImageCatalog entry; CNPG cannot read it from a digest). */
    readonly major: number;
    /** CloudNativePG-compatible PostgreSQL image, `<mirror>/<repository>@sha256:<digest>`. */
    readonly image: string;
    /** CloudNativePG's PgBouncer image from the mirror (it runs the operator's pooler manager). */
    readonly pgbouncerImage: string;
    /** PVC size per instance. */
    readonly storageSize: string;
    /** @default the cluster's default StorageClass */
    readonly storageClass?: string;
    /** A separate WAL volume per instance of this size. @default none: WAL on the data volume */
    readonly walStorageSize?: string;
    /** @default { method: "any", number: 1, dataDurability: "required" } */
    readonly synchronous?: Partial<SynchronousSpec>;
    /** Whether instances must be in different zones (needs as many zones as instances). @default "preferred" */
    readonly zoneSpread?: "required" | "preferred";
    /** Node label naming a zone. @default "topology.kubernetes.io/zone" */
    readonly zoneKey?: string;
    /** PgBouncer in front of the primary. @default { instances: 2, mode: "session", maxClientConnections: 1000 } */
    readonly pooler?: { readonly instances?: number; readonly mode?: "session" | "transaction"; readonly maxClientConnections?: number };
    /** robfig/cron with seconds (six fields, seconds first) or a descriptor (@daily). @default "0 0 2 * * *" */
    readonly backupSchedule?: string;
    /** Recovery window kept in the object store, `<n>d|w|m`. @default "30d" */
    readonly backupRetention?: string;
    /** Prefix of the pooler's auth role (the role model's `rolePrefix`). */
    readonly rolePrefix: string;
}

export interface CnpgNames {
    readonly cluster: string;
    /** Read-write Service CNPG creates: always the primary. */
    readonly rwService: string;
    readonly catalog: string;
    readonly superuserSecret: string;
    readonly backupSecret: string;
    readonly objectStore: string;
    readonly scheduledBackup: string;
    readonly pooler: string;
    readonly poolerAuthSecret: string;
}

export interface CnpgPoolerPlan {
    readonly instances: number;
    readonly mode: "session";
    /** Server connections per (database, user) on each PgBouncer: the role limit shared out. */
    readonly defaultPoolSize: number;
    readonly maxClientConnections: number;
    /** The login PgBouncer runs its auth query as (owned by the stack, not CNPG). */
    readonly authRole: string;
    readonly authConnectionLimit: number;
    /** SECURITY DEFINER lookup in schema public of the database, `<fn>(text)`. */
    readonly lookupFunction: string;
    /** `spec.pgbouncer.parameters`. */
    readonly parameters: Readonly<Record<string, string>>;
}

export interface CnpgPlan {
    readonly names: CnpgNames;
    readonly instances: number;
    readonly major: number;
    readonly image: string;
    readonly pgbouncerImage: string;
    readonly storage: { readonly size: string; readonly storageClass?: string };
    readonly walStorage?: { readonly size: string; readonly storageClass?: string };
    readonly synchronous: SynchronousSpec;
    /** `max_connections`: every login role's limit, the pooler's auth role, and headroom. */
    readonly maxConnections: number;
    readonly zoneKey: string;
    readonly zoneSpread: "required" | "preferred";
    readonly pooler: CnpgPoolerPlan;
    readonly backup: { readonly schedule: string; readonly retention: string };
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const RETENTION = /^[1-9][0-9]*[dwm]$/;
/** superuser_reserved_connections (3), the instance manager, replication and probes. */
const HEADROOM = 20;

/** Validates and derives the CNPG plan from its options and the role model it serves. */
export function planCnpg(opts: CnpgOptions, access: Pick<PostgresPlan, "roles">): CnpgPlan {
    const p = new Problems();
    const cluster = opts.clusterName ?? "postgres";
    const instances = opts.instances ?? 3;
    const sync: SynchronousSpec = { method: "any", number: 1, dataDurability: "required", ...opts.synchronous };
    const poolerInstances = opts.pooler?.instances ?? 2;
    const mode = opts.pooler?.mode ?? "session";
    const maxClientConnections = opts.pooler?.maxClientConnections ?? 1000;
    const schedule = opts.backupSchedule ?? "0 0 2 * * *";
    const retention = opts.backupRetention ?? "30d";
    const logins = access.roles.filter((r) => r.login);
    const limits = access.roles.filter((r) => r.kind === "service").map((r) => r.connectionLimit);
    const serviceLimit = limits.length > 0 ? Math.min(...limits) : 1;

    p.need(DNS_LABEL.test(cluster), ["clusterName"], "expected a DNS label of at most 40 characters (CNPG appends -rw, -1, -pooler)", cluster);
    p.need(Number.isInteger(instances) && instances >= 3 && instances <= 9, ["instances"], "expected an integer from 3 to 9 (one primary and at least two standbys: a drain and a failure at once)", instances);
    p.need([16, 17, 18].includes(opts.major), ["version"], "expected 16, 17 or 18 (the major version of images.postgres)", opts.major);
    p.need(sync.method === "any" || sync.method === "first", ["synchronous", "method"], "expected any (quorum) or first (priority)", sync.method);
    p.need(sync.dataDurability === "required" || sync.dataDurability === "preferred", ["synchronous", "dataDurability"], "expected required or preferred", sync.dataDurability);
    if (p.need(Number.isInteger(sync.number) && sync.number >= 1 && sync.number <= instances - 1, ["synchronous", "number"], `expected an integer from 1 to instances - 1 (${instances - 1})`, sync.number)) {
        p.need(
            sync.dataDurability !== "required" || sync.number <= instances - 2,
            ["synchronous", "number"],
            `expected at most instances - 2 (${instances - 2}) with dataDurability required: draining one node must not stop every write (or set dataDurability: preferred)`,
            sync.number,
        );
    }
    p.need(mode === "session", ["pooler", "mode"], "expected session: services hold pg_advisory_lock across transactions while migrating and SET app.current_tenant per session; transaction pooling hands both to other clients", mode);
    if (p.need(Number.isInteger(poolerInstances) && poolerInstances >= 1 && poolerInstances <= 10, ["pooler", "instances"], "expected an integer from 1 to 10", poolerInstances)) {
        p.need(poolerInstances <= serviceLimit, ["pooler", "instances"], `expected at most connectionLimit (${serviceLimit}): each PgBouncer keeps at least one server connection per service`, poolerInstances);
    }
    p.need(Number.isInteger(maxClientConnections) && maxClientConnections >= 10 && maxClientConnections <= 100000, ["pooler", "maxClientConnections"], "expected an integer from 10 to 100000", maxClientConnections);
    const badSchedule = cronProblem(schedule);
    p.need(badSchedule === undefined, ["backupSchedule"], badSchedule ?? "", schedule);
    p.need(RETENTION.test(retention), ["backupRetention"], "expected <n>d, <n>w or <n>m (a recovery window, e.g. 30d)", retention);
    p.throwIfAny("postgres");

    const defaultPoolSize = Math.floor(serviceLimit / poolerInstances);
    const authConnectionLimit = poolerInstances * defaultPoolSize;
    const storage = { size: opts.storageSize, ...(opts.storageClass && { storageClass: opts.storageClass }) };
    return {
        names: {
            cluster,
            rwService: `${cluster}-rw`,
            catalog: `${cluster}-images`,
            superuserSecret: `${cluster}-superuser`,
            backupSecret: `${cluster}-backup-s3`,
            objectStore: `${cluster}-backups`,
            scheduledBackup: `${cluster}-scheduled`,
            pooler: `${cluster}-pooler`,
            poolerAuthSecret: `${cluster}-pooler-auth`,
        },
        instances,
        major: opts.major,
        image: opts.image,
        pgbouncerImage: opts.pgbouncerImage,
        storage,
        ...(opts.walStorageSize && { walStorage: { ...storage, size: opts.walStorageSize } }),
        synchronous: sync,
        maxConnections: Math.max(100, logins.reduce((n, r) => n + r.connectionLimit, 0) + authConnectionLimit + HEADROOM),
        zoneKey: opts.zoneKey ?? "topology.kubernetes.io/zone",
        zoneSpread: opts.zoneSpread ?? "preferred",
        pooler: {
            instances: poolerInstances,
            mode: "session",
            defaultPoolSize,
            maxClientConnections,
            authRole: `${opts.rolePrefix}pooler_auth`,
            authConnectionLimit,
            lookupFunction: `${opts.rolePrefix}pooler_lookup`,
            parameters: {
                default_pool_size: String(defaultPoolSize),
                max_client_conn: String(maxClientConnections),
                // Npgsql sends `Search Path` as a startup parameter, which PgBouncer refuses unless
                // told to ignore it; the role's own search_path (ServiceSchemas) is the same value.
                ignore_startup_parameters: "search_path",
                // Session mode resets a server connection when its client leaves: DISCARD ALL drops
                // session settings (app.current_tenant) and releases advisory locks.
                server_reset_query: "DISCARD ALL",
            },
        },
        backup: { schedule, retention },
    };
}
