/**
 * Tier 2: the object storage layer on the profiles that run RustFS (dev: container, airgap:
 * StatefulSet), under the recording mocks. Expectations come from the plan and the catalog.
 */
import * as assert from "assert";
import { objectStorePlan, deployObjectStore } from "../../stacks/layers/objectstore";
import { assertChildNamesPrefixed, byType, findResource, isSecret, resetResources, resources, value } from "../harness";
import { allSecrets, assertBucketsAsPlanned, BUCKET_USERS, config, layerResources, platformFor, TYPES } from "./support";

describe("objectstore layer: dev (RustFS container)", () => {
    const cfg = config("dev");
    let all: Awaited<ReturnType<typeof resources>>;
    let layer: ReturnType<typeof deployObjectStore>;
    before(async () => {
        resetResources();
        layer = deployObjectStore(cfg, {}, platformFor(cfg));
        all = await resources();
    });

    it("runs the pinned RustFS image with secret root keys, a retained volume, /health, and the S3 port on the bind address", () => {
        const image = findResource(all, "docker:index/remoteImage:RemoteImage", "objectstore-rustfs-server-image");
        assert.strictEqual(image.inputs.name, cfg.images.rustfs);
        const c = findResource(all, TYPES.container, "objectstore-rustfs-server-container");
        const envs = c.rawInputs.envs as string[];
        for (const key of ["RUSTFS_ACCESS_KEY", "RUSTFS_SECRET_KEY"]) {
            const i = envs.findIndex((e) => e.startsWith(`${key}=`));
            assert.ok(i >= 0 && c.secretPaths.includes(`envs[${i}]`), `${key} must be sent as a secret`);
        }
        assert.ok((c.inputs.envs as string[]).includes("RUSTFS_VOLUMES=/data"));
        assert.ok((c.inputs.healthcheck as { tests: string[] }).tests.some((t) => t.endsWith(":9000/health")));
        assert.deepStrictEqual(c.inputs.ports, [{ internal: 9000, external: cfg.docker.ports.rustfs, ip: cfg.docker.bindAddress }]);
        const [vol] = byType(all, TYPES.volume);
        assert.ok(vol.protect && vol.retainOnDelete, "data volume protected and retained");
        assert.strictEqual(vol.inputs.name, `${cfg.docker.namePrefix}-rustfs-data`);
    });

    it("points the S3 provider at the published port, path-style, checks skipped, after the container is up", () => {
        const p = findResource(all, TYPES.s3Provider, "objectstore-s3");
        assert.deepStrictEqual(JSON.parse(p.inputs.endpoints as string), [{ s3: `http://${cfg.docker.bindAddress}:${cfg.docker.ports.rustfs}` }]);
        for (const flag of ["s3UsePathStyle", "skipCredentialsValidation", "skipRequestingAccountId", "skipMetadataApiCheck", "skipRegionValidation"]) {
            assert.strictEqual(p.inputs[flag], "true", flag);
        }
        assert.deepStrictEqual([...p.secretPaths], ["accessKey", "secretKey"]);
        assert.ok(p.dependsOn.includes("objectstore-rustfs-server-container"), "provider waits for the healthy container");
        const admin = findResource(all, TYPES.adminProvider, "objectstore-admin");
        assert.strictEqual(admin.inputs.minioServer, `${cfg.docker.bindAddress}:${cfg.docker.ports.rustfs}`);
        assert.deepStrictEqual([...admin.secretPaths], ["minioPassword", "minioUser"]);
        assert.ok(admin.dependsOn.includes("objectstore-rustfs-server-container"));
    });

    it("creates the plan's shared bucket through that provider, protected, versioned, locked, with the replay expiry", () => {
        const plan = objectStorePlan(cfg);
        assert.strictEqual(plan.layout, "shared");
        assertBucketsAsPlanned(all, plan, "objectstore-s3");
        for (const t of [TYPES.publicAccess, TYPES.ownership, TYPES.encryption]) assert.strictEqual(byType(all, t).length, 0, `${t} is AWS-only`);
    });

    it("creates one RustFS user per bucket-using service with a secret and a policy limited to its prefixes", () => {
        const plan = objectStorePlan(cfg);
        const users = byType(all, TYPES.minioUser);
        assert.deepStrictEqual(users.map((u) => u.inputs.name).sort(), [...BUCKET_USERS].sort());
        for (const u of users) assert.deepStrictEqual([...u.secretPaths], ["secret"]);
        for (const access of plan.services) {
            const policy = byType(all, TYPES.minioPolicy).find((p) => p.name === `objectstore-users-${access.service}-policy`)!;
            const doc = JSON.parse(policy.inputs.policy as string) as { Statement: { Resource: string[] }[] };
            const objectArns = doc.Statement.flatMap((s) => s.Resource).filter((r) => r.includes("/"));
            assert.deepStrictEqual(objectArns.sort(), access.grants.map((g) => `arn:aws:s3:::${g.bucket}/${g.prefix}*`).sort(), access.service);
            const attach = byType(all, TYPES.minioAttach).find((a) => a.inputs.userName === access.service)!;
            assert.strictEqual(attach.inputs.policyName, policy.inputs.name);
        }
    });

    it("gives each bucket-using service its in-network endpoint, prefixes and secret credentials", async () => {
        const plan = objectStorePlan(cfg);
        assert.deepStrictEqual(Object.keys(layer.services).sort(), [...BUCKET_USERS].sort());
        for (const access of plan.services) {
            const c = layer.services[access.service]!;
            assert.strictEqual(await value(c.endpoint), `http://${cfg.docker.namePrefix}-rustfs:9000`);
            assert.strictEqual(c.forcePathStyle, true);
            assert.strictEqual(await value(c.accessKeyId), access.service);
            assert.ok(await isSecret(c.secretAccessKey), "secret key stays secret");
            for (const g of access.grants) {
                const b = c.buckets[g.purpose]!;
                assert.deepStrictEqual([await value(b.bucket), b.prefix, b.access], [g.bucket, `${g.purpose}/`, g.access]);
            }
        }
        assert.strictEqual(await value(layer.endpoint!.port), 9000);
    });

    it("names every child after its parent", () => assertChildNamesPrefixed(layerResources(all)));
});

