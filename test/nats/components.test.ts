/**
 * The single-server NATS components under mocks, built from a plan the test makes (as the stack
 * hands it down): the dev container, the airgap StatefulSet and the external accounts. Secrets
 * stay secret, the config holds hashes only, storage is kept, and a plan a component cannot run
 * is refused before anything is registered.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../../components/catalog";
import { NATS_CONTAINER_TYPE, NATS_CONF_PATH, NatsContainer } from "../../components/nats/docker";
import { NATS_EXTERNAL_ACCOUNTS_TYPE, NatsExternalAccounts } from "../../components/nats/external";
import { NATS_STATEFULSET_TYPE, NatsStatefulSet } from "../../components/nats/kubernetes";
import { NATS_HEALTH_PATH, NatsOptions, natsUsers, planNats } from "../../components/nats/plan";
import { assertChildNamesPrefixed, byType, isSecret, RecordedResource, resetResources, resources, value } from "../harness";

const OPTIONS: NatsOptions = { maxMemoryStoreMb: 256, maxFileStoreMb: 4096 };
const plan = planNats(OPTIONS, CATALOG);
const users = natsUsers(plan).map((u) => u.user);
const T = { password: "random:index/randomPassword:RandomPassword", container: "docker:index/container:Container", volume: "docker:index/volume:Volume", statefulSet: "kubernetes:apps/v1:StatefulSet", secret: "kubernetes:core/v1:Secret", configMap: "kubernetes:core/v1:ConfigMap" };
const mockHash = (prefix: string, user: string) => `$2a$10$mockbcrypt${prefix}-credentials-${user}`;
const mockPassword = (prefix: string, user: string) => `mock-secret-${prefix}-credentials-${user}`;
const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };

/** Registers what `make` builds and returns it with every resource it registered. */
async function build<C>(make: () => C): Promise<{ c: C; all: readonly RecordedResource[] }> {
    await resources();
    resetResources();
    const c = make();
    return { c, all: await resources() };
}

async function assertPasswords(passwords: Readonly<Record<string, pulumi.Output<string>>>, prefix: string): Promise<void> {
    assert.deepStrictEqual(Object.keys(passwords), users);
    for (const u of users) {
        assert.ok(await isSecret(passwords[u]), `${u}'s password is secret`);
        assert.strictEqual(await value(passwords[u]), mockPassword(prefix, u));
    }
}

function assertOnlyHashes(conf: string, prefix: string): void {
    for (const u of users) {
        assert.ok(conf.includes(`password: "${mockHash(prefix, u)}"`), `${u}'s hash`);
        assert.ok(!conf.includes(mockPassword(prefix, u)), `${u}'s plaintext password in the config`);
    }
    assert.ok(!conf.includes("_PASSWORD_BCRYPT") && !/notify/i.test(conf), "no environment references, no notify");
}

