/**
 * The object storage bootstrap Job's own script, files and environment (from the component under
 * mocks, secrets resolved from its Secret) run with a real `mc` (built from its Go module):
 * - on MinIO, the reference of the admin API RustFS implements: the whole script twice (with the
 *   backup bucket and its identities as extras), the same buckets, versioning, lock, retention,
 *   lifecycle, users and policies after both runs, and each service's and backup identity's
 *   credentials from the component's outputs doing exactly their grants; a rotated key;
 * - on versitygw, what it implements (buckets with lock, versioning, default retention) twice,
 *   and exactly what it does not (lifecycle, the MinIO admin API);
 * - against a recording stand-in: a repeated policy attach tolerated only for MinIO's answer;
 * - against nothing: a bounded wait that fails without printing a secret.
 */
import { GetBucketLifecycleConfigurationCommand, GetBucketVersioningCommand, GetObjectCommand, GetObjectLockConfigurationCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ALREADY_ATTACHED, policyName, renderObjectStoreScript } from "../../components/objectstore/bootstrap-job-script";
import { ObjectStorePlan, planObjectStore } from "../../components/objectstore/plan";
import { planBackup } from "../../components/backup/plan";
import { planPostgres } from "../../components/postgres/plan";
import { OPTIONS as PG } from "../postgres/plan.test";
import { JobRun, expectSuccess, runLocally } from "../postgres/bootstrap-job-support";
import { freePort, requireBinary, tempDir } from "../support/servers";
import { evaluateStoreJob, EvaluatedStoreJob, Minio, pathWith, requireMc, requireMinio, startMinio } from "./bootstrap-job-support";
import { startStandIn, StandIn } from "./bootstrap-job-standin";
import { outcome, startGateway, VERSITYGW_CANDIDATES, Gateway } from "./s3-support";
import { catalogWithEvidenceLocker, OPTIONS } from "./support";

const CASES: { title: string; plan: ObjectStorePlan }[] = [
    { title: "buckets per purpose (GOVERNANCE)", plan: planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "it", retention: { mode: "GOVERNANCE", days: 1 }, replayExpirationDays: 2 }, catalogWithEvidenceLocker()) },
    { title: "one shared bucket (COMPLIANCE)", plan: planObjectStore({ ...OPTIONS.shared, sharedBucket: "it-shared", retention: { mode: "COMPLIANCE", days: 1 }, replayExpirationDays: 2 }, catalogWithEvidenceLocker()) },
];

/** The backup bucket and its writer and reader, as the airgap stack adds them (BackupStorage's names and policies). */
const BACKUP = planBackup(planPostgres(PG), { bucket: "it-backups", retentionDays: 1 }, PG.rolePrefix);
const BACKUP_EXTRAS = {
    extraBuckets: [BACKUP.bucket],
    extraIdentities: [
        { user: "it-backup-w", policy: BACKUP.writerPolicy },
        { user: "it-backup-r", policy: BACKUP.readerPolicy },
    ],
};

const s3 = (url: string, accessKeyId: string, secretAccessKey: string) => new S3Client({ endpoint: url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });

