/**
 * ObjectStoreBootstrapJob under mocks: ConfigMap (script, policies, lifecycle: no secret), secret
 * Secret (root keys, one generated key per service), a restricted Job from the mirrored mc image
 * admitted by the client label, a Job name that changes with the plan or any key and with nothing
 * else, and per-service credentials like RustfsServiceUsers', resolving after the Job.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ObjectStoreBootstrapJob, ObjectStoreBootstrapJobArgs, OBJECTSTORE_BOOTSTRAP_JOB_TYPE } from "../../components/objectstore/bootstrap-job";
import { objectStoreFiles, secretKeyEnv } from "../../components/objectstore/bootstrap-job-script";
import { ObjectStorePlan, planObjectStore } from "../../components/objectstore/plan";
import { assertChildNamesPrefixed, byType, isSecret, RecordedResource, resetResources, resources, strings, value } from "../harness";
import { imagesIn } from "../postgres/bootstrap-job-support";
import { planBackup } from "../../components/backup/plan";
import { planPostgres } from "../../components/postgres/plan";
import { OPTIONS as PG } from "../postgres/plan.test";
import { catalogWithEvidenceLocker, OPTIONS } from "./support";

/* eslint-disable @typescript-eslint/no-explicit-any */
const T = { configMap: "kubernetes:core/v1:ConfigMap", secret: "kubernetes:core/v1:Secret", job: "kubernetes:batch/v1:Job", password: "random:index/randomPassword:RandomPassword" };
const IMAGE = `registry.airgap.internal:5000/minio/mc@sha256:${"f".repeat(64)}`;
const ENDPOINT = "http://rustfs.stellaops-deps.svc.cluster.local:9000";
const ROOT = { access: "root-access-value", secret: "root-secret-value" };
const PLAN = planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "stellaops" }, catalogWithEvidenceLocker());

function args(plan: ObjectStorePlan = PLAN, over: Partial<ObjectStoreBootstrapJobArgs> = {}): ObjectStoreBootstrapJobArgs {
    return {
        plan,
        namespace: "stellaops-deps",
        image: IMAGE,
        endpoint: pulumi.output(ENDPOINT),
        rootAccessKey: pulumi.secret(ROOT.access),
        rootSecretKey: pulumi.secret(ROOT.secret),
        policyPrefix: "stellaops",
        podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" },
        ...over,
    };
}

async function evaluate(name: string, a: ObjectStoreBootstrapJobArgs) {
    resetResources();
    const c = new ObjectStoreBootstrapJob(name, a);
    await value(c.jobName);
    return { c, all: await resources() };
}

const jobName = (all: readonly RecordedResource[]) => (byType(all, T.job)[0].inputs.metadata as any).name as string;
const files = (all: readonly RecordedResource[]) => byType(all, T.configMap)[0].inputs.data as Record<string, string>;

