/**
 * Tier 1: the pure CloudNativePG plan and the objects built from it, as data: defaults and
 * options, pool and connection sizing from the role model, the schedule format CNPG really
 * parses, problems named under `postgres`, and the specs (session pooling, the auth lookup,
 * synchronous standbys, placement, backups, NetworkPolicy ports).
 */
import * as assert from "assert";
import { CnpgOptions, planCnpg } from "../../components/postgres/cnpg-plan";
import { cronProblem } from "../../components/postgres/cnpg-schedule";
import { clusterSpec, instanceIngress, lookupFunction, objectStoreSpec, poolerIngress, poolerSpec, scheduledBackupSpec } from "../../components/postgres/cnpg-specs";
import { BARMAN_PLUGIN } from "../../components/postgres/cnpg-types";
import { planPostgres } from "../../components/postgres/plan";
import { PlanError } from "../../components/problems";

/* eslint-disable @typescript-eslint/no-explicit-any */
const MIRROR = "registry.internal:5000";
export const PG_IMAGE = `${MIRROR}/cloudnative-pg/postgresql@sha256:${"a".repeat(64)}`;
export const PGBOUNCER_IMAGE = `${MIRROR}/cloudnative-pg/pgbouncer@sha256:${"b".repeat(64)}`;
export const BASE: CnpgOptions = { major: 17, image: PG_IMAGE, pgbouncerImage: PGBOUNCER_IMAGE, storageSize: "50Gi", rolePrefix: "stellaops_" };
export const access = (connectionLimit = 30) =>
    planPostgres({ database: "stellaops", createDatabase: true, rolePrefix: "stellaops_", extensions: ["pgcrypto"], extensionsSchema: "extensions", connectionLimit, statementTimeoutMs: 30000 });
const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };
const peers = { operatorNamespace: "cnpg-system", operatorPodLabels: { "app.kubernetes.io/name": "cloudnative-pg" }, monitoringNamespaces: [] as string[] };

function problems(opts: Partial<CnpgOptions>, limit = 30): { path: string; message: string }[] {
    try {
        planCnpg({ ...BASE, ...opts }, access(limit));
    } catch (err) {
        assert.ok(err instanceof PlanError && err.section === "postgres", String(err));
        return err.problems.map((p) => ({ path: p.path.join("."), message: p.message }));
    }
    return [];
}

