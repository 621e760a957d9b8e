/**
 * deployValkey under mocks on the dev (Docker) and airgap (Kubernetes) platforms: the resource
 * graph, retained storage, the conf and the hashed aclfile delivered as secrets, probes, and
 * per-service connections whose passwords stay secret.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../../components/catalog";
import { planValkey } from "../../components/valkey/plan";
import { CONF_PATH, CONTAINER_SETTINGS, renderValkeyConf } from "../../components/valkey/render";
import { ConfigError } from "../../stacks/config";
import type { ValkeyLayer } from "../../stacks/layers/valkey";
import { RecordedResource, assertChildNamesPrefixed, byType, isSecret, value } from "../harness";
import { T, airgapPlatform, config, devPlatform, mockPassword, run, runFailing } from "./platforms";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const TLS = { valkeyTlsCert: pulumi.secret("CERT PEM"), valkeyTlsKey: pulumi.secret("KEY PEM") };

/** Every catalog service gets a connection: its user, a secret generated password, the plan's prefixes and TTLs. */
async function assertConnections(layer: ValkeyLayer, component: string, url: (service: string) => string, cfg: Parameters<typeof planValkey>[0]): Promise<void> {
    const plan = planValkey(cfg);
    assert.deepEqual(Object.keys(layer.services), CATALOG.services.map((s) => s.name));
    for (const s of plan.services) {
        const conn = layer.services[s.service]!;
        assert.equal(await value(conn.url), url(s.service), s.service);
        assert.equal(conn.user, s.user);
        assert.ok(await isSecret(conn.password), `${s.service} password must be secret`);
        assert.equal(await value(conn.password), mockPassword(`${component}-password-${s.service}`));
        assert.deepEqual(conn.prefixes, s.prefixes);
        assert.deepEqual(conn.ttls, s.ttls);
    }
    assert.ok(await isSecret(layer.operator!.password));
}

/** The aclfile a server receives: secret, hashes of the generated passwords, never the passwords. */
function assertAclFile(r: RecordedResource, secretPath: string, raw: string, users: readonly string[], component: string): void {
    const covered = r.secretPaths.some((p) => secretPath === p || secretPath.startsWith(`${p}.`));
    assert.ok(covered, `${secretPath} must be sent as a secret; secret: ${r.secretPaths.join(", ")}`);
    for (const u of users) {
        const key = u.replace(/^stellaops-/, "");
        assert.ok(raw.includes(`user ${u} on #${sha(mockPassword(`${component}-password-${key}`))} `), `${u} hashed`);
        assert.ok(!raw.includes(mockPassword(`${component}-password-${key}`)), `${u}'s plaintext`);
    }
    assert.match(raw, /^user default off resetpass /m);
}