describe("ObjectStoreBootstrapJob component (mocks)", () => {
    let c: ObjectStoreBootstrapJob;
    let all: readonly RecordedResource[];

    before(async () => {
        ({ c, all } = await evaluate("os", args()));
    });

    it("registers a ConfigMap with the plan's files, a Secret, a Job and one generated 40-character key per service, all named after it", () => {
        assert.strictEqual(byType(all, OBJECTSTORE_BOOTSTRAP_JOB_TYPE).length, 1);
        assert.deepStrictEqual([T.configMap, T.secret, T.job].map((t) => byType(all, t).map((r) => r.name)), [["os-files"], ["os-keys"], ["os-job"]]);
        const passwords = byType(all, T.password);
        assert.deepStrictEqual(passwords.map((r) => r.name).sort(), PLAN.services.map((s) => `os-${s.service}-secret`).sort());
        for (const p of passwords) assert.deepStrictEqual([p.inputs.length, p.inputs.special], [40, false]);
        assert.deepStrictEqual(files(all), objectStoreFiles(PLAN, { policyPrefix: "stellaops" }));
        assertChildNamesPrefixed(all);
        for (const r of all.filter((x) => x.type !== OBJECTSTORE_BOOTSTRAP_JOB_TYPE)) assert.strictEqual(r.parent, "os", r.name);
    });

    it("keeps every secret out of the ConfigMap and the pod spec, and sends the root and service keys as a secret Secret", async () => {
        const keys = await Promise.all(Object.values(c.credentials).map((cr) => value<string>(cr!.secretAccessKey)));
        const secretValues = [ROOT.access, ROOT.secret, ...keys];
        for (const r of [...byType(all, T.configMap), ...byType(all, T.job)]) {
            assert.deepStrictEqual(r.secretPaths, [], r.name);
            for (const v of secretValues) assert.ok(!strings(r.rawInputs).some((s) => s.includes(v)), `${r.name} holds a secret`);
        }
        const secret = byType(all, T.secret)[0];
        const data = secret.rawInputs.stringData as Record<string, string>;
        assert.deepStrictEqual(Object.keys(data).sort(), ["ROOT_ACCESS_KEY", "ROOT_SECRET_KEY", ...PLAN.services.map((s) => secretKeyEnv(s.service))].sort());
        assert.deepStrictEqual([data.ROOT_ACCESS_KEY, data.ROOT_SECRET_KEY], [ROOT.access, ROOT.secret]);
        for (const k of Object.keys(data)) assert.ok(secret.secretPaths.some((p) => p === "stringData" || p === `stringData.${k}`), `${k} must be sent as a secret: ${secret.secretPaths}`);
    });

    it("runs one restricted non-root container from the given (mirrored) mc image only, its config dir on an emptyDir", () => {
        const job = byType(all, T.job)[0];
        assert.deepStrictEqual(imagesIn(job.inputs), [IMAGE]);
        assert.ok(!strings(all.map((r) => r.inputs)).some((s) => /docker\.io|ghcr\.io|quay\.io|registry\.k8s\.io|min\.io|amazonaws/.test(s)), "no public registry or host");
        const pod = (job.inputs.spec as any).template.spec;
        assert.deepStrictEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
        assert.deepStrictEqual([pod.restartPolicy, pod.automountServiceAccountToken, pod.enableServiceLinks], ["Never", false, false]);
        const [ctr] = pod.containers;
        assert.deepStrictEqual(ctr.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        assert.deepStrictEqual(ctr.command, ["sh", "/bootstrap/bootstrap.sh"]);
        const plain = Object.fromEntries(ctr.env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));
        assert.deepStrictEqual(plain, { S3_ENDPOINT: ENDPOINT, MC_CONFIG_DIR: "/tmp/.mc", HOME: "/tmp", BOOTSTRAP_DIR: "/bootstrap" });
        assert.ok(ctr.volumeMounts.some((m: any) => m.mountPath === "/tmp") && pod.volumes.some((v: any) => v.name === "tmp" && v.emptyDir), "MC_CONFIG_DIR is writable");
        const refs = ctr.env.filter((e: any) => e.valueFrom).map((e: any) => `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
        assert.deepStrictEqual(refs.sort(), Object.keys(byType(all, T.secret)[0].rawInputs.stringData as object).map((k) => `objectstore-bootstrap/${k}`).sort());
        assert.strictEqual(pod.securityContext.runAsUser, 1000);
    });

    it("is awaited as a Job: bounded retries and deadline, no TTL, replaced when unready, after its files and the server; the pod carries the client label", async () => {
        const marker = new (class extends pulumi.CustomResource {
            constructor() {
                super("test:index:Marker", "rustfs-marker", {});
            }
        })();
        const { all: withReady } = await evaluate("os", args(PLAN, { ready: [marker] }));
        const job = byType(withReady, T.job)[0];
        const spec = job.inputs.spec as any;
        assert.deepStrictEqual([spec.backoffLimit, spec.activeDeadlineSeconds, spec.ttlSecondsAfterFinished], [2, 900, undefined]);
        assert.deepStrictEqual((job.inputs.metadata as any).annotations, { "pulumi.com/replaceUnready": "true" });
        assert.strictEqual(spec.template.metadata.labels["app.kubernetes.io/part-of"], "stellaops");
        assert.deepStrictEqual([...job.dependsOn].sort(), ["os-files", "os-keys", "rustfs-marker"]);
        assert.match(jobName(withReady), /^objectstore-bootstrap-[0-9a-f]{10}$/);
    });

    it("outputs per-service credentials (access key = service name, secret key = the Secret's) and bucket names, resolving after the Job", async () => {
        const data = byType(all, T.secret)[0].rawInputs.stringData as Record<string, string>;
        assert.deepStrictEqual(Object.keys(c.credentials).sort(), PLAN.services.map((s) => s.service).sort());
        for (const s of PLAN.services) {
            const cr = c.credentials[s.service]!;
            assert.strictEqual(await value(cr.accessKeyId), s.service);
            assert.ok(await isSecret(cr.secretAccessKey), `${s.service} secret key must be secret`);
            assert.strictEqual(await value(cr.secretAccessKey), data[secretKeyEnv(s.service)]);
        }
        assert.deepStrictEqual(Object.keys(c.bucketNames).sort(), PLAN.buckets.map((b) => b.name).sort());
        for (const [n, o] of Object.entries(c.bucketNames)) assert.strictEqual(await value(o), n);
    });

    it("without users: no generated keys, and every service gets the root credentials (secret)", async () => {
        const { c: shared, all: noUsers } = await evaluate("os", args(PLAN, { users: false }));
        assert.strictEqual(byType(noUsers, T.password).length, 0);
        assert.deepStrictEqual(Object.keys(byType(noUsers, T.secret)[0].rawInputs.stringData as object).sort(), ["ROOT_ACCESS_KEY", "ROOT_SECRET_KEY"]);
        assert.ok(!files(noUsers)["bootstrap.sh"].includes("mc admin"));
        for (const cr of Object.values(shared.credentials)) {
            assert.deepStrictEqual([await value(cr!.accessKeyId), await value(cr!.secretAccessKey), await isSecret(cr!.secretAccessKey)], [ROOT.access, ROOT.secret, true]);
        }
    });

    it("keeps the Job name and every input when nothing changes; renames the Job when the plan, the image, a root key or a service key changes", async () => {
        const again = await evaluate("os", args());
        assert.deepStrictEqual(again.all.map((r) => [r.name, r.rawInputs]), all.map((r) => [r.name, r.rawInputs]));
        const plan = await evaluate("os", args(planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "stellaops", replayExpirationDays: 500 }, catalogWithEvidenceLocker())));
        assert.notDeepStrictEqual(files(plan.all), files(all));
        const image = await evaluate("os", args(PLAN, { image: IMAGE.replace(/f{64}/, "0".repeat(64)) }));
        const root = await evaluate("os", args(PLAN, { rootSecretKey: pulumi.secret("rotated-root-secret") }));
        const service = await evaluate("os-rotated", args()); // other mock keys: they derive from the name
        for (const x of [image, root, service]) assert.deepStrictEqual(files(x.all), files(all), "same files");
        const names = [all, plan.all, image.all, root.all, service.all].map(jobName);
        assert.strictEqual(new Set(names).size, names.length, names.join(" "));
    });

    it("makes the backup bucket and its writer and reader as extras: keys in the Secret, credentials and bucket name out", async () => {
        const backup = planBackup(planPostgres(PG), { bucket: "stellaops-backups" }, PG.rolePrefix);
        const extraIdentities = [
            { user: "stellaops-backup-w", policy: backup.writerPolicy },
            { user: "stellaops-backup-r", policy: backup.readerPolicy },
        ];
        const { c: x, all: withBackup } = await evaluate("os", args(PLAN, { extraBuckets: [backup.bucket], extraIdentities }));
        assert.deepStrictEqual(files(withBackup), objectStoreFiles(PLAN, { policyPrefix: "stellaops", extraBuckets: [backup.bucket], extraIdentities }));
        const data = byType(withBackup, T.secret)[0].rawInputs.stringData as Record<string, string>;
        for (const u of extraIdentities) {
            const cr = x.identities[u.user];
            assert.strictEqual(await value(cr.accessKeyId), u.user);
            assert.ok(await isSecret(cr.secretAccessKey));
            assert.strictEqual(await value(cr.secretAccessKey), data[secretKeyEnv(u.user)]);
        }
        assert.ok(byType(withBackup, T.password).some((r) => r.name === "os-stellaops-backup-w-secret"));
        assert.strictEqual(await value(x.bucketNames["stellaops-backups"]), "stellaops-backups");
        assert.deepStrictEqual(c.identities, {}, "none without extras");
    });
});
