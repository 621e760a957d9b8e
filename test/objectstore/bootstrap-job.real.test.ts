/**
 * The object storage bootstrap Job's own script, files and environment (from the component under
 * mocks, secrets resolved from its Secret) run with a real `mc` (built from its Go module) on
 * MinIO, the reference of the admin API RustFS implements: the whole script twice (with the
 * backup bucket and its identities as extras), the same buckets, versioning, lock, retention,
 * lifecycle, users and policies after both runs, each service's and backup identity's
 * credentials from the component's outputs doing exactly their grants, and a rotated key.
 * Servers that implement less: bootstrap-job-partial.real.test.ts.
 */
import { GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { policyName, renderObjectStoreScript } from "../../components/objectstore/bootstrap-job-script";
import type { ObjectStorePlan } from "../../components/objectstore/plan";
import { JobRun, expectSuccess, runLocally } from "../postgres/bootstrap-job-support";
import { requireBinary, tempDir } from "../support/servers";
import { BACKUP, BACKUP_EXTRAS, bucketState, CASES, evaluateStoreJob, EvaluatedStoreJob, Minio, pathWith, requireMc, requireMinio, s3, startMinio } from "./bootstrap-job-support";
import { outcome } from "./s3-support";

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