describe("CloudNativePG plan (pure)", () => {
    it("defaults: 3 instances, one quorum standby with required durability, session pooler x2, nightly backups kept 30 days", () => {
        const p = planCnpg(BASE, access());
        assert.deepStrictEqual([p.instances, p.synchronous, p.zoneSpread, p.zoneKey], [3, { method: "any", number: 1, dataDurability: "required" }, "preferred", "topology.kubernetes.io/zone"]);
        assert.deepStrictEqual([p.pooler.instances, p.pooler.mode, p.pooler.maxClientConnections], [2, "session", 1000]);
        assert.deepStrictEqual(p.backup, { schedule: "0 0 2 * * *", retention: "30d" });
        assert.deepStrictEqual(p.names, {
            cluster: "postgres",
            rwService: "postgres-rw",
            catalog: "postgres-images",
            superuserSecret: "postgres-superuser",
            backupSecret: "postgres-backup-s3",
            objectStore: "postgres-backups",
            scheduledBackup: "postgres-scheduled",
            pooler: "postgres-pooler",
            poolerAuthSecret: "postgres-pooler-auth",
        });
        assert.deepStrictEqual([p.storage, p.walStorage], [{ size: "50Gi" }, undefined]);
    });

    const cases: [string, Partial<CnpgOptions>, (p: ReturnType<typeof planCnpg>) => unknown, unknown][] = [
        ["5 instances, two priority standbys", { instances: 5, synchronous: { method: "first", number: 2 } }, (p) => [p.instances, p.synchronous], [5, { method: "first", number: 2, dataDurability: "required" }]],
        ["preferred durability allows every standby synchronous", { synchronous: { number: 2, dataDurability: "preferred" } }, (p) => p.synchronous.number, 2],
        ["a WAL volume on the data volume's class", { storageClass: "fast", walStorageSize: "10Gi" }, (p) => [p.storage, p.walStorage], [{ size: "50Gi", storageClass: "fast" }, { size: "10Gi", storageClass: "fast" }]],
        ["zones required, custom zone label", { zoneSpread: "required", zoneKey: "example.com/rack" }, (p) => [p.zoneSpread, p.zoneKey], ["required", "example.com/rack"]],
        ["another cluster name renames every object", { clusterName: "stella-pg" }, (p) => [p.names.rwService, p.names.pooler, p.names.objectStore], ["stella-pg-rw", "stella-pg-pooler", "stella-pg-backups"]],
        ["weekly backups kept 8 weeks", { backupSchedule: "0 30 1 * * SUN", backupRetention: "8w" }, (p) => p.backup, { schedule: "0 30 1 * * SUN", retention: "8w" }],
        ["a descriptor schedule", { backupSchedule: "@every 12h" }, (p) => p.backup.schedule, "@every 12h"],
    ];
    for (const [title, opts, pick, expected] of cases) it(`options: ${title}`, () => assert.deepStrictEqual(pick(planCnpg({ ...BASE, ...opts }, access())), expected));

    it("shares each service role's connection limit out over the PgBouncers and sizes max_connections for every login", () => {
        const a = access(30);
        const p = planCnpg({ ...BASE, pooler: { instances: 3 } }, a);
        assert.deepStrictEqual([p.pooler.defaultPoolSize, p.pooler.authConnectionLimit], [10, 30], "3 x 10 never exceeds the role's 30");
        const logins = a.roles.filter((r) => r.login).reduce((n, r) => n + r.connectionLimit, 0);
        assert.strictEqual(p.maxConnections, logins + 30 + 20);
        assert.ok(p.maxConnections > 100, "8 services x 30 outgrow PostgreSQL's default of 100");
        assert.strictEqual(planCnpg(BASE, access(5)).maxConnections, 100, "never below PostgreSQL's default");
        assert.deepStrictEqual(p.pooler.parameters, { default_pool_size: "10", max_client_conn: "1000", ignore_startup_parameters: "search_path", server_reset_query: "DISCARD ALL" });
    });

    const bad: [string, Partial<CnpgOptions>, string, RegExp, number?][] = [
        ["two instances", { instances: 2 }, "instances", /from 3 to 9/],
        ["a fractional instance count", { instances: 3.5 }, "instances", /integer/],
        ["PostgreSQL 15", { major: 15 }, "version", /16, 17 or 18/],
        ["as many synchronous standbys as standbys, required", { synchronous: { number: 2 } }, "synchronous.number", /at most instances - 2 \(1\) with dataDurability required/],
        ["more synchronous standbys than standbys", { synchronous: { number: 3, dataDurability: "preferred" } }, "synchronous.number", /from 1 to instances - 1 \(2\)/],
        ["no synchronous standby", { synchronous: { number: 0 } }, "synchronous.number", /from 1/],
        ["an unknown method", { synchronous: { method: "all" as never } }, "synchronous.method", /any .* or first/],
        ["an unknown durability", { synchronous: { dataDurability: "strict" as never } }, "synchronous.dataDurability", /required or preferred/],
        ["transaction pooling", { pooler: { mode: "transaction" } }, "pooler.mode", /expected session: .*pg_advisory_lock.*app\.current_tenant/],
        ["more PgBouncers than the role limit", { pooler: { instances: 6 } }, "pooler.instances", /at most connectionLimit \(5\)/, 5],
        ["no PgBouncer", { pooler: { instances: 0 } }, "pooler.instances", /from 1 to 10/],
        ["a tiny client limit", { pooler: { maxClientConnections: 5 } }, "pooler.maxClientConnections", /from 10/],
        ["a CronJob (five-field) schedule", { backupSchedule: "0 2 * * *" }, "backupSchedule", /six fields with seconds first .*sec min hour dom month/],
        ["hour 24", { backupSchedule: "0 0 24 * * *" }, "backupSchedule", /hours within 0-23/],
        ["a bad descriptor", { backupSchedule: "@fortnightly" }, "backupSchedule", /descriptor/],
        ["retention in hours", { backupRetention: "36h" }, "backupRetention", /<n>d, <n>w or <n>m/],
        ["retention of zero days", { backupRetention: "0d" }, "backupRetention", /<n>d/],
        ["a cluster name with dots", { clusterName: "pg.main" }, "clusterName", /DNS label/],
    ];
    for (const [title, opts, path, message, limit] of bad) {
        it(`refuses ${title} under postgres.${path}`, () => {
            const found = problems(opts, limit);
            assert.ok(found.some((p) => p.path === path && message.test(p.message)), JSON.stringify(found));
            for (const p of found) assert.match(p.message, /^expected /);
        });
    }

    it("reports every problem at once", () => {
        assert.deepStrictEqual(problems({ instances: 1, backupRetention: "1y", pooler: { mode: "transaction" } }).map((p) => p.path).sort(), ["backupRetention", "instances", "pooler.mode", "synchronous.number"]);
    });

    it("accepts the schedule forms robfig/cron parses, and no other", () => {
        for (const ok of ["0 0 2 * * *", "*/30 * * * * *", "0 0 0 1,15 * ?", "0 0 3 * JAN-MAR MON-FRI", "0 5-10/5 * * * *", "@daily", "@every 1h30m"]) assert.strictEqual(cronProblem(ok), undefined, ok);
        for (const no of ["", "0 0 2 * * * *", "60 * * * * *", "0 0 0 0 * *", "0 0 0 * 13 *", "0 0 0 * * 7", "0 0 10-5 * * *", "0 0 2 ? * ?x", "0 */0 * * * *"]) assert.notStrictEqual(cronProblem(no), undefined, no);
    });
});

