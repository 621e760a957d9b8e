/**
 * Every plan of a stack, computed once from validated config and the extended catalog, before
 * any resource is registered: the layers, the components, the renderers and the outputs all
 * read these values. A plan's problems become config errors naming `stellaops:<key>`.
 */
import { BackupPlan, planBackup } from "../components/backup/plan";
import { Catalog } from "../components/catalog";
import { CnpgPlan, planCnpg } from "../components/postgres/cnpg-plan";
import { extendCatalog } from "../components/catalog-extend";
import { NatsPlan, planNats } from "../components/nats/plan";
import { queueTransports } from "../components/nats/transport";
import { ObjectStorePlan, planObjectStore } from "../components/objectstore/plan";
import { PostgresPlan, planPostgres } from "../components/postgres/plan";
import { PlanError, Problem } from "../components/problems";
import { RotationPlan, planRotation } from "../components/rotation";
import { planValkeyHa } from "../components/valkey/ha-plan";
import { ValkeyPlan, planValkey } from "../components/valkey/plan";
import { ErasureLayout, planErasure } from "../components/objectstore/rustfs-erasure";
import { ConfigError, StackConfig } from "./config";
import { didYouMean, keyPath } from "./config/format";
import { mebibytes } from "./config/rules";
import { PROFILES } from "./profiles";

export interface StackPlans {
    readonly catalog: Catalog;
    readonly postgres: PostgresPlan;
    readonly valkey: ValkeyPlan;
    readonly objectStore: ObjectStorePlan;
    /** Only with `kubernetes.topology: ha`: PostgreSQL on CloudNativePG. */
    readonly cnpg?: CnpgPlan;
    /** Only with `kubernetes.topology: ha`: the distributed RustFS layout. */
    readonly rustfs?: ErasureLayout;
    /** Only when NATS is enabled. */
    readonly nats?: NatsPlan;
    /** Only where the stack backs PostgreSQL up itself (not on managed services) and `backup.enabled`. */
    readonly backup?: BackupPlan;
    /** Per service: where its queues live (nats only for services with NATS streams). */
    readonly transport: Readonly<Record<string, "valkey" | "nats">>;
    /** Credential generations, handed to every component that generates credentials. */
    readonly rotation: RotationPlan;
}

const line = (section: string, p: Problem) => `${keyPath([section, ...p.path].filter((s) => s !== ""))}: ${p.message}, got ${p.input === undefined ? "nothing" : JSON.stringify(p.input)}`;

/** Runs `plan`, turning its PlanError into lines for one ConfigError; other errors are bugs and propagate. */
function collect<T>(problems: string[], plan: () => T): T | undefined {
    try {
        return plan();
    } catch (err) {
        if (!(err instanceof PlanError)) throw err;
        problems.push(...err.problems.map((p) => line(err.section, p)));
        return undefined;
    }
}

/** The catalog this stack runs with: StellaOps' services plus the config's additions. */
export function stackCatalog(cfg: StackConfig): Catalog {
    const router = cfg.valkey.router;
    return extendCatalog({ services: cfg.services, buckets: cfg.objectStore.buckets, router });
}

/**
 * The PostgreSQL plan reports its first problem as `<field>: expected ...`: as a PlanError here,
 * with schema names checked against the catalog.
 * TODO(lead): move both into components/postgres/plan.ts once its owner is done.
 */
function postgresPlanErrors<T>(catalog: Catalog, schemaNames: Readonly<Record<string, string>>, plan: () => T): T {
    const unknown = Object.keys(schemaNames).filter((k) => !catalog.schemas.some((s) => s.name === k));
    if (unknown.length > 0) throw new PlanError("postgres", unknown.map((k) => ({ path: ["schemaNames", k], message: `expected a catalog schema (${catalog.schemas.map((s) => s.name).join(", ")})`, input: k })));
    try {
        return plan();
    } catch (err) {
        const m = /^([A-Za-z0-9_.[\]]+): (expected.*)$/s.exec((err as Error).message);
        if (!m) throw err;
        throw new PlanError("postgres", [{ path: m[1].split("."), message: m[2], input: undefined }]);
    }
}

/** planRotation over the stack's catalog; an unknown service gets the closest catalog name as a suggestion. */
function stackRotation(cfg: StackConfig, catalog: Catalog): RotationPlan {
    const names = catalog.services.map((s) => s.name);
    try {
        return planRotation(cfg.rotation, catalog);
    } catch (err) {
        if (!(err instanceof PlanError)) throw err;
        const unknown = (p: Problem) => p.path[0] === "services" && !names.includes(String(p.path[1])) && p.input === p.path[1];
        throw new PlanError(err.section, err.problems.map((p) => (unknown(p) ? { ...p, message: `${p.message}${didYouMean(String(p.path[1]), names)}` } : p)));
    }
}

/** The backup bucket is named after the stack's buckets: `<sharedBucket or bucketPrefix or stellaops>-backups`. */
function backupBucketStem(cfg: StackConfig): string {
    const os = cfg.objectStore;
    return ("sharedBucket" in os && os.sharedBucket) || ("bucketPrefix" in os && os.bucketPrefix) || "stellaops";
}

