/**
 * What the object storage bootstrap Job's real-server tests need: the MinIO client (`mc`) and a
 * MinIO server, both built from Go modules outside the repo (CI: see `MC_MODULE`/`MINIO_MODULE`),
 * a throwaway MinIO on free loopback ports in a temp dir, and the component under mocks for a
 * given endpoint and root credentials; the test cases (both layouts, the backup extras) and the
 * bucket state as a server reports it.
 */
import { GetBucketLifecycleConfigurationCommand, GetBucketVersioningCommand, GetObjectLockConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ObjectStoreBootstrapJob } from "../../components/objectstore/bootstrap-job";
import type { ExtraIdentity } from "../../components/objectstore/bootstrap-job-script";
import { BucketSpec, ObjectStorePlan, planObjectStore } from "../../components/objectstore/plan";
import { planBackup } from "../../components/backup/plan";
import { planPostgres } from "../../components/postgres/plan";
import { OPTIONS as PG } from "../postgres/plan.test";
import { resetResources, resources, value } from "../harness";
import { LocalJob, localJob } from "../postgres/bootstrap-job-support";
import { freePort, Proc, startProcess, tempDir, waitFor } from "../support/servers";
import { catalogWithEvidenceLocker, OPTIONS } from "./support";

/** `GOTOOLCHAIN=local go install <this>` (3m38s cold on 2 cores, Go 1.26). */
export const MC_MODULE = "github.com/minio/mc@v0.0.0-20250313080218-cf909e1063a9";
/** `GOTOOLCHAIN=local go install <this>` (5m11s cold on 2 cores, Go 1.26). */
export const MINIO_MODULE = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c";

const goBins = [process.env.GOBIN, process.env.GOPATH && path.join(process.env.GOPATH, "bin"), path.join(os.homedir(), "go", "bin")].filter((d): d is string => !!d);

/**
 * The binary `name` from a Go bin dir or PATH whose `--version` says `banner` (PATH's `mc` may be
 * Midnight Commander); under CI a missing one fails, locally the suite skips.
 */
function requireGoBinary(ctx: Mocha.Context, name: string, banner: RegExp, module: string): string {
    const onPath = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
    for (const candidate of [...goBins.map((d) => path.join(d, name)), onPath].filter((c) => c && fs.existsSync(c))) {
        if (banner.test(spawnSync(candidate, ["--version"], { encoding: "utf8" }).stdout ?? "")) return candidate;
    }
    if (process.env.CI === "true") throw new Error(`${name} is not installed; CI must run: GOTOOLCHAIN=local go install ${module}`);
    ctx.skip();
}

export const requireMc = (ctx: Mocha.Context) => requireGoBinary(ctx, "mc", /^mc version /m, MC_MODULE);
export const requireMinio = (ctx: Mocha.Context) => requireGoBinary(ctx, "minio", /^minio version /m, MINIO_MODULE);

export interface Minio {
    readonly url: string;
    readonly root: { readonly accessKey: string; readonly secretKey: string };
    stop(): Promise<void>;
}