describe("objectstore layer: airgap (RustFS StatefulSet)", () => {
    it("runs RustFS as a StatefulSet with a retained PVC, secret keys and /health probes; buckets per purpose", async () => {
        resetResources();
        const cfg = config("airgap", { storageSize: "80Gi" });
        const layer = deployObjectStore(cfg, {}, platformFor(cfg));
        const all = await resources();
        const sts = findResource(all, TYPES.statefulSet, "objectstore-rustfs-server-statefulset");
        assert.ok(sts.protect && sts.retainOnDelete);
        const spec = sts.inputs.spec as any; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.strictEqual(spec.volumeClaimTemplates[0].spec.resources.requests.storage, "80Gi");
        assert.strictEqual(spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Retain");
        const container = spec.template.spec.containers[0];
        assert.strictEqual(container.image, cfg.images.rustfs);
        for (const probe of [container.readinessProbe, container.livenessProbe]) assert.deepStrictEqual(probe.httpGet, { path: "/health", port: 9000 });
        const env = findResource(all, TYPES.secret, "objectstore-rustfs-server-env");
        assert.deepStrictEqual([...env.secretPaths], ["stringData"], "the root keys reach the cluster as a secret");
        assert.deepStrictEqual(Object.keys(env.rawInputs.stringData as object).sort(), ["RUSTFS_ACCESS_KEY", "RUSTFS_SECRET_KEY"]);
        assertBucketsAsPlanned(all, objectStorePlan(cfg), "objectstore-s3");
        const s3 = findResource(all, TYPES.s3Provider, "objectstore-s3");
        assert.ok(s3.dependsOn.includes("objectstore-rustfs-server-statefulset"), "provider waits for the StatefulSet");
        const url = `http://rustfs.${cfg.kubernetes.namespace}.svc.cluster.local:9000`;
        assert.deepStrictEqual(JSON.parse(s3.inputs.endpoints as string), [{ s3: url }], "default: Pulumi uses the in-cluster address");
        assert.strictEqual(await value(layer.services.scanner!.endpoint), url);
        assertChildNamesPrefixed(layerResources(all));
    });

    it("providerEndpoint sends Pulumi through a port-forward while services keep the in-cluster address", async () => {
        resetResources();
        const cfg = config("airgap", { providerEndpoint: "http://127.0.0.1:19000" });
        const layer = deployObjectStore(cfg, {}, platformFor(cfg));
        const all = await resources();
        assert.deepStrictEqual(JSON.parse(findResource(all, TYPES.s3Provider, "objectstore-s3").inputs.endpoints as string), [{ s3: "http://127.0.0.1:19000" }]);
        assert.strictEqual(findResource(all, TYPES.adminProvider, "objectstore-admin").inputs.minioServer, "127.0.0.1:19000");
        assert.match(await value<string>(layer.services.scanner!.endpoint), /\.svc\.cluster\.local:9000$/);
    });

    it("registers nothing when a bucket name is invalid (checked before any resource)", async () => {
        resetResources();
        const cfg = config("airgap");
        const bad = { ...cfg, objectStore: { ...cfg.objectStore, bucketPrefix: "Not_A_Bucket" } };
        assert.throws(() => deployObjectStore(bad, allSecrets(), { kind: "external" }), /objectStore\.bucketPrefix: bucket name "Not_A_Bucket-sboms" is not a valid S3 bucket name: expected/);
        assert.strictEqual((await resources()).length, 0);
    });
});
