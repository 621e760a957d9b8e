/**
 * Tier 5 (real client): what StellaOps services do with object storage, replayed on a real S3
 * server (versitygw + its IAM service) with the documented bucket names and each service's own
 * IAM user, key and plan-given identity policy. Scanner stores SBOMs under `scanner/` in
 * `scanner-artifacts` (multipart for large ones) and Surface.FS manifests and cache entries;
 * Policy reads artifacts and cannot change them; the Evidence Locker's start-up WORM check reads
 * the object lock configuration of its bucket, its bundles cannot be deleted or have their
 * retention shortened; and every service is refused what it does not use.
 */
import {
    CompleteMultipartUploadCommand,
    CreateMultipartUploadCommand,
    DeleteObjectCommand,
    GetObjectCommand,
    GetObjectLockConfigurationCommand,
    GetObjectRetentionCommand,
    HeadObjectCommand,
    ListObjectsV2Command,
    PutObjectCommand,
    PutObjectRetentionCommand,
    S3Client,
    UploadPartCommand,
} from "@aws-sdk/client-s3";
import * as assert from "assert";
import { createHash, randomBytes } from "crypto";
import { servicePolicy } from "../../components/objectstore/access-policy";
import { ObjectStorePlan, grantOf, planObjectStore } from "../../components/objectstore/plan";
import { renderObjectStoreFiles } from "../../components/objectstore/render";
import { requireBinary } from "../support/servers";
import { Credentials } from "./iam-api";
import { applyBucketsFile, Gateway, outcome, startGateway, VERSITYGW_CANDIDATES } from "./s3-support";
import { catalogWithEvidenceLocker, OPTIONS } from "./support";

/** zstd frame magic, so the object looks like what Scanner stores. */
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const sbom = (size: number) => Buffer.concat([ZSTD_MAGIC, randomBytes(size)]);
const digest = () => createHash("sha256").update(randomBytes(32)).digest("hex");

