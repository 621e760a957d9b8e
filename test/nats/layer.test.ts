/**
 * deployNats under mocks, on platforms built here: nothing when disabled; dev container and
 * airgap StatefulSet with the rendered config as a secret, retained storage, JetStream health;
 * external accounts for the operator; aws and bad input refused before anything is registered.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { secretNatsConf } from "../../components/nats/credentials";
import { NATS_CONTAINER_TYPE, NATS_CONF_PATH } from "../../components/nats/docker";
import { NATS_STATEFULSET_TYPE } from "../../components/nats/kubernetes";
import { NATS_HEALTH_PATH, natsServices, natsUsers, planNats } from "../../components/nats/plan";
import { ConfigError, parseStackConfig, StackConfig, StackSecrets } from "../../stacks/config";
import { deployNats, natsPlan } from "../../stacks/layers/nats";
import type { DockerPlatform, Platform } from "../../stacks/platform";
import { TYPES, airgapPlatform, devPlatform as sharedDevPlatform } from "../support/platforms";
import { assertChildNamesPrefixed, byType, isSecret, RecordedResource, resetResources, resources, value } from "../harness";

const T = TYPES;
const NATS = { enabled: true, maxMemoryStoreMb: 256, maxFileStoreMb: 4096, storageSize: "8Gi" };
const defaultPlan = planNats({ serverName: "x", maxMemoryStoreMb: NATS.maxMemoryStoreMb, maxFileStoreMb: NATS.maxFileStoreMb, tls: false });
const users = natsUsers(defaultPlan).map((u) => u.user);

const devPlatform = async (): Promise<DockerPlatform> => sharedDevPlatform({ nats: 14222 });

/** Runs the layer with the platform's own resources left out of the recording. */
async function run(cfg: StackConfig, platform: Platform, secrets: StackSecrets = {}) {
    await resources();
    resetResources();
    const layer = deployNats(cfg, secrets, platform);
    return { layer, all: await resources() };
}

/** Mock bcrypt hashes (tools/offline/mock-state.ts) and passwords of the credentials' children. */
const mockHash = (prefix: string, user: string) => `$2a$10$mockbcrypt${prefix}-credentials-${user}`;
const mockPassword = (prefix: string, user: string) => `mock-secret-${prefix}-credentials-${user}`;

async function assertConnections(layer: NonNullable<ReturnType<typeof deployNats>>, url: string, prefix: string): Promise<void> {
    assert.deepStrictEqual(Object.keys(layer.services), natsServices());
    for (const [service, conn] of Object.entries(layer.services)) {
        assert.strictEqual(await value(conn!.url), url, service);
        assert.strictEqual(conn!.user, service);
        assert.ok(await isSecret(conn!.password), `${service} password must be secret`);
        assert.strictEqual(await value(conn!.password), mockPassword(prefix, service));
    }
    assert.ok(await isSecret(layer.operator.password));
}

function assertOnlyHashes(conf: string, prefix: string): void {
    for (const u of users) {
        assert.ok(conf.includes(`password: "${mockHash(prefix, u)}"`), `${u}'s hash`);
        assert.ok(!conf.includes(mockPassword(prefix, u)), `${u}'s plaintext password in the config`);
    }
    assert.ok(!conf.includes("_PASSWORD_BCRYPT"), "environment references left in the deployed config");
}