export function planStack(cfg: StackConfig): StackPlans {
    const p = PROFILES[cfg.profile];
    const problems: string[] = [];
    const catalog = collect(problems, () => stackCatalog(cfg));
    if (!catalog) throw new ConfigError(problems);
    const rotation = collect(problems, () => stackRotation(cfg, catalog));
    const pg = cfg.postgres;
    const postgres = collect(problems, () =>
        postgresPlanErrors(catalog, pg.schemaNames, () => planPostgres(
            {
                database: pg.database,
                createDatabase: "createDatabase" in pg ? pg.createDatabase : true,
                rolePrefix: pg.rolePrefix,
                schemaNames: pg.schemaNames,
                extensions: pg.extensions,
                extensionsSchema: pg.extensionsSchema,
                connectionLimit: pg.connectionLimit,
                statementTimeoutMs: pg.statementTimeoutMs,
                adminSuperuser: p.postgresAdmin === "superuser" || (p.postgresAdmin === "configured" && "adminIsSuperuser" in pg && pg.adminIsSuperuser),
            },
            catalog,
        )),
    );
    const ha = "kubernetes" in cfg && cfg.kubernetes.topology === "ha";
    const v = cfg.valkey;
    const valkey = collect(problems, () => {
        const base = planValkey(
            {
                maxmemoryMb: "maxmemoryMb" in v ? v.maxmemoryMb : undefined,
                cacheMaxmemoryMb: "cacheMaxmemoryMb" in v ? v.cacheMaxmemoryMb : undefined,
                evictionPolicy: "evictionPolicy" in v ? v.evictionPolicy : undefined,
                nonceTtlSeconds: v.nonceTtlSeconds,
                cacheTtlSeconds: v.cacheTtlSeconds,
                cacheTtlOverrides: v.cacheTtlOverrides,
                rateLimitWindowSeconds: v.rateLimitWindowSeconds,
                keyPrefixes: v.keyPrefixes,
                userPrefix: v.userPrefix,
                split: "split" in v ? v.split : undefined,
                // ElastiCache always encrypts in transit.
                tls: "tls" in v ? v.tls : p.servers === "managed",
            },
            catalog,
        );
        return ha ? planValkeyHa(base, { replicas: ("replicas" in v ? v.replicas : undefined) ?? 2 }) : base;
    });
    const os = cfg.objectStore;
    const objectStore = collect(problems, () =>
        planObjectStore(
            {
                layout: p.bucketLayout,
                sharedBucket: "sharedBucket" in os ? os.sharedBucket : "stellaops",
                bucketPrefix: "bucketPrefix" in os ? os.bucketPrefix : undefined,
                objectLock: os.objectLock,
                backendSupportsLock: "backendSupportsLock" in os ? os.backendSupportsLock : true,
                retention: os.evidenceRetention,
                replayExpirationDays: os.replayExpirationDays,
            },
            catalog,
        ),
    );
    const k = "kubernetes" in cfg ? cfg.kubernetes : undefined;
    const cnpg =
        ha && postgres && "instances" in pg && "images" in cfg && k
            ? collect(problems, () =>
                  planCnpg(
                      {
                          major: Number(pg.version),
                          image: cfg.images.postgres,
                          pgbouncerImage: ("pgbouncer" in cfg.images ? cfg.images.pgbouncer : undefined) ?? "",
                          storageSize: pg.storageSize,
                          storageClass: k.storageClass,
                          walStorageSize: pg.walStorageSize,
                          instances: pg.instances,
                          synchronous: pg.synchronous,
                          pooler: pg.pooler,
                          backupSchedule: pg.backupSchedule,
                          backupRetention: pg.backupRetention,
                          zoneSpread: k.zoneSpread,
                          rolePrefix: pg.rolePrefix,
                      },
                      postgres,
                  ),
              )
            : undefined;
    const rustfs = ha && "nodes" in os ? collect(problems, () => planErasure({ nodes: os.nodes ?? 4, volumesPerNode: os.volumesPerNode ?? 1, parity: os.parity })) : undefined;
    const n = cfg.nats;
    const natsOn = n.enabled && "queueTransport" in n && n.queueTransport === "nats";
    const nats =
        n.enabled && "maxMemoryStoreMb" in n
            ? collect(problems, () =>
                  planNats(
                      {
                          maxMemoryStoreMb: n.maxMemoryStoreMb,
                          maxFileStoreMb: n.maxFileStoreMb,
                          volumeMb: "storageSize" in n ? mebibytes(n.storageSize) : undefined,
                          accounts: n.accounts,
                          queueTransport: n.queueTransport,
                          tls: n.tls,
                          cluster: ha,
                      },
                      catalog,
                  ),
              )
            : undefined;
    const b = "backup" in cfg ? cfg.backup : undefined;
    const backup =
        b?.enabled && postgres
            ? collect(problems, () => planBackup(postgres, { ...b, bucket: b.bucket ?? `${backupBucketStem(cfg)}-backups` }, cfg.postgres.rolePrefix))
            : undefined;
    if (problems.length > 0) throw new ConfigError(problems);
    const transport = queueTransports(catalog, natsOn ? "nats" : "valkey");
    return { catalog, postgres: postgres!, valkey: valkey!, objectStore: objectStore!, ...(rustfs && { rustfs }), ...(cnpg && { cnpg }), nats, ...(backup && { backup }), transport, rotation: rotation! };
}