describe("nats components (mocks)", () => {
    describe("NatsContainer (dev)", () => {
        let all: readonly RecordedResource[];
        let c: NatsContainer;
        let container: RecordedResource;
        before(async () => {
            ({ c, all } = await build(() => new NatsContainer("nats", { plan, containerName: "stellaops-nats", image: "nats:2.11.9-alpine", networkName: "stellaops-deps", bindAddress: "127.0.0.1", hostPort: 14222 })));
            container = byType(all, T.container)[0];
        });

        it("registers one container and a password per user, under names prefixed by their parents", () => {
            assert.strictEqual(byType(all, NATS_CONTAINER_TYPE).length, 1);
            assert.deepStrictEqual(byType(all, T.password).map((r) => r.name), users.map((u) => `nats-credentials-${u}`));
            assert.deepStrictEqual(users, ["operator", "scanner", "scheduler"]);
            assertChildNamesPrefixed(all);
        });

        it("keeps the JetStream store on a protected, retained volume", () => {
            const [volume] = byType(all, T.volume);
            assert.strictEqual(volume.inputs.name, "stellaops-nats-data");
            assert.ok(volume.protect && volume.retainOnDelete);
            assert.deepStrictEqual(container.inputs.volumes, [{ containerPath: "/data", volumeName: "stellaops-nats-data" }]);
        });

        it("runs only the rendered config, uploaded as a secret with bcrypt hashes and no password", () => {
            assert.deepStrictEqual(container.inputs.command, ["nats-server", "--config", NATS_CONF_PATH]);
            assert.deepStrictEqual(container.secretPaths, ["uploads[0].content"]);
            const uploads = container.rawInputs.uploads as { file: string; content: string }[];
            assert.deepStrictEqual(uploads.map((u) => u.file), [NATS_CONF_PATH]);
            assertOnlyHashes(uploads[0].content, "nats");
            assert.ok(uploads[0].content.includes('server_name: "stellaops-nats"') && uploads[0].content.includes('store_dir: "/data"'));
        });

        it("publishes only the client port on the bind address and checks JetStream health", () => {
            assert.deepStrictEqual(container.inputs.ports, [{ external: 14222, internal: 4222, ip: "127.0.0.1" }]);
            const check = (container.inputs.healthcheck as { tests: string[] }).tests.join(" ");
            assert.ok(check.includes(`http://127.0.0.1:8222${NATS_HEALTH_PATH}`), check);
        });

        it("outputs the host, port and secret passwords", async () => {
            assert.strictEqual(await value(c.host), "stellaops-nats");
            assert.strictEqual(c.port, 4222);
            await assertPasswords(c.passwords, "nats");
        });
    });

    describe("NatsStatefulSet (airgap, single)", () => {
        let all: readonly RecordedResource[];
        let sts: RecordedResource;
        before(async () => {
            ({ all } = await build(() => new NatsStatefulSet("nats", { plan, namespace: "stellaops-deps", image: "mirror.local/nats@sha256:" + "a".repeat(64), storageSize: "8Gi", clients })));
            sts = byType(all, T.statefulSet)[0];
        });

        it("registers one protected StatefulSet with a retained PVC of the storage size", () => {
            assert.strictEqual(byType(all, NATS_STATEFULSET_TYPE).length, 1);
            assert.ok(sts.protect && sts.retainOnDelete);
            const spec = sts.inputs.spec as { replicas: number; volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[]; persistentVolumeClaimRetentionPolicy: object };
            assert.strictEqual(spec.replicas, 1);
            assert.strictEqual(spec.volumeClaimTemplates[0].spec.resources.requests.storage, "8Gi");
            assert.deepStrictEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
            assertChildNamesPrefixed(all);
        });

        it("mounts the config from a Secret (never a ConfigMap) holding hashes only", () => {
            assert.strictEqual(byType(all, T.configMap).length, 0);
            const [secret] = byType(all, T.secret).filter((s) => "nats-server.conf" in ((s.rawInputs.stringData as object) ?? {}));
            assert.ok(secret.secretPaths.some((p) => p.startsWith("stringData")), secret.secretPaths.join());
            assertOnlyHashes((secret.rawInputs.stringData as Record<string, string>)["nats-server.conf"], "nats");
        });

        it("runs nats-server with only that file, probes JetStream health, sizes memory from the store", () => {
            type Probe = { httpGet: { path: string; port: number } };
            type Container = { command: string[]; args: string[]; env: { name: string; value: string }[]; livenessProbe: Probe; readinessProbe: Probe; resources: { limits: { memory: string } } };
            const c = (sts.inputs.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];
            assert.deepStrictEqual([...c.command, ...c.args], ["nats-server", "--config", "/etc/nats/stellaops/nats-server.conf"]);
            assert.deepStrictEqual([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.port], [NATS_HEALTH_PATH, "/healthz", 8222]);
            assert.strictEqual(c.resources.limits.memory, "512Mi");
            assert.deepStrictEqual(c.env, [{ name: "GOMEMLIMIT", value: "460MiB" }]);
        });
    });

    describe("NatsExternalAccounts (external)", () => {
        it("generates the passwords and hands over the accounts block with hashes only, as a secret", async () => {
            const { c, all } = await build(() => new NatsExternalAccounts("nats", { plan }));
            assert.strictEqual(byType(all, NATS_EXTERNAL_ACCOUNTS_TYPE).length, 1);
            assertChildNamesPrefixed(all);
            await assertPasswords(c.passwords, "nats");
            assert.ok(await isSecret(c.accountsConf));
            const conf = await value<string>(c.accountsConf);
            assertOnlyHashes(conf, "nats");
            assert.ok(conf.startsWith("# Operators") && !conf.includes("jetstream {\n  store_dir"), "the accounts part only");
            assert.strictEqual(all.find((r) => r.name === "nats-credentials")!.aliases, 1, "aliased to the root-level credentials of older stacks");
        });
    });

    describe("plans a component cannot run", () => {
        const cluster = planNats({ ...OPTIONS, cluster: true }, CATALOG);
        const tls = planNats({ ...OPTIONS, tls: true }, CATALOG);
        const cases: [string, () => unknown, RegExp][] = [
            ["a cluster in a container", () => new NatsContainer("nats", { plan: cluster, containerName: "n", image: "i", networkName: "n", bindAddress: "127.0.0.1", hostPort: 1 }), /a NATS cluster runs on Kubernetes only/],
            ["TLS without material in a container", () => new NatsContainer("nats", { plan: tls, containerName: "n", image: "i", networkName: "n", bindAddress: "127.0.0.1", hostPort: 1 }), /the plan has TLS: expected tls.cert and tls.key/],
            ["a cluster as a single StatefulSet", () => new NatsStatefulSet("nats", { plan: cluster, namespace: "ns", image: "i", storageSize: "1Gi", clients }), /expected NatsCluster/],
            ["TLS without material on Kubernetes", () => new NatsStatefulSet("nats", { plan: tls, namespace: "ns", image: "i", storageSize: "1Gi", clients }), /expected tls.cert and tls.key/],
            ["a cluster for an existing server", () => new NatsExternalAccounts("nats", { plan: cluster }), /expected a plan without cluster/],
        ];
        for (const [what, make, message] of cases) {
            it(`refuses ${what} before registering any child`, async () => {
                await resources();
                resetResources();
                assert.throws(make, message);
                assert.deepStrictEqual((await resources()).filter((r) => r.custom), []);
            });
        }
    });
});
