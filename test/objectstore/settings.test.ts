/**
 * Per-service S3 settings and their environment form, from the plan: every purpose a service
 * uses with its bucket and prefix, its own credentials with the secret kept secret, the AWS SDK
 * variables, and nothing for purposes it does not use.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { planObjectStore } from "../../components/objectstore/plan";
import { envSuffix, s3Environment, s3Settings } from "../../components/objectstore/settings";
import { isSecret, value } from "../harness";
import { bucketUsers, catalogWithEvidenceLocker, OPTIONS } from "./support";

const catalog = catalogWithEvidenceLocker();
const creds = (s: string) => ({ accessKeyId: pulumi.output(`key-${s}`), secretAccessKey: pulumi.secret(`secret-${s}`) });
const rustfs = { endpoint: "http://rustfs.stellaops-deps.svc.cluster.local:9000", region: "us-east-1", forcePathStyle: true };

describe("objectstore settings per service", () => {
    it("gives each bucket user its purposes with bucket and prefix, its own keys, the secret secret", async () => {
        const plan = planObjectStore(OPTIONS.shared, catalog);
        const settings = s3Settings(plan, rustfs, creds);
        assert.deepStrictEqual(Object.keys(settings), bucketUsers(catalog));
        for (const access of plan.services) {
            const s = settings[access.service]!;
            assert.deepStrictEqual(
                Object.entries(s.buckets).map(([purpose, b]) => [purpose, b.bucket, b.prefix, b.access]),
                access.grants.map((g) => [g.purpose, g.bucket, g.prefix, g.access]),
            );
            assert.strictEqual(await value(s.accessKeyId), `key-${access.service}`);
            assert.ok(await isSecret(s.secretAccessKey));
        }
        assert.deepStrictEqual(settings.scanner!.buckets.artifacts, { bucket: "stellaops", prefix: "scanner-artifacts/scanner/", access: "readwrite" });
    });

    it("uses the bucket resources' names when given, so clients wait for the buckets", async () => {
        const plan = planObjectStore(OPTIONS.perPurpose, catalog);
        const names = new Map(plan.buckets.map((b) => [b.name, pulumi.output(`${b.name}-from-resource`)]));
        const s = s3Settings(plan, rustfs, creds, names).scanner!;
        assert.strictEqual(await value(s.buckets.artifacts.bucket), "scanner-artifacts-from-resource");
    });

    it("environment: this project's keys per purpose, the AWS SDK variables, the service's own endpoint keys", async () => {
        const plan = planObjectStore(OPTIONS.perPurpose, catalog);
        const s = s3Settings(plan, rustfs, creds).scanner!;
        const env = s3Environment(s, ["ScannerStorage__ObjectStore__Endpoint"]);
        const plain = Object.fromEntries(await Promise.all(Object.entries(env).map(async ([k, v]) => [k, await value(v)])));
        assert.deepStrictEqual(
            Object.keys(plain).filter((k) => k.startsWith("S3_BUCKET_") || k.startsWith("S3_PREFIX_")).sort(),
            plan.services.find((x) => x.service === "scanner")!.grants.flatMap((g) => [`S3_BUCKET_${envSuffix(g.purpose)}`, `S3_PREFIX_${envSuffix(g.purpose)}`]).sort(),
        );
        assert.strictEqual(plain.S3_BUCKET_SURFACE_MANIFESTS, "surface-manifests");
        assert.strictEqual(plain.S3_PREFIX_ARTIFACTS, "scanner/");
        assert.deepStrictEqual([plain.S3_ENDPOINT, plain.AWS_ENDPOINT_URL_S3, plain.ScannerStorage__ObjectStore__Endpoint], [rustfs.endpoint, rustfs.endpoint, rustfs.endpoint]);
        assert.deepStrictEqual([plain.S3_FORCE_PATH_STYLE, plain.AWS_REGION, plain.AWS_ACCESS_KEY_ID], ["true", "us-east-1", "key-scanner"]);
        for (const k of ["S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"]) {
            assert.ok(await isSecret(env[k]), `${k} stays secret`);
            assert.strictEqual(plain[k], "secret-scanner");
        }
        for (const [k, v] of Object.entries(env)) if (!/SECRET/.test(k)) assert.ok(!(await isSecret(v)), `${k} is not needlessly secret`);
    });

    it("on AWS the SDKs find S3 themselves: no endpoint override, virtual-host addressing", async () => {
        const plan = planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "acme" }, catalog);
        const s = s3Settings(plan, { endpoint: "https://s3.eu-west-1.amazonaws.com", region: "eu-west-1", forcePathStyle: false }, creds).policy!;
        const env = s3Environment(s);
        assert.strictEqual(env.AWS_ENDPOINT_URL_S3, undefined);
        assert.strictEqual(await value(env.S3_FORCE_PATH_STYLE), "false");
        assert.strictEqual(await value(env.S3_BUCKET_ARTIFACTS), "acme-scanner-artifacts");
    });

    it("spells purposes as environment suffixes", () => {
        assert.deepStrictEqual(["artifacts", "surfaceManifests", "surfaceCache", "replay", "sbomV2Index"].map(envSuffix), ["ARTIFACTS", "SURFACE_MANIFESTS", "SURFACE_CACHE", "REPLAY", "SBOM_V2_INDEX"]);
    });
});