describe("CloudNativePG specs (pure)", () => {
    const plan = planCnpg({ ...BASE, storageClass: "fast", walStorageSize: "10Gi", zoneSpread: "required" }, access());

    it("Cluster: instances, the catalog's major, synchronous standbys, TLS-only TCP, one instance per node, zones, switchover updates, WAL to the plugin", () => {
        const s = clusterSpec(plan);
        assert.deepStrictEqual([s.instances, s.imageCatalogRef], [3, { apiGroup: "postgresql.cnpg.io", kind: "ImageCatalog", name: "postgres-images", major: 17 }]);
        assert.deepStrictEqual(s.postgresql.synchronous, { method: "any", number: 1, dataDurability: "required" });
        assert.deepStrictEqual(s.postgresql.parameters, { max_connections: String(plan.maxConnections) });
        assert.deepStrictEqual(s.postgresql.pg_hba, ["hostnossl all all all reject"]);
        assert.deepStrictEqual(s.affinity, { enablePodAntiAffinity: true, podAntiAffinityType: "required", topologyKey: "kubernetes.io/hostname" });
        assert.deepStrictEqual(s.topologySpreadConstraints, [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "instance" } } }]);
        assert.deepStrictEqual([s.storage, s.walStorage], [{ size: "50Gi", storageClass: "fast" }, { size: "10Gi", storageClass: "fast" }]);
        assert.deepStrictEqual([s.enableSuperuserAccess, s.superuserSecret, s.enablePDB, s.primaryUpdateMethod], [true, { name: "postgres-superuser" }, true, "switchover"]);
        assert.deepStrictEqual(s.plugins, [{ name: BARMAN_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: "postgres-backups", serverName: "postgres" } }]);
        assert.deepStrictEqual(s.bootstrap.initdb.postInitSQL, ["ALTER ROLE app NOLOGIN"], "CNPG's mandatory application owner cannot log in");
        assert.strictEqual("managed" in s, false, "no managed roles: ServiceSchemas owns every StellaOps role");
        assert.strictEqual(clusterSpec(planCnpg(BASE, access())).topologySpreadConstraints[0].whenUnsatisfiable, "ScheduleAnyway");
    });

    it("Pooler: session mode in front of rw, the stack's auth query and Secret, TLS-only clients, the mirrored image, spread", () => {
        const s = poolerSpec(plan);
        assert.deepStrictEqual([s.cluster, s.type, s.instances, s.pgbouncer.poolMode], [{ name: "postgres" }, "rw", 2, "session"]);
        assert.deepStrictEqual(s.pgbouncer.authQuerySecret, { name: "postgres-pooler-auth" });
        assert.strictEqual(s.pgbouncer.authQuery, "SELECT usename, passwd FROM public.stellaops_pooler_lookup($1)");
        assert.deepStrictEqual(s.pgbouncer.pg_hba, ["hostnossl all all 0.0.0.0/0 reject", "hostnossl all all ::/0 reject"]);
        assert.deepStrictEqual(s.template.spec.containers.map((c) => [c.name, c.image]), [["pgbouncer", PGBOUNCER_IMAGE]]);
        assert.deepStrictEqual(s.template.spec.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector.matchLabels]), [
            ["kubernetes.io/hostname", "DoNotSchedule", { "cnpg.io/poolerName": "postgres-pooler" }],
            ["topology.kubernetes.io/zone", "DoNotSchedule", { "cnpg.io/poolerName": "postgres-pooler" }],
        ]);
    });

    it("backups: plugin method on a schedule from a standby, the bucket and retention in the ObjectStore, keys from the Secret", () => {
        assert.deepStrictEqual(scheduledBackupSpec(plan), { schedule: "0 0 2 * * *", immediate: true, cluster: { name: "postgres" }, method: "plugin", pluginConfiguration: { name: BARMAN_PLUGIN }, backupOwnerReference: "self", target: "prefer-standby" });
        const o = objectStoreSpec(plan, "stellaops-postgres-backups", "http://rustfs.stellaops-deps.svc.cluster.local:9000");
        assert.deepStrictEqual([o.configuration.destinationPath, o.configuration.endpointURL, o.retentionPolicy], ["s3://stellaops-postgres-backups/", "http://rustfs.stellaops-deps.svc.cluster.local:9000", "30d"]);
        assert.deepStrictEqual(o.configuration.s3Credentials, {
            accessKeyId: { name: "postgres-backup-s3", key: "ACCESS_KEY_ID" },
            secretAccessKey: { name: "postgres-backup-s3", key: "ACCESS_SECRET_KEY" },
            region: { name: "postgres-backup-s3", key: "REGION" },
        });
    });

    it("NetworkPolicy rules: cluster pods and the operator on 5432 and 8000, clients on 5432, metrics only when asked", () => {
        const rules = instanceIngress(plan, clients, peers);
        assert.deepStrictEqual(rules.map((r: any) => r.ports.map((p: any) => p.port)), [[5432, 8000], [8000, 5432], [5432]]);
        assert.deepStrictEqual((rules[0] as any).from, [{ podSelector: { matchLabels: { "cnpg.io/cluster": "postgres" } } }]);
        assert.deepStrictEqual((rules[1] as any).from, [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["cnpg-system"] }] }, podSelector: { matchLabels: { "app.kubernetes.io/name": "cloudnative-pg" } } }]);
        const watched = instanceIngress(plan, clients, { ...peers, monitoringNamespaces: ["monitoring"] });
        assert.deepStrictEqual((watched[3] as any).ports, [{ protocol: "TCP", port: 9187 }]);
        assert.deepStrictEqual(poolerIngress(clients, { monitoringNamespaces: [] }).map((r: any) => r.ports), [[{ protocol: "TCP", port: 5432 }]]);
        assert.deepStrictEqual((poolerIngress(clients, { monitoringNamespaces: ["monitoring"] })[1] as any).ports, [{ protocol: "TCP", port: 9127 }]);
    });

    it("the auth lookup returns StellaOps service logins only: not the migrator, not postgres", () => {
        const a = access();
        const f = lookupFunction(plan, a.roles.filter((r) => r.kind === "service").map((r) => r.name));
        assert.deepStrictEqual([f.schema, f.name, f.returns, f.language], ["public", "stellaops_pooler_lookup", "TABLE(usename name, passwd text)", "sql"]);
        for (const s of a.services) assert.ok(f.body.includes(`'${s.role}'`), s.role);
        assert.ok(!f.body.includes(a.migrator.role) && !f.body.includes("'postgres'"));
    });
});