describe("real clients on object storage: what StellaOps services do (versitygw + IAM, documented buckets)", function () {
    let gw: Gateway | undefined;
    let plan: ObjectStorePlan;
    const creds = new Map<string, Credentials>();
    const as = (s: string): S3Client => gw!.client(creds.get(s)!);
    const bucket = (purpose: string) => plan.buckets.find((b) => b.purposes.some((p) => p.purpose === purpose))!;
    const layerKey = (sha: string) => `scanner/layers/${sha}/sbom.cdx.json.zst`;
    const read = async (s3: S3Client, Bucket: string, Key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray());

    before(async function () {
        gw = await startGateway(requireBinary(this, "versitygw", VERSITYGW_CANDIDATES));
        plan = planObjectStore(OPTIONS.perPurpose, catalogWithEvidenceLocker());
        await applyBucketsFile(gw.client(), JSON.parse(renderObjectStoreFiles(plan)["objectstore/buckets.json"]));
        for (const access of plan.services) creds.set(access.service, await gw.createIdentity(access.service, servicePolicy(access)));
    });
    after(async () => gw?.stop());

    it("runs on the buckets of StellaOps' manifests", () => {
        assert.deepStrictEqual(
            ["artifacts", "surfaceManifests", "surfaceCache", "evidence"].map((p) => [bucket(p).name, grantOf(plan, p === "evidence" ? "evidencelocker" : "scanner", p)!.prefix]),
            [["scanner-artifacts", "scanner/"], ["surface-manifests", ""], ["surface-cache", ""], ["evidence-locker", ""]],
        );
    });

    it("Scanner writes a layer SBOM under scanner/ in scanner-artifacts and reads it back", async () => {
        const Key = layerKey(digest());
        const Body = sbom(64 * 1024);
        await as("scanner").send(new PutObjectCommand({ Bucket: "scanner-artifacts", Key, Body, ContentType: "application/vnd.cyclonedx+json", ContentEncoding: "zstd" }));
        assert.ok((await read(as("scanner"), "scanner-artifacts", Key)).equals(Body));
        const head = await as("scanner").send(new HeadObjectCommand({ Bucket: "scanner-artifacts", Key }));
        assert.deepStrictEqual([head.ContentType, head.ContentEncoding, head.ContentLength], ["application/vnd.cyclonedx+json", "zstd", Body.length]);
        const listed = await as("scanner").send(new ListObjectsV2Command({ Bucket: "scanner-artifacts", Prefix: "scanner/layers/" }));
        assert.ok(listed.Contents?.some((o) => o.Key === Key));
    });

    it("Scanner uploads a large SBOM in parts (what the .NET SDK's transfer utility does)", async () => {
        const Key = layerKey(digest());
        const parts = [sbom(5 * 1024 * 1024), sbom(1024)];
        const { UploadId } = await as("scanner").send(new CreateMultipartUploadCommand({ Bucket: "scanner-artifacts", Key }));
        const etags = [];
        for (const [i, Body] of parts.entries()) etags.push((await as("scanner").send(new UploadPartCommand({ Bucket: "scanner-artifacts", Key, UploadId, PartNumber: i + 1, Body }))).ETag);
        await as("scanner").send(new CompleteMultipartUploadCommand({ Bucket: "scanner-artifacts", Key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
        assert.ok((await read(as("scanner"), "scanner-artifacts", Key)).equals(Buffer.concat(parts)));
    });

    it("Scanner stores Surface.FS manifests and cache entries, and stays inside scanner/ in scanner-artifacts", async () => {
        const image = digest();
        const manifest = Buffer.from(JSON.stringify({ image: `sha256:${image}`, layers: [layerKey(image)] }));
        await as("scanner").send(new PutObjectCommand({ Bucket: "surface-manifests", Key: `tenant-a/${image}/manifest.json`, Body: manifest }));
        assert.ok((await read(as("scanner"), "surface-manifests", `tenant-a/${image}/manifest.json`)).equals(manifest));
        await as("scanner").send(new PutObjectCommand({ Bucket: "surface-cache", Key: `tenant-a/${image}/entrytrace.bin`, Body: randomBytes(512) }));
        assert.strictEqual(await outcome(as("scanner").send(new PutObjectCommand({ Bucket: "scanner-artifacts", Key: `other/${image}`, Body: "x" }))), "AccessDenied", "outside scanner/");
        assert.strictEqual(await outcome(as("scanner").send(new ListObjectsV2Command({ Bucket: "scanner-artifacts" }))), "AccessDenied", "listing the whole bucket");
    });

    it("Policy reads Scanner's artifacts and can neither write nor delete them", async () => {
        const Key = layerKey(digest());
        const Body = sbom(1024);
        await as("scanner").send(new PutObjectCommand({ Bucket: "scanner-artifacts", Key, Body }));
        assert.ok((await read(as("policy"), "scanner-artifacts", Key)).equals(Body));
        assert.strictEqual(await outcome(as("policy").send(new PutObjectCommand({ Bucket: "scanner-artifacts", Key, Body: "tampered" }))), "AccessDenied");
        assert.strictEqual(await outcome(as("policy").send(new DeleteObjectCommand({ Bucket: "scanner-artifacts", Key }))), "AccessDenied");
        assert.ok((await read(as("scanner"), "scanner-artifacts", Key)).equals(Body), "the artifact is unchanged");
    });

    it("the Evidence Locker's start-up WORM check sees the lock on its bucket with its own credentials; others cannot read it", async () => {
        const lock = (await as("evidencelocker").send(new GetObjectLockConfigurationCommand({ Bucket: "evidence-locker" }))).ObjectLockConfiguration;
        assert.deepStrictEqual(lock, { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 365 } } });
        for (const s of plan.services.filter((x) => !x.grants.some((g) => g.lockCheck)).map((x) => x.service)) {
            assert.strictEqual(await outcome(as(s).send(new GetObjectLockConfigurationCommand({ Bucket: "evidence-locker" }))), "AccessDenied", s);
        }
    });

    it("an evidence bundle is retained: no version delete, no bypass, no shorter retention, not even by the root without a bypass", async () => {
        const Key = `bundles/${digest()}.tar.zst`;
        const { VersionId } = await as("evidencelocker").send(new PutObjectCommand({ Bucket: "evidence-locker", Key, Body: sbom(2048) }));
        // S3 stamps the default retention on each version; versitygw applies the bucket's default
        // at delete time without stamping (GetObjectRetention: NoSuchObjectLockConfiguration).
        // Either way the refusals below are what the lock must do.
        try {
            const retention = await gw!.client().send(new GetObjectRetentionCommand({ Bucket: "evidence-locker", Key, VersionId }));
            assert.strictEqual(retention.Retention?.Mode, "GOVERNANCE");
            assert.ok(retention.Retention!.RetainUntilDate!.getTime() > Date.now() + 364 * 86400_000, "the default retention applies to the new version");
        } catch (err) {
            assert.strictEqual((err as Error).name, "NoSuchObjectLockConfiguration", String(err));
        }
        const del = (s3: S3Client, bypass?: boolean) => outcome(s3.send(new DeleteObjectCommand({ Bucket: "evidence-locker", Key, VersionId, BypassGovernanceRetention: bypass })));
        assert.strictEqual(await del(as("evidencelocker")), "AccessDenied");
        assert.strictEqual(await del(as("evidencelocker"), true), "AccessDenied");
        assert.strictEqual(await del(gw!.client()), "AccessDenied", "the lock itself holds, whatever the caller's rights");
        const shorter = new PutObjectRetentionCommand({ Bucket: "evidence-locker", Key, VersionId, Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(Date.now() + 86400_000) } });
        assert.strictEqual(await outcome(as("evidencelocker").send(shorter)), "AccessDenied");
        assert.ok((await read(as("evidencelocker"), "evidence-locker", Key)).length > 0, "the bundle is still there");
    });

    it("denies between services: Orchestrator cannot read Scanner's artifacts, Scanner cannot read evidence, and every other unused purpose", async () => {
        const Key = layerKey(digest());
        await as("scanner").send(new PutObjectCommand({ Bucket: "scanner-artifacts", Key, Body: sbom(16) }));
        assert.strictEqual(await outcome(as("orchestrator").send(new GetObjectCommand({ Bucket: "scanner-artifacts", Key }))), "AccessDenied");
        assert.strictEqual(await outcome(as("orchestrator").send(new ListObjectsV2Command({ Bucket: "scanner-artifacts", Prefix: "scanner/" }))), "AccessDenied");
        assert.strictEqual(await outcome(as("scanner").send(new ListObjectsV2Command({ Bucket: "evidence-locker" }))), "AccessDenied");
        let checked = 0;
        for (const access of plan.services) {
            for (const b of plan.buckets) {
                for (const p of b.purposes.filter((x) => !access.grants.some((g) => g.purpose === x.purpose))) {
                    const s3 = as(access.service);
                    assert.strictEqual(await outcome(s3.send(new PutObjectCommand({ Bucket: b.name, Key: `${p.prefix}intruder`, Body: "x" }))), "AccessDenied", `${access.service} writes ${p.purpose}`);
                    assert.strictEqual(await outcome(s3.send(new ListObjectsV2Command({ Bucket: b.name, Prefix: p.prefix }))), "AccessDenied", `${access.service} lists ${p.purpose}`);
                    checked++;
                }
            }
        }
        assert.ok(checked >= plan.services.length, `${checked} denials checked`);
    });
});