/** A single-drive MinIO (versioning and object lock work on it) with generated alphanumeric root keys. */
export async function startMinio(binary: string): Promise<Minio> {
    const dir = tempDir("minio");
    const [port, consolePort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}`;
    const root = { accessKey: `root${Math.random().toString(36).slice(2, 10)}`, secretKey: `secret${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}` };
    const env = { MINIO_ROOT_USER: root.accessKey, MINIO_ROOT_PASSWORD: root.secretKey, MINIO_BROWSER: "off", MINIO_UPDATE: "off", HOME: dir };
    const proc: Proc = startProcess(binary, ["server", path.join(dir, "data"), "--address", `127.0.0.1:${port}`, "--console-address", `127.0.0.1:${consolePort}`, "--quiet"], { env });
    const stop = async () => {
        await proc.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitFor(`minio on ${url}`, async () => (await fetch(`${url}/minio/health/ready`).catch(() => undefined))?.ok === true, 30000);
    } catch (err) {
        const output = proc.output();
        await stop();
        throw new Error(`${String(err)}\n${output}`);
    }
    return { url, root, stop };
}

export interface EvaluatedStoreJob {
    readonly job: LocalJob;
    /** Per service, then per extra identity: access key and secret key from the component's outputs. */
    readonly credentials: Record<string, { accessKeyId: string; secretAccessKey: string }>;
}

/** The component under mocks for `endpoint` (the name decides the mock secret keys). */
export async function evaluateStoreJob(name: string, plan: ObjectStorePlan, endpoint: string, root: { accessKey: string; secretKey: string }, over: { users?: boolean; waitSeconds?: number; extraBuckets?: readonly BucketSpec[]; extraIdentities?: readonly ExtraIdentity[] } = {}): Promise<EvaluatedStoreJob> {
    resetResources();
    const c = new ObjectStoreBootstrapJob(name, {
        plan,
        namespace: "stellaops-deps",
        image: `registry.airgap.internal:5000/minio/mc@sha256:${"e".repeat(64)}`,
        endpoint,
        rootAccessKey: pulumi.secret(root.accessKey),
        rootSecretKey: pulumi.secret(root.secretKey),
        policyPrefix: "stellaops",
        podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" },
        ...over,
    });
    const credentials: EvaluatedStoreJob["credentials"] = {};
    for (const [svc, cr] of [...Object.entries(c.credentials), ...Object.entries(c.identities)]) credentials[svc] = { accessKeyId: await value(cr!.accessKeyId), secretAccessKey: await value(cr!.secretAccessKey) };
    return { job: localJob(await resources()), credentials };
}

/** PATH with mc's directory first, for runLocally. */
export const pathWith = (binary: string) => `${path.dirname(binary)}:${process.env.PATH ?? "/usr/bin:/bin"}`;

/** Both layouts, with short retention and expiry (the servers keep what the tests write). */
export const CASES: { title: string; plan: ObjectStorePlan }[] = [
    { title: "buckets per purpose (GOVERNANCE)", plan: planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "it", retention: { mode: "GOVERNANCE", days: 1 }, replayExpirationDays: 2 }, catalogWithEvidenceLocker()) },
    { title: "one shared bucket (COMPLIANCE)", plan: planObjectStore({ ...OPTIONS.shared, sharedBucket: "it-shared", retention: { mode: "COMPLIANCE", days: 1 }, replayExpirationDays: 2 }, catalogWithEvidenceLocker()) },
];

/** The backup bucket and its writer and reader, as the airgap stack adds them (BackupStorage's names and policies). */
export const BACKUP = planBackup(planPostgres(PG), { bucket: "it-backups", retentionDays: 1 }, PG.rolePrefix);
export const BACKUP_EXTRAS = {
    extraBuckets: [BACKUP.bucket],
    extraIdentities: [
        { user: "it-backup-w", policy: BACKUP.writerPolicy },
        { user: "it-backup-r", policy: BACKUP.readerPolicy },
    ],
};

export const s3 = (url: string, accessKeyId: string, secretAccessKey: string) => new S3Client({ endpoint: url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });

/** Buckets (versioning, default retention, lifecycle) as the server reports them. */
export async function bucketState(client: S3Client, plan: ObjectStorePlan) {
    const out: unknown[] = [];
    for (const b of plan.buckets) {
        const versioning = (await client.send(new GetBucketVersioningCommand({ Bucket: b.name }))).Status;
        const lock = await client.send(new GetObjectLockConfigurationCommand({ Bucket: b.name })).then((r) => r.ObjectLockConfiguration?.Rule?.DefaultRetention, (e: Error) => e.name);
        const lifecycle = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b.name })).then(
            (r) => r.Rules?.map((x) => ({ id: x.ID, prefix: x.Filter?.Prefix ?? x.Prefix ?? "", expirationDays: x.Expiration?.Days, noncurrentDays: x.NoncurrentVersionExpiration?.NoncurrentDays })),
            (e: Error) => e.name,
        );
        out.push({ bucket: b.name, versioning, lock, lifecycle });
    }
    return out;
}