describe("nats layer (mocks)", () => {
    const dev = (nats: object = NATS) => parseStackConfig({ profile: "dev", nats });

    it("creates nothing and returns undefined when disabled (dev and airgap)", async () => {
        for (const platform of [await devPlatform(), airgapPlatform()]) {
            const { layer, all } = await run(parseStackConfig({ profile: "dev" }), platform);
            assert.strictEqual(layer, undefined);
            assert.deepStrictEqual(all, []);
        }
    });

    describe("dev: a container", () => {
        let layer: ReturnType<typeof deployNats>;
        let all: readonly RecordedResource[];
        let container: RecordedResource;
        before(async () => {
            ({ layer, all } = await run(dev(), await devPlatform()));
            container = byType(all, T.container)[0];
        });

        it("registers one NatsContainer with a password per user, under names prefixed by their parents", () => {
            assert.strictEqual(byType(all, NATS_CONTAINER_TYPE).length, 1);
            assert.deepStrictEqual(byType(all, T.password).map((r) => r.name), users.map((u) => `nats-credentials-${u}`));
            assert.strictEqual(byType(all, T.container).length, 1);
            assertChildNamesPrefixed(all);
        });

        it("keeps the JetStream store on a protected, retained volume", () => {
            const [volume] = byType(all, T.volume);
            assert.strictEqual(volume.inputs.name, "stellaops-nats-data");
            assert.ok(volume.protect && volume.retainOnDelete);
            assert.deepStrictEqual(container.inputs.volumes, [{ containerPath: defaultPlan.jetstream.storeDir, volumeName: "stellaops-nats-data" }]);
        });

        it("runs only the rendered config, sent as a secret with bcrypt hashes and no password", async () => {
            assert.deepStrictEqual(container.inputs.command, ["nats-server", "--config", NATS_CONF_PATH]);
            assert.deepStrictEqual(container.secretPaths, ["uploads[0].content"]);
            const uploads = container.rawInputs.uploads as { file: string; content: string }[];
            assert.deepStrictEqual(uploads.map((u) => u.file), [NATS_CONF_PATH]);
            assertOnlyHashes(uploads[0].content, "nats");
            assert.ok(!JSON.stringify(container.rawInputs.envs ?? []).includes("mock-secret"), "no password in the environment");
        });

        it("publishes only the client port on the bind address and checks JetStream health", () => {
            assert.deepStrictEqual(container.inputs.ports, [{ external: 14222, internal: 4222, ip: "127.0.0.1" }]);
            const check = (container.inputs.healthcheck as { tests: string[] }).tests.join(" ");
            assert.ok(check.includes(`http://127.0.0.1:8222${NATS_HEALTH_PATH}`), check);
        });

        it("gives each NATS service a URL, its user and a secret password", async () => {
            await assertConnections(layer!, "nats://stellaops-nats:4222", "nats");
            assert.deepStrictEqual(await value(layer!.endpoint.port), 4222);
        });
    });

    describe("airgap: a StatefulSet", () => {
        let all: readonly RecordedResource[];
        let sts: RecordedResource;
        let layer: ReturnType<typeof deployNats>;
        before(async () => {
            ({ layer, all } = await run(dev(), airgapPlatform()));
            sts = byType(all, T.statefulSet)[0];
        });

        it("registers one NatsStatefulSet with a retained PVC of nats.storageSize", () => {
            assert.strictEqual(byType(all, NATS_STATEFULSET_TYPE).length, 1);
            assert.ok(sts.protect && sts.retainOnDelete);
            const spec = sts.inputs.spec as { volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[]; persistentVolumeClaimRetentionPolicy: object };
            assert.strictEqual(spec.volumeClaimTemplates[0].spec.resources.requests.storage, "8Gi");
            assert.deepStrictEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
            assertChildNamesPrefixed(all);
        });

        it("mounts the config from a Secret (never a ConfigMap) holding hashes only", async () => {
            assert.strictEqual(byType(all, T.configMap).length, 0);
            const [secret] = byType(all, T.secret).filter((s) => "stringData" in s.rawInputs && "nats-server.conf" in (s.rawInputs.stringData as object));
            // The Kubernetes SDK marks all of stringData secret; the content is secret on its own too.
            assert.ok(secret.secretPaths.includes("stringData") || secret.secretPaths.includes("stringData.nats-server.conf"), secret.secretPaths.join());
            const plainHashes = Object.fromEntries(users.map((u) => [u, mockHash("plain", u)]));
            assert.ok(await isSecret(secretNatsConf(defaultPlan, plainHashes)), "the rendered config is a secret even from plain hashes");
            assertOnlyHashes((secret.rawInputs.stringData as Record<string, string>)["nats-server.conf"], "nats");
        });

        it("runs nats-server with only that file, probes JetStream health, sizes memory from the store", () => {
            type Probe = { httpGet: { path: string; port: number } };
            type Container = { command: string[]; args: string[]; livenessProbe: Probe; readinessProbe: Probe; resources: { limits: { memory: string } } };
            const c = (sts.inputs.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];
            assert.deepStrictEqual([...c.command, ...c.args], ["nats-server", "--config", "/etc/nats/stellaops/nats-server.conf"]);
            assert.deepStrictEqual(c.livenessProbe.httpGet, { path: NATS_HEALTH_PATH, port: 8222 });
            assert.strictEqual(c.readinessProbe.httpGet.port, 8222);
            assert.strictEqual(c.resources.limits.memory, `${NATS.maxMemoryStoreMb + 256}Mi`);
            const svc = byType(all, T.service)[0];
            assert.deepStrictEqual((svc.inputs.spec as { ports: { port: number }[] }).ports.map((p) => p.port), [4222, 8222]);
        });

        it("gives each NATS service the in-cluster URL and a secret password", async () => {
            await assertConnections(layer!, "nats://nats.stellaops-deps.svc.cluster.local:4222", "nats");
        });
    });

    it("external: generates the passwords and hands the operator the accounts block, and registers no server", async () => {
        const cfg = parseStackConfig(
            { profile: "external", postgres: { host: "db" }, valkey: { host: "kv" }, objectStore: { endpoint: "https://s3.internal" }, nats: { ...NATS, host: "nats.internal", port: 4223 } },
            new Set(["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"] as const),
        );
        const { layer, all } = await run(cfg, { kind: "external" });
        assert.deepStrictEqual([...new Set(all.map((r) => r.type))].sort(), ["random:index/randomPassword:RandomPassword", "stellaops:nats:Credentials"]);
        await assertConnections(layer!, "nats://nats.internal:4223", "nats");
        assert.ok(await isSecret(layer!.accountsConf));
        const conf = await value<string>(layer!.accountsConf);
        assertOnlyHashes(conf, "nats");
        assert.ok(conf.startsWith("# Operators") && conf.includes('system_account: "SYS"') && !conf.includes("jetstream {\n  store_dir"));
    });

    it("TLS: needs the natsTlsCert and natsTlsKey secrets, then uploads them (key as a secret) and hands out tls:// URLs", async () => {
        // Config validation asks for both secrets; the layer refuses again if they are absent anyway.
        assert.throws(() => dev({ ...NATS, tls: true }), (err: Error) => err instanceof ConfigError && /stellaops:natsTlsCert: expected a secret/.test(err.message) && /stellaops:natsTlsKey/.test(err.message));
        const cfg = parseStackConfig({ profile: "dev", nats: { ...NATS, tls: true } }, new Set(["natsTlsCert", "natsTlsKey"] as const));
        await assert.rejects(run(cfg, await devPlatform()), (err: Error) => err instanceof ConfigError && /stellaops:natsTlsCert: expected a secret PEM/.test(err.message));
        assert.deepStrictEqual(await resources(), [], "nothing registered");
        const secrets = { natsTlsCert: pulumi.output("CERT"), natsTlsKey: pulumi.secret("KEY") } as StackSecrets;
        const { layer, all } = await run(cfg, await devPlatform(), secrets);
        const container = byType(all, T.container)[0];
        assert.deepStrictEqual((container.inputs.uploads as { file: string }[]).map((u) => u.file), [NATS_CONF_PATH, "/etc/nats/tls/tls.crt", "/etc/nats/tls/tls.key"]);
        assert.ok(container.secretPaths.includes("uploads[2].content"));
        assert.strictEqual(await value(layer!.services.scanner!.url), "tls://stellaops-nats:4222");
    });

    const refused: [string, () => StackConfig, RegExp][] = [
        ["aws", () => ({ ...dev(), profile: "aws" }), /stellaops:nats.enabled: expected false/],
        ["limits missing (config bypassed)", () => ({ ...dev(), nats: { ...dev().nats, maxFileStoreMb: undefined } }), /stellaops:nats.maxFileStoreMb: expected an integer >= 1/],
        ["limits larger than the volume (config bypassed)", () => ({ ...dev(), nats: { ...dev().nats, maxFileStoreMb: 9000 } }), /stellaops:nats.maxFileStoreMb: expected at most the size of the store volume/],
        ["an unknown service in accounts (config bypassed)", () => ({ ...dev(), nats: { ...dev().nats, accounts: { policy: {} } } }), /stellaops:nats.accounts.policy: expected a service with NATS subjects/],
    ];
    for (const [what, cfg, message] of refused) {
        it(`refuses ${what} with a ConfigError naming the key, registering nothing`, async () => {
            const platform: Platform = what === "aws" ? ({ kind: "aws" } as Platform) : await devPlatform();
            await resources();
            resetResources();
            assert.throws(() => deployNats(cfg(), {}, platform), (err: Error) => err instanceof ConfigError && message.test(err.message));
            assert.deepStrictEqual(await resources(), []);
            if (what !== "aws") assert.throws(() => natsPlan(cfg()), message);
        });
    }
});