describe("valkey layer: dev (Docker)", () => {
    it("runs one container with a retained volume, conf and hashed aclfile uploaded, probe health check", async () => {
        const cfg = config("dev");
        const { layer, all } = await run(cfg, devPlatform());
        assertChildNamesPrefixed(all);
        const plan = planValkey(cfg.valkey);
        const [container] = byType(all, T.container);
        assert.equal(byType(all, T.container).length, 1);
        assert.equal(container.inputs.name, "stellaops-valkey");
        for (const v of byType(all, T.volume)) assert.ok(v.protect && v.retainOnDelete, `${v.name} protected and retained`);
        assert.deepEqual(byType(all, T.volume).map((v) => v.inputs.name), ["stellaops-valkey-data"]);

        const uploads = container.rawInputs.uploads as { file: string; content: string }[];
        assert.deepEqual(uploads.map((u) => u.file), [CONF_PATH, CONTAINER_SETTINGS.aclfile]);
        assert.equal(uploads[0].content, renderValkeyConf(plan, plan.instances[0]), "the conf is the rendered plan");
        assertAclFile(container, "uploads[1].content", uploads[1].content, plan.instances[0].users.filter((u) => u.kind !== "default").map((u) => u.name), "valkey");
        assert.ok(container.secretPaths.includes("envs[0]"), "the probe password reaches the container as a secret");
        assert.deepEqual(container.inputs.ports, [{ internal: 6379, external: 16379, ip: "127.0.0.1" }]);
        assert.ok((container.inputs.healthcheck as { tests: string[] }).tests.join(" ").includes(`--user ${plan.probe} `));

        assert.equal(byType(all, T.password).length, plan.passwordUsers.length);
        for (const p of byType(all, T.password)) assert.ok(p.inputs.length as number >= 32 && p.inputs.special === false, p.name);
        await assertConnections(layer, "valkey", () => "redis://stellaops-valkey:6379", cfg.valkey);
        assert.deepEqual(layer.endpoint.ready.length, 1);
    });

    it("split: two containers on consecutive host ports, cache-only services pointed at the cache instance", async () => {
        const cfg = config("dev", { split: true });
        const { layer, all } = await run(cfg, devPlatform());
        const containers = byType(all, T.container);
        assert.deepEqual(containers.map((c) => [c.inputs.name, (c.inputs.ports as { external: number }[])[0].external]), [["stellaops-valkey-coordination", 16379], ["stellaops-valkey-cache", 16380]]);
        const coordAcl = (containers[0].rawInputs.uploads as { content: string }[])[1].content;
        assert.ok(!coordAcl.includes("stellaops-concelier"), "no cache-only service on the coordination instance");
        assert.equal(await value(layer.services.concelier!.url), "redis://stellaops-valkey-cache:6379");
        assert.equal(await value(layer.services.scanner!.url), "redis://stellaops-valkey-coordination:6379");
        assert.equal(await value(layer.services.scanner!.cacheUrl), "redis://stellaops-valkey-cache:6379");
        assert.equal(layer.endpoint.ready.length, 2);
    });

    it("with TLS: certificate and key uploaded (the key as a secret), rediss:// URLs, a TLS health check", async () => {
        const { layer, all } = await run(config("dev", { tls: true }), devPlatform(), TLS);
        const [container] = byType(all, T.container);
        const uploads = container.rawInputs.uploads as { file: string; content: string }[];
        assert.deepEqual(uploads.slice(2).map((u) => [u.file, u.content]), [[`${CONTAINER_SETTINGS.tlsDir}/tls.crt`, "CERT PEM"], [`${CONTAINER_SETTINGS.tlsDir}/tls.key`, "KEY PEM"]]);
        assert.ok(container.secretPaths.includes("uploads[3].content"), "the key is sent as a secret");
        assert.ok(((container.inputs.healthcheck as { tests: string[] }).tests.join(" ")).includes("--tls"));
        assert.match(await value(layer.services.gateway!.url), /^rediss:\/\//);
    });

    it("refuses TLS without the certificate secrets, naming them, before registering anything", async () => {
        const { error, all } = await runFailing(config("dev", { tls: true }), devPlatform());
        assert.ok(error instanceof ConfigError, String(error));
        assert.deepEqual(error.problems.map((p) => p.split(":").slice(0, 2).join(":")), ["stellaops:valkeyTlsCert", "stellaops:valkeyTlsKey"]);
        assert.ok(error.problems.every((p) => p.includes(": expected a secret PEM")));
        assert.deepEqual(all, []);
    });
});

describe("valkey layer: airgap (Kubernetes)", () => {
    it("runs a StatefulSet with a retained PVC, conf in a ConfigMap, the hashed aclfile in a Secret, and probes", async () => {
        const cfg = config("airgap", { storageSize: "16Gi", maxmemoryMb: 1024 });
        const { layer, all } = await run(cfg, airgapPlatform());
        assertChildNamesPrefixed(all);
        const plan = planValkey(cfg.valkey);
        const [sts] = byType(all, T.statefulSet);
        assert.ok(sts.protect && sts.retainOnDelete, "the StatefulSet carrying the PVC is protected and retained");
        const spec = sts.inputs.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.equal(spec.volumeClaimTemplates[0].spec.resources.requests.storage, "16Gi");
        assert.equal(spec.volumeClaimTemplates[0].spec.storageClassName, "fast");
        const container = spec.template.spec.containers[0];
        assert.equal(container.image, cfg.images.valkey);
        assert.deepEqual(container.args, ["valkey-server", CONF_PATH]);
        for (const probe of [container.readinessProbe, container.livenessProbe]) assert.ok(probe.exec.command.join(" ").includes(`--user ${plan.probe} `));
        assert.equal(container.resources.requests.memory, "1088Mi", "maxmemory plus overhead");
        assert.ok(container.env.some((e: { name: string; valueFrom?: unknown }) => e.name === "REDISCLI_AUTH" && e.valueFrom), "probe password from a Secret");

        const [configMap] = byType(all, T.configMap);
        assert.equal((configMap.inputs.data as Record<string, string>)["valkey.conf"], renderValkeyConf(plan, plan.instances[0]));
        const aclSecret = byType(all, T.secret).find((s) => (s.rawInputs.stringData as Record<string, string>)["users.acl"])!;
        const raw = (aclSecret.rawInputs.stringData as Record<string, string>)["users.acl"];
        assertAclFile(aclSecret, "stringData.users.acl", raw, plan.instances[0].users.filter((u) => u.kind !== "default").map((u) => u.name), "valkey");
        await assertConnections(layer, "valkey", () => "redis://valkey.stellaops-deps.svc.cluster.local:6379", cfg.valkey);
    });

    it("split: a StatefulSet per instance", async () => {
        const { all } = await run(config("airgap", { split: true }), airgapPlatform());
        assert.deepEqual(byType(all, T.statefulSet).map((s) => (s.inputs.metadata as { name: string }).name), ["valkey-coordination", "valkey-cache"]);
    });

    it("with TLS: certificate and key in a Secret mounted beside the conf", async () => {
        const { all } = await run(config("airgap", { tls: true }), airgapPlatform(), TLS);
        const tlsSecret = byType(all, T.secret).find((s) => (s.rawInputs.stringData as Record<string, string>)["tls.key"])!;
        assert.deepEqual(tlsSecret.rawInputs.stringData, { "tls.crt": "CERT PEM", "tls.key": "KEY PEM" });
        assert.ok(tlsSecret.secretPaths.length > 0);
        const mounts = ((byType(all, T.statefulSet)[0].inputs.spec as any).template.spec.containers[0].volumeMounts as { mountPath: string }[]).map((m) => m.mountPath); // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.ok(mounts.includes(CONTAINER_SETTINGS.tlsDir));
    });
});
