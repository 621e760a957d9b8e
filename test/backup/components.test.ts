/**
 * The backup components under mocks: the airgap CronJob (Forbid, history limits, restricted pods,
 * mirrored images, the client label, credentials only through a secret Secret), the dev loop
 * containers, the backup role and the locked bucket with its two identities; child names
 * prefixed; secrets secret.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PostgresBackupContainers } from "../../components/backup/docker";
import { PostgresBackupCronJob } from "../../components/backup/kubernetes";
import { planBackup } from "../../components/backup/plan";
import { BackupRole } from "../../components/backup/role";
import { BackupStorage } from "../../components/backup/storage";
import { planPostgres } from "../../components/postgres/plan";
import { assertChildNamesPrefixed, byType, findResource, isSecret, resetResources, resources, strings } from "../harness";
import { OPTIONS } from "../postgres/plan.test";

const plan = planBackup(planPostgres(OPTIONS), { bucket: "stellaops-backups" }, OPTIONS.rolePrefix);
const MIRROR = "registry.airgap.internal:5000";
const images = { postgres: `${MIRROR}/library/postgres@sha256:${"a".repeat(64)}`, upload: `${MIRROR}/curlimages/curl@sha256:${"b".repeat(64)}` };
const target = { pgHost: "postgres.stellaops-deps.svc.cluster.local", pgPort: 5432, sslMode: "disable", s3Endpoint: "http://rustfs.stellaops-deps.svc.cluster.local:9000", s3Region: "us-east-1" };
const s3 = { accessKeyId: pulumi.output("backupw"), secretAccessKey: pulumi.secret("writer-secret-value") };

describe("backup components", () => {
    beforeEach(() => resetResources());

    it("PostgresBackupCronJob: Forbid, history limits, restricted non-root pods from mirrored images, admitted by the client label", async () => {
        new PostgresBackupCronJob("backup", { plan, namespace: "stellaops-deps", images, target, pgPassword: pulumi.secret("pg-secret-value"), s3, podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" } });
        const all = await resources();
        assertChildNamesPrefixed(all);
        const spec = findResource(all, "kubernetes:batch/v1:CronJob", "backup-cronjob").inputs.spec as any;
        assert.deepStrictEqual([spec.schedule, spec.concurrencyPolicy, spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit], ["17 2 * * *", "Forbid", 3, 3]);
        const pod = spec.jobTemplate.spec.template;
        assert.strictEqual(pod.metadata.labels["app.kubernetes.io/part-of"], "stellaops");
        assert.deepStrictEqual(pod.spec.securityContext, { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: "RuntimeDefault" } });
        const steps = [...pod.spec.initContainers, ...pod.spec.containers];
        assert.deepStrictEqual(steps.map((c: any) => [c.name, c.image, c.command.join(" ")]), [
            ["dump", images.postgres, "sh /opt/stellaops-backup/stellaops-backup.sh dump"],
            ["upload", images.upload, "sh /opt/stellaops-backup/stellaops-backup.sh upload"],
        ]);
        for (const c of steps) {
            assert.deepStrictEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
            assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
            assert.ok(!strings(c.env).some((v) => v.includes("secret-value")), `${c.name}: no secret in the pod spec`);
        }
        const secret = findResource(all, "kubernetes:core/v1:Secret", "backup-credentials");
        const secretAt = (r: { secretPaths: readonly string[] }, path: string) => r.secretPaths.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
        for (const key of ["PGPASSWORD", "AWS_SECRET_ACCESS_KEY"]) assert.ok(secretAt(secret, `stringData.${key}`), `${key} stays secret: ${secret.secretPaths}`);
        const script = findResource(all, "kubernetes:core/v1:ConfigMap", "backup-script").inputs.data as Record<string, string>;
        assert.match(script["stellaops-backup.sh"], /^#!\/bin\/sh/);
    });

    it("PostgresBackupContainers: a dump loop from the PostgreSQL image and an upload loop from the curl image, no published port", async () => {
        new PostgresBackupContainers("backup", { plan, namePrefix: "stellaops", networkName: "stellaops-deps", images, target, pgPassword: pulumi.secret("pg-secret-value"), s3 });
        const all = await resources();
        assertChildNamesPrefixed(all);
        const [dumpR, uploadR] = ["backup-dump", "backup-upload"].map((n) => findResource(all, "docker:index/container:Container", n));
        const [dump, upload] = [dumpR.rawInputs, uploadR.rawInputs] as any[];
        assert.deepStrictEqual([dump.entrypoints, dump.command, upload.command], [["sh", "/opt/stellaops-backup/stellaops-backup.sh"], ["loop", "dump"], ["loop", "upload"]]);
        assert.ok(!dump.ports && !upload.ports);
        assert.ok(dumpR.secretPaths.some((p) => p.startsWith("envs")) && uploadR.secretPaths.some((p) => p.startsWith("envs")), "env carrying passwords and keys is secret");
        assert.ok(!strings(dumpR.inputs).some((v) => v.includes("secret-value")) && !strings(uploadR.inputs).some((v) => v.includes("secret-value")));
        assert.ok(strings(dump.envs).includes("BACKUP_INTERVAL_SECONDS=86400"));
        const spool = findResource(all, "docker:index/volume:Volume", "backup-spool");
        assert.ok(spool.protect && spool.retainOnDelete, "dumps not yet uploaded live on the spool: kept like every volume");
    });

    it("BackupRole: the planned login with BYPASSRLS and pg_read_all_data, CONNECT only, a secret generated password", async () => {
        const role = new BackupRole("backup-role", { plan });
        const all = await resources();
        assertChildNamesPrefixed(all);
        const r = findResource(all, "postgresql:index/role:Role", "backup-role-role").inputs;
        assert.deepStrictEqual([r.name, r.login, r.bypassRowLevelSecurity, r.roles, r.statementTimeout], ["stellaops_backup", true, true, ["pg_read_all_data"], 0]);
        const g = findResource(all, "postgresql:index/grant:Grant", "backup-role-connect").inputs;
        assert.deepStrictEqual([g.objectType, g.privileges, g.database], ["database", ["CONNECT"], "stellaops"]);
        assert.ok(await isSecret(role.password));
    });

    it("BackupStorage: the locked bucket, protected and retained, and a put-only writer and a read-only reader", async () => {
        const st = new BackupStorage("backup-storage", { plan, backend: "s3compatible", users: true });
        const all = await resources();
        assertChildNamesPrefixed(all);
        const lock = findResource(all, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "backup-storage-bucket-lock");
        assert.deepStrictEqual((lock.inputs.rule as any).defaultRetention, { mode: "GOVERNANCE", days: 35 });
        assert.ok(lock.protect && findResource(all, "aws:s3/bucket:Bucket", "backup-storage-bucket-bucket").retainOnDelete);
        const policies = byType(all, "minio:index/iamPolicy:IamPolicy").map((p) => [p.inputs.name, JSON.parse(String(p.inputs.policy))]);
        assert.deepStrictEqual(policies, [["stellaops-backup-w", plan.writerPolicy], ["stellaops-backup-r", plan.readerPolicy]]);
        assert.ok(await isSecret(st.writer!.secretAccessKey) && (await isSecret(st.reader!.secretAccessKey)));
    });
});
