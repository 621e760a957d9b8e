/**
 * Rotation under mocks, what airgap makes in the cluster: the PostgreSQL bootstrap Job (the
 * plan's logins get new passwords, which its passwords.sql sets), the object storage Job (a
 * second user `<service>-b` with the service's policy from the first rotation on, as
 * RustfsServiceUsers), and NATS on Kubernetes (new passwords and a pod-template revision, so the
 * servers restart and load the new hashes).
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../../components/catalog";
import { NatsStatefulSet } from "../../components/nats/kubernetes";
import { planNats } from "../../components/nats/plan";
import { ObjectStoreBootstrapJob } from "../../components/objectstore/bootstrap-job";
import { planObjectStore } from "../../components/objectstore/plan";
import { PostgresBootstrapJob } from "../../components/postgres/bootstrap-job";
import { planPostgres } from "../../components/postgres/plan";
import { NO_ROTATION, planRotation, RotationOptions, RotationPlan } from "../../components/rotation";
import { value } from "../harness";
import { OPTIONS as S3_OPTIONS } from "../objectstore/support";
import { OPTIONS as PG_OPTIONS } from "../postgres/plan.test";
import { lines, named, record, rotationChanges } from "./support";

const rot = (o: RotationOptions) => planRotation(o, CATALOG);
const podLabel = { key: "app.kubernetes.io/part-of", value: "stellaops" };
const IMAGE = (repo: string) => `mirror.local:5000/${repo}@sha256:${"a".repeat(64)}`;
const source = async (secret: unknown) => String(await value(secret)).replace(/^mock-secret-/, "");

describe("rotation under mocks: the PostgreSQL bootstrap Job", () => {
    const plan = planPostgres(PG_OPTIONS);
    const job = (rotation: RotationPlan) => () =>
        new PostgresBootstrapJob("postgres-bootstrap", { plan, namespace: "ns", image: IMAGE("library/postgres"), server: { host: pulumi.output("pg"), port: 5432, sslMode: "disable" }, admin: { user: "postgres", password: pulumi.secret("pw") }, podLabel, rotation });

    it("replaces only the rotated logins' passwords; the Secret and Job carry them, the SQL files stay", async () => {
        const [g0, s1] = [await record(job(NO_ROTATION)), await record(job(rot({ services: { scanner: 1 } })))];
        const changes = lines(rotationChanges(g0, s1));
        assert.deepStrictEqual(changes.filter((l) => l.includes("-password-")), ["postgres-bootstrap-password-scanner: keepers"]);
        assert.deepStrictEqual(named(s1, "postgres-bootstrap-files").rawInputs, named(g0, "postgres-bootstrap-files").rawInputs, "bootstrap.sql and passwords.sql are the same files");
        assert.ok(changes.includes("postgres-bootstrap-passwords: carries"), changes.join("\n"));
    });

    it("the epoch rotates every login of the plan, the migrator's included", async () => {
        const [g0, e1] = [await record(job(NO_ROTATION)), await record(job(rot({ epoch: 1 })))];
        const expected = plan.roles.filter((r) => r.login).map((r) => `postgres-bootstrap-password-${r.service ?? r.kind}: keepers`);
        assert.deepStrictEqual(lines(rotationChanges(g0, e1)).filter((l) => l.includes("-password-")), expected.sort());
    });
});

describe("rotation under mocks: the object storage bootstrap Job (two users per service)", () => {
    const plan = planObjectStore({ ...S3_OPTIONS.perPurpose, bucketPrefix: "stellaops" }, CATALOG);
    const jobs: ObjectStoreBootstrapJob[] = [];
    const job = (rotation: RotationPlan) => () =>
        jobs.push(new ObjectStoreBootstrapJob("objectstore-bootstrap", { plan, namespace: "ns", image: IMAGE("minio/mc"), endpoint: "http://rustfs:9000", rootAccessKey: pulumi.secret("a"), rootSecretKey: pulumi.secret("b"), policyPrefix: "stellaops", podLabel, rotation }));

    it("the first rotation adds `<service>-b` with the service's policy, and the outputs switch to it; later ones renew the older user's secret", async () => {
        const gens = [await record(job(NO_ROTATION)), await record(job(rot({ services: { scanner: 1 } }))), await record(job(rot({ services: { scanner: 2 } })))];
        assert.deepStrictEqual(lines(rotationChanges(gens[0], gens[1])).filter((l) => l.includes("secret")), ["objectstore-bootstrap-scanner-secret-b: added"]);
        const data = named(gens[1], "objectstore-bootstrap-files").rawInputs.data as Record<string, string>;
        assert.deepStrictEqual(data["policy-scanner-b.json"], data["policy-scanner.json"]);
        assert.match(data["bootstrap.sh"], /mc admin user add target 'scanner-b'\n.*\nattach 'stellaops-scanner' 'scanner-b'/);
        assert.strictEqual(await value(jobs[1].credentials.scanner!.accessKeyId), "scanner-b");
        assert.strictEqual(await source(jobs[1].credentials.scanner!.secretAccessKey), "objectstore-bootstrap-scanner-secret-b");
        assert.deepStrictEqual(lines(rotationChanges(gens[1], gens[2])).filter((l) => l.includes("secret")), ["objectstore-bootstrap-scanner-secret: keepers"]);
        assert.strictEqual(await value(jobs[2].credentials.scanner!.accessKeyId), "scanner");
    });
});

describe("rotation under mocks: NATS on Kubernetes", () => {
    const plan = planNats({ maxMemoryStoreMb: 256, maxFileStoreMb: 4096 }, CATALOG);
    const clients = { podLabel, namespaces: ["stellaops"] };
    const sts = (rotation: RotationPlan) => () => new NatsStatefulSet("nats", { plan, namespace: "ns", image: IMAGE("library/nats"), storageSize: "8Gi", clients, rotation });
    const env = (r: ReturnType<typeof named>) => ((r.rawInputs.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0].env ?? []).map((e) => e.name);

    it("replaces the rotated user's password and restarts the server through its pod template; no revision before the first rotation", async () => {
        const [g0, s1] = [await record(sts(NO_ROTATION)), await record(sts(rot({ services: { scanner: 1 } })))];
        const changes = lines(rotationChanges(g0, s1));
        assert.ok(changes.includes("nats-credentials-scanner: keepers"), changes.join("\n"));
        assert.deepStrictEqual(changes.filter((l) => l.includes("nats-credentials-") && !l.startsWith("nats-credentials-scanner")), []);
        const set = (rec: typeof g0) => rec.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
        assert.ok(!env(set(g0)).includes("STELLAOPS_NATS_REVISION"));
        assert.ok(env(set(s1)).includes("STELLAOPS_NATS_REVISION"));
        const spec = (rec: typeof g0) => (set(rec).rawInputs.spec as { volumeClaimTemplates: unknown }).volumeClaimTemplates;
        assert.deepStrictEqual(spec(s1), spec(g0), "the store's claim template stays");
    });
});
