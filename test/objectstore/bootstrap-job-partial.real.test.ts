/**
 * The object storage bootstrap Job's own script (from the component under mocks) with a real
 * `mc` where a server implements only part of what it needs, or nothing:
 * - versitygw: buckets with object lock, versioning and default retention, twice; and exactly
 *   what it does not implement (lifecycle: 501; the MinIO admin API);
 * - a recording stand-in: the requests mc sends, and a repeated policy attach tolerated only for
 *   MinIO's "already in effect" answer;
 * - nothing at all: a bounded wait that fails without printing a secret.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALREADY_ATTACHED, policyName } from "../../components/objectstore/bootstrap-job-script";
import type { ObjectStorePlan } from "../../components/objectstore/plan";
import { expectSuccess, runLocally } from "../postgres/bootstrap-job-support";
import { freePort, requireBinary, tempDir } from "../support/servers";
import { bucketState, CASES, evaluateStoreJob, EvaluatedStoreJob, pathWith, requireMc } from "./bootstrap-job-support";
import { startStandIn, StandIn } from "./bootstrap-job-standin";
import { startGateway, VERSITYGW_CANDIDATES, Gateway } from "./s3-support";

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