/** Buckets (versioning, default retention, lifecycle) as the server reports them. */
async function bucketState(client: S3Client, plan: ObjectStorePlan) {
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

describe("the object storage bootstrap Job's script", () => {
    it("is POSIX sh that shellcheck passes (mc images run it with bash or busybox sh)", function () {
        const shellcheck = requireBinary(this, "shellcheck");
        for (const users of [true, false]) {
            const r = spawnSync(shellcheck, ["-s", "sh", "-"], { input: renderObjectStoreScript(CASES[0].plan, { policyPrefix: "stellaops", users }), encoding: "utf8" });
            assert.strictEqual(r.status, 0, r.stdout);
        }
    });
});

describe("the object storage bootstrap Job's script with mc on MinIO", function () {
    this.timeout(120000);
    let mc: string;
    let minio: Minio;
    let dir: string;
    const run = (e: EvaluatedStoreJob, name: string): Promise<JobRun> => runLocally(e.job, path.join(dir, name), { PATH: pathWith(mc) });
    /** mc as the root user, JSON out (one document per line). */
    const admin = (...args: string[]) => {
        const r = spawnSync(mc, [...args, "--json"], { encoding: "utf8", env: { PATH: pathWith(mc), MC_CONFIG_DIR: path.join(dir, "mc-admin"), MC_HOST_r: minio.url.replace("://", `://${minio.root.accessKey}:${minio.root.secretKey}@`) } });
        return r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    };
    /** Users and policies as the server reports them (actions sorted: MinIO returns them as a set; dates left out: `policy create` stamps UpdateDate). */
    const iamState = (plan: ObjectStorePlan) => {
        const users = new Map(admin("admin", "user", "list", "r").map((u: { accessKey: string }) => [u.accessKey, u]));
        return [...plan.services.map((s) => [s.service, policyName("stellaops", s.service)]), ...BACKUP_EXTRAS.extraIdentities.map((x) => [x.user, x.user])].map(([name, policy]) => {
            const user = users.get(name) as { accessKey: string; userStatus: string; policyName: string };
            const doc = admin("admin", "policy", "info", "r", policy)[0].policyInfo.Policy;
            const statements = doc.Statement.map((x: { Action: string[] }) => ({ ...x, Action: [...x.Action].sort() }));
            return { user: user.accessKey, status: user.userStatus, policies: user.policyName, statements };
        });
    };

    before(async function () {
        mc = requireMc(this);
        minio = await startMinio(requireMinio(this));
        dir = tempDir("mc-minio");
    });
    after(async () => {
        await minio?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    for (const c of CASES) {
        describe(c.title, () => {
            let e: EvaluatedStoreJob;
            before(async () => {
                e = await evaluateStoreJob(`os-${c.plan.layout}`, c.plan, minio.url, minio.root, BACKUP_EXTRAS);
            });

            it("runs twice: buckets, versioning, lock, retention, lifecycle, users and policies as planned, unchanged by the second run", async () => {
                const first = await expectSuccess(run(e, `${c.plan.layout}-1`), "first run");
                const root = s3(minio.url, minio.root.accessKey, minio.root.secretKey);
                const all = { ...c.plan, buckets: [...c.plan.buckets, BACKUP.bucket] };
                const [buckets, iam] = [await bucketState(root, all), iamState(c.plan)];
                const second = await expectSuccess(run(e, `${c.plan.layout}-2`), "second run");
                assert.deepStrictEqual([await bucketState(root, all), iamState(c.plan)], [buckets, iam]);
                assert.deepStrictEqual(
                    buckets,
                    all.buckets.map((b) => ({
                        bucket: b.name,
                        versioning: "Enabled",
                        lock: b.objectLock ? { Mode: b.objectLock.mode, Days: b.objectLock.days } : "ObjectLockConfigurationNotFoundError",
                        lifecycle: b.lifecycle.length > 0 ? b.lifecycle.map((r) => ({ id: r.id, prefix: r.prefix, expirationDays: r.expirationDays, noncurrentDays: r.noncurrentDays })) : "NoSuchLifecycleConfiguration",
                    })),
                );
                for (const [i, s] of c.plan.services.entries()) assert.deepStrictEqual([iam[i].user, iam[i].status, iam[i].policies], [s.service, "enabled", policyName("stellaops", s.service)]);
                assert.deepStrictEqual(iam.slice(c.plan.services.length).map((x) => [x.user, x.policies]), [["it-backup-w", "it-backup-w"], ["it-backup-r", "it-backup-r"]]);
                assert.match(second.stdout, /object storage bootstrap applied: \d+ buckets, \d+ users/);
                console.log(`      (${c.plan.layout}: first run ${first.ms} ms, second ${second.ms} ms)`);
            });

            it("gives each service credentials (the component's outputs) that do exactly its grants", async () => {
                let denied = 0;
                for (const access of c.plan.services) {
                    const cr = e.credentials[access.service];
                    const client = s3(minio.url, cr.accessKeyId, cr.secretAccessKey);
                    for (const g of access.grants) {
                        const put = await outcome(client.send(new PutObjectCommand({ Bucket: g.bucket, Key: `${g.prefix}${access.service}.txt`, Body: "x", ChecksumAlgorithm: "CRC32" })));
                        assert.strictEqual(put, g.access === "readwrite" ? "OK" : "AccessDenied", `${access.service} writes ${g.purpose}`);
                    }
                    const mine = new Set(access.grants.map((g) => g.purpose));
                    for (const b of c.plan.buckets) {
                        for (const p of b.purposes.filter((x) => !mine.has(x.purpose))) {
                            assert.strictEqual(await outcome(client.send(new PutObjectCommand({ Bucket: b.name, Key: `${p.prefix}intruder.txt`, Body: "x" }))), "AccessDenied", `${access.service} into ${p.purpose}`);
                            denied++;
                        }
                    }
                }
                assert.ok(denied > 0);
            });

            it("makes the backup bucket (locked, expiring) with a put-only writer and a list-and-read reader", async () => {
                const [root] = await bucketState(s3(minio.url, minio.root.accessKey, minio.root.secretKey), { ...c.plan, buckets: [BACKUP.bucket] });
                assert.deepStrictEqual(root, {
                    bucket: "it-backups",
                    versioning: "Enabled",
                    lock: { Mode: "GOVERNANCE", Days: 1 },
                    lifecycle: [{ id: "backups-expiry", prefix: BACKUP.prefix, expirationDays: 1, noncurrentDays: 1 }],
                });
                const [w, r] = ["it-backup-w", "it-backup-r"].map((u) => s3(minio.url, e.credentials[u].accessKeyId, e.credentials[u].secretAccessKey));
                const Key = `${BACKUP.prefix}${c.plan.layout}/manifest`;
                assert.strictEqual(await outcome(w.send(new PutObjectCommand({ Bucket: "it-backups", Key, Body: "m", ChecksumAlgorithm: "CRC32" }))), "OK", "writer puts");
                assert.strictEqual(await outcome(w.send(new GetObjectCommand({ Bucket: "it-backups", Key }))), "AccessDenied", "writer cannot read");
                assert.strictEqual(await outcome(r.send(new GetObjectCommand({ Bucket: "it-backups", Key }))), "OK", "reader reads");
                assert.strictEqual(await outcome(r.send(new ListObjectVersionsCommand({ Bucket: "it-backups", Prefix: BACKUP.prefix }))), "OK", "reader lists");
                assert.strictEqual(await outcome(r.send(new PutObjectCommand({ Bucket: "it-backups", Key: `${BACKUP.prefix}x`, Body: "x", ChecksumAlgorithm: "CRC32" }))), "AccessDenied", "reader cannot write");
            });

            it("sets a rotated secret key on the next run: the new key works, the old one is refused", async () => {
                const rotated = await evaluateStoreJob(`os-${c.plan.layout}-rotated`, c.plan, minio.url, minio.root, BACKUP_EXTRAS);
                assert.notStrictEqual(rotated.job.name, e.job.name);
                await expectSuccess(run(rotated, `${c.plan.layout}-rotated`), "rotated run");
                const svc = c.plan.services[0];
                const g = svc.grants.find((x) => x.access === "readwrite")!;
                const put = (cr: { accessKeyId: string; secretAccessKey: string }) => outcome(s3(minio.url, cr.accessKeyId, cr.secretAccessKey).send(new PutObjectCommand({ Bucket: g.bucket, Key: `${g.prefix}rotated.txt`, Body: "x", ChecksumAlgorithm: "CRC32" })));
                assert.strictEqual(await put(rotated.credentials[svc.service]), "OK");
                assert.strictEqual(await put(e.credentials[svc.service]), "SignatureDoesNotMatch");
            });
        });
    }
});

describe("the object storage bootstrap Job's script with mc on versitygw", function () {
    this.timeout(120000);
    let mc: string;
    let gw: Gateway;
    let dir: string;
    const root = () => ({ accessKey: gw.root.accessKeyId, secretKey: gw.root.secretAccessKey });
    // versitygw implements neither lifecycle nor the MinIO admin API (see the next tests): buckets only.
    const bucketsOnly = (p: ObjectStorePlan): ObjectStorePlan => ({ ...p, buckets: p.buckets.map((b) => ({ ...b, lifecycle: [] })) });

    before(async function () {
        mc = requireMc(this);
        gw = await startGateway(requireBinary(this, "versitygw", VERSITYGW_CANDIDATES));
        dir = tempDir("mc-versitygw");
    });
    after(async () => {
        await gw?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("creates the buckets with object lock where planned, versioning and default retention, and a second run changes nothing", async () => {
        const plan = bucketsOnly(CASES[0].plan);
        const e = await evaluateStoreJob("os-vgw", plan, gw.url, root(), { users: false });
        await expectSuccess(runLocally(e.job, path.join(dir, "1"), { PATH: pathWith(mc) }), "first run");
        const state = await bucketState(gw.client(), plan);
        await expectSuccess(runLocally(e.job, path.join(dir, "2"), { PATH: pathWith(mc) }), "second run");
        assert.deepStrictEqual(await bucketState(gw.client(), plan), state);
        for (const [i, b] of plan.buckets.entries()) {
            const s = state[i] as { versioning: string; lock: unknown };
            assert.deepStrictEqual([s.versioning, s.lock !== undefined && typeof s.lock === "object" ? s.lock : "none"], ["Enabled", b.objectLock ? { Mode: b.objectLock.mode, Days: b.objectLock.days } : "none"], b.name);
        }
        // without users, every service is given the root credentials, as the direct flow does
        assert.deepStrictEqual(new Set(Object.values(e.credentials).map((c) => c.accessKeyId)), new Set([gw.root.accessKeyId]));
    });

    it("does not implement what the rest of the script needs: `mc ilm rule import` (501) and the MinIO admin API", async () => {
        const withLifecycle = await evaluateStoreJob("os-vgw-ilm", CASES[0].plan, gw.url, root(), { users: false });
        const ilm = await runLocally(withLifecycle.job, path.join(dir, "ilm"), { PATH: pathWith(mc) });
        assert.notStrictEqual(ilm.status, 0);
        assert.match(ilm.stderr, /Unable to set new lifecycle rules\. A header you provided implies functionality that is not implemented/);
        const users = await evaluateStoreJob("os-vgw-users", bucketsOnly(CASES[0].plan), gw.url, root());
        const admin = await runLocally(users.job, path.join(dir, "users"), { PATH: pathWith(mc) });
        assert.notStrictEqual(admin.status, 0);
        assert.match(admin.stderr, /Unable to add new user\./);
    });
});

describe("the object storage bootstrap Job's script with mc against a recording stand-in", function () {
    this.timeout(60000);
    let mc: string;
    let standIn: StandIn;
    let e: EvaluatedStoreJob;
    let dir: string;
    const plan = CASES[0].plan;
    const run = (name: string) => runLocally(e.job, path.join(dir, name), { PATH: pathWith(mc) });

    before(async function () {
        mc = requireMc(this);
        standIn = await startStandIn(ALREADY_ATTACHED);
        dir = tempDir("mc-standin");
        e = await evaluateStoreJob("os-standin", plan, standIn.url, { accessKey: "standinroot", secretKey: "standinsecret0123456789" });
    });
    after(async () => {
        await standIn?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("sends the planned lock, lifecycle and policies, and each service's user", async () => {
        standIn.attach = "attached";
        await expectSuccess(run("first"), "first run");
        const r = standIn.requests;
        const created = r.filter((x) => x.method === "PUT" && Object.keys(x.query).length === 0).map((x) => [x.path.slice(1), x.lock === "true"]);
        assert.deepStrictEqual(created, plan.buckets.map((b) => [b.name, !!b.objectLock]));
        const lifecycle = r.filter((x) => "lifecycle" in x.query).map((x) => x.body);
        assert.deepStrictEqual(lifecycle.length, plan.buckets.filter((b) => b.lifecycle.length > 0).length);
        for (const body of lifecycle) assert.match(body, /<Expiration><Days>2<\/Days><\/Expiration><ID>replay-expiry<\/ID><Filter><Prefix>[^<]*<\/Prefix><\/Filter><NoncurrentVersionExpiration><NoncurrentDays>2<\/NoncurrentDays>/);
        const policies = r.filter((x) => x.path.endsWith("/add-canned-policy")).map((x) => [x.query.name, JSON.parse(x.body)]);
        assert.deepStrictEqual(policies, plan.services.map((s) => [policyName("stellaops", s.service), JSON.parse(e.job.files[`policy-${s.service}.json`])]));
        assert.deepStrictEqual(r.filter((x) => x.path.endsWith("/add-user")).map((x) => x.query.accessKey), plan.services.map((s) => s.service));
        for (const x of r) assert.ok(!x.body.includes(e.credentials[plan.services[0].service].secretAccessKey), "secret keys travel encrypted");
    });

    it("tolerates a repeated attach only when the server says the change is already in effect", async () => {
        standIn.attach = "minio"; // mc itself accepts XMinioAdminPolicyChangeAlreadyApplied
        await expectSuccess(run("repeat-minio"), "repeat, MinIO's code");
        standIn.attach = "message-only"; // an mc that does not know the code fails with MinIO's message: the script accepts it
        const older = await expectSuccess(run("repeat-message"), "repeat, message only");
        assert.match(older.stdout, /policy stellaops-\w+ was already attached to \w+/);
        standIn.attach = "other-error";
        const refused = await run("refused");
        assert.notStrictEqual(refused.status, 0);
        assert.match(refused.stderr, /The specified user does not exist\./);
    });
});

describe("the object storage bootstrap Job's script when nothing answers", () => {
    it("fails after waitSeconds, printing no secret", async function () {
        const mc = requireMc(this);
        const rootKeys = { accessKey: "nobodyroot", secretKey: "nobodysecret0123456789" };
        const e = await evaluateStoreJob("os-closed", CASES[0].plan, `http://127.0.0.1:${await freePort()}`, rootKeys, { waitSeconds: 2 });
        const dir = tempDir("mc-closed");
        const r = await runLocally(e.job, path.join(dir, "run"), { PATH: pathWith(mc) });
        fs.rmSync(dir, { recursive: true, force: true });
        assert.strictEqual(r.status, 1, r.stderr);
        assert.match(r.stderr, /did not answer within 2s: mc: <ERROR> Unable to list folder\./);
        assert.ok(r.ms >= 2000, `waited ${r.ms} ms`);
        for (const secret of [rootKeys.secretKey, ...Object.values(e.credentials).map((c) => c.secretAccessKey)]) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), "a secret was printed");
    });
});
