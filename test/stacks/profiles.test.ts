/**
 * What each profile creates, read from the whole-stack evaluation: counts per type and key
 * properties, the air-gapped scan, per-service Kubernetes Secrets, and NATS only when enabled.
 */
import * as assert from "assert";
import { SCHEMAS, SERVICE_NAMES } from "../../components/catalog";
import { Evaluation } from "../../tools/offline/evaluate";
import { byType, evaluateStack, strings } from "../harness";

const count = (ev: Evaluation, type: string) => byType(ev.resources, type).length;
const NATS_ON = { enabled: true, maxMemoryStoreMb: 256, maxFileStoreMb: 4096, queueTransport: "nats" };

describe("profiles (whole stacks under mocks)", function () {
    this.timeout(120000);

    it("dev: containers with health checks and loopback-only ports, volumes retained, on one network", async () => {
        const ev = await evaluateStack("dev");
        assert.strictEqual(count(ev, "docker:index/network:Network"), 1);
        const containers = byType(ev.resources, "docker:index/container:Container");
        assert.deepStrictEqual(containers.map((c) => c.inputs.name).sort(), ["stellaops-backup-dump", "stellaops-backup-upload", "stellaops-postgres", "stellaops-rustfs", "stellaops-valkey"]);
        for (const c of containers) {
            for (const p of (c.inputs.ports ?? []) as { ip: string }[]) assert.strictEqual(p.ip, "127.0.0.1", `${c.name} publishes on loopback only`);
            if (/backup/.test(c.inputs.name as string)) {
                assert.deepStrictEqual(c.inputs.ports ?? [], [], `${c.name}: a backup step publishes nothing`);
                continue;
            }
            assert.ok((c.inputs.healthcheck as { tests: string[] }).tests.length > 1, `${c.name} has a health check`);
            assert.strictEqual(c.inputs.wait, true, `${c.name}: up waits for healthy`);
        }
        for (const img of byType(ev.resources, "docker:index/remoteImage:RemoteImage")) assert.match(img.inputs.name as string, /:[0-9][\w.-]*$|@sha256:/, "pinned image");
        for (const v of byType(ev.resources, "docker:index/volume:Volume")) assert.ok(v.protect && v.retainOnDelete, v.name);
    });

    it("airgap: only mirror@sha256 images, no public registry or internet host anywhere, every workload hardened", async () => {
        const ev = await evaluateStack("airgap", { overrides: { "stellaops:nats": NATS_ON } });
        const mirror = "registry.stellaops.internal:5000";
        const sets = byType(ev.resources, "kubernetes:apps/v1:StatefulSet");
        assert.deepStrictEqual(sets.length, 4, "postgres, valkey, rustfs, nats");
        for (const s of sets) {
            const pod = (s.inputs.spec as { template: { spec: Record<string, unknown> } }).template.spec;
            const containers = pod.containers as { image: string; resources: { limits: unknown; requests: unknown }; readinessProbe: unknown; livenessProbe: unknown }[];
            for (const c of containers) {
                assert.match(c.image, new RegExp(`^${mirror.replace(/\./g, "\\.")}/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$`), s.name);
                assert.ok(c.resources.limits && c.resources.requests && c.readinessProbe && c.livenessProbe, `${s.name}: limits, requests, probes`);
            }
            assert.strictEqual((pod.securityContext as { runAsNonRoot: boolean }).runAsNonRoot, true, `${s.name} runs as non-root`);
        }
        // Every host-like token in every input must be in-cluster, the mirror, or a Kubernetes API/label name.
        const allowed = [/^[a-z0-9-]+\.[a-z0-9-]+\.svc\.cluster\.local(:\d+)?$/, new RegExp(`^${mirror.replace(/\./g, "\\.")}(/|$)`), /^([a-z0-9-]+\.)*(k8s|kubernetes)\.io\//, /^[\w.-]+\.(conf|acl|json|crt|key|pem|sh|sql|md|dump|fetch|partial|parts)$/, /^0\.0\.0\.0:\d+$/];
        const offenders: string[] = [];
        for (const r of ev.resources) {
            for (const s of strings(r.inputs)) {
                for (const token of s.toLowerCase().match(/(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:\/[\w.-]+)*/g) ?? []) {
                    if (/^[\d.]+$/.test(token) || allowed.some((a) => a.test(token))) continue;
                    offenders.push(`${r.name}: ${token}`);
                }
            }
        }
        assert.deepStrictEqual(offenders, []);
        assert.strictEqual(count(ev, "kubernetes:networking.k8s.io/v1:NetworkPolicy"), sets.length, "one NetworkPolicy per server");
    });

    it("airgap: one Secret per service, stellaops-<service>-deps, NATS keys only for NATS services when enabled", async () => {
        for (const nats of [undefined, NATS_ON]) {
            const ev = await evaluateStack("airgap", { overrides: nats ? { "stellaops:nats": nats } : {} });
            const secrets = byType(ev.resources, "kubernetes:core/v1:Secret").filter((s) => /^stellaops-.*-deps$/.test((s.inputs.metadata as { name: string }).name));
            assert.deepStrictEqual(secrets.map((s) => (s.inputs.metadata as { name: string }).name).sort(), SERVICE_NAMES.map((n) => `stellaops-${n}-deps`).sort());
            for (const s of secrets) {
                const svc = (s.inputs.metadata as { labels: Record<string, string> }).labels["stellaops.io/service"];
                const keys = Object.keys(s.rawInputs.stringData as object);
                assert.ok(s.secretPaths.some((p) => p.startsWith("stringData")), `${svc}: values sent as secrets`);
                assert.ok(keys.includes("VALKEY_URL") && keys.includes("VALKEY_PASSWORD"), svc);
                assert.strictEqual(keys.includes("POSTGRES_DSN"), SCHEMAS.some((x) => x.owner === svc), `${svc}: DSN iff it owns a schema`);
                // Only services with NATS streams move; Notify has none and stays on Valkey.
                const natsService = ["scanner", "scheduler"].includes(svc);
                assert.strictEqual(keys.includes("NATS_URL"), !!nats && natsService, `${svc}: NATS keys only when enabled`);
                assert.strictEqual((s.rawInputs.stringData as Record<string, string>).QUEUE_TRANSPORT, nats && natsService ? "nats" : "valkey", svc);
            }
        }
    });

    it("aws: RDS, ElastiCache and S3 with encryption, deletion protection and no public access", async () => {
        const ev = await evaluateStack("aws");
        const [rds] = byType(ev.resources, "aws:rds/instance:Instance");
        assert.deepStrictEqual(
            [rds.inputs.storageEncrypted, rds.inputs.deletionProtection, rds.inputs.manageMasterUserPassword, rds.inputs.publiclyAccessible, rds.inputs.skipFinalSnapshot, rds.protect],
            [true, true, true, false, false, true],
        );
        const [params] = byType(ev.resources, "aws:rds/parameterGroup:ParameterGroup");
        assert.ok((params.inputs.parameters as { name: string; value: string }[]).some((p) => p.name === "rds.force_ssl" && p.value === "1"));
        for (const g of byType(ev.resources, "aws:elasticache/replicationGroup:ReplicationGroup")) {
            assert.deepStrictEqual([g.inputs.engine, g.inputs.transitEncryptionEnabled, g.inputs.atRestEncryptionEnabled], ["valkey", true, true], g.name);
        }
        const buckets = byType(ev.resources, "aws:s3/bucket:Bucket");
        const blocks = byType(ev.resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        assert.ok(buckets.length >= 3 && blocks.length === buckets.length, "one public access block per bucket");
        for (const b of blocks) assert.deepStrictEqual([b.inputs.blockPublicAcls, b.inputs.blockPublicPolicy, b.inputs.ignorePublicAcls, b.inputs.restrictPublicBuckets], [true, true, true, true]);
        for (const sg of byType(ev.resources, "aws:ec2/securityGroup:SecurityGroup")) {
            for (const rule of sg.inputs.ingress as { cidrBlocks?: string[] }[]) assert.ok(!(rule.cidrBlocks ?? []).includes("0.0.0.0/0"), `${sg.name} is open to the world`);
        }
        assert.strictEqual(count(ev, "docker:index/container:Container") + count(ev, "kubernetes:apps/v1:StatefulSet"), 0, "no self-run servers");
    });

    it("external: only schemas and roles, ACL users and buckets on the servers named in config", async () => {
        const ev = await evaluateStack("external");
        const servers = ev.resources.filter((r) => /^(docker|kubernetes):|^aws:(rds|elasticache|ec2)/.test(r.type));
        assert.deepStrictEqual(servers.map((r) => r.type), []);
        const [pg] = byType(ev.resources, "pulumi:providers:postgresql");
        assert.deepStrictEqual([pg.inputs.host, pg.inputs.sslmode, pg.inputs.password], ["pg.stellaops.internal", "verify-full", "[secret]"]);
        assert.strictEqual(count(ev, "postgresql:index/schema:Schema"), SCHEMAS.length + 1);
        assert.ok(count(ev, "aws:s3/bucket:Bucket") >= 3);
        assert.strictEqual(count(ev, "pulumi-nodejs:dynamic/valkey:AclUsers"), 1, "the Valkey ACL users, applied by the dynamic provider");
    });

    it("dev with NATS enabled: a NATS container and volume, NATS outputs, and queues switched to nats", async () => {
        const ev = await evaluateStack("dev", { overrides: { "stellaops:nats": NATS_ON } });
        assert.ok(byType(ev.resources, "docker:index/container:Container").some((c) => c.inputs.name === "stellaops-nats"));
        const services = ev.shownOutputs.services as Record<string, { nats?: { url: string }; queueTransport: string }>;
        assert.deepStrictEqual(Object.keys(services).filter((s) => services[s].nats).sort(), ["scanner", "scheduler"]);
        assert.strictEqual(services.scanner.queueTransport, "nats");
        assert.strictEqual(services.notify.queueTransport, "valkey", "Notify has no NATS streams: it stays on Valkey");
        assert.ok(ev.shownOutputs.nats, "operator output present only when enabled");
    });
});
