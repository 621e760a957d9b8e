/**
 * ValkeyContainers (dev) and ValkeyStatefulSets (airgap, single topology) under mocks, built
 * from a plan the way the stack builds them: the resource graph, retained storage, the conf and
 * the hashed aclfile (each instance's own file name) delivered as secrets, probes, TLS files,
 * and passwords that stay secret.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ValkeyContainers } from "../../components/valkey/docker";
import { ValkeyStatefulSets } from "../../components/valkey/kubernetes";
import type { ValkeyPlan } from "../../components/valkey/plan";
import { CONF_PATH, CONTAINER_SETTINGS, aclfilePath, renderValkeyConf } from "../../components/valkey/render";
import { RecordedResource, assertChildNamesPrefixed, byType, isSecret, resetResources, resources, value } from "../harness";
import { testPlan } from "./support";

/* eslint-disable @typescript-eslint/no-explicit-any */
const T = {
    password: "random:index/randomPassword:RandomPassword",
    container: "docker:index/container:Container",
    volume: "docker:index/volume:Volume",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
};
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const mockPassword = (resource: string) => `mock-secret-${resource}`;
const TLS = { cert: pulumi.secret("CERT PEM"), key: pulumi.secret("KEY PEM") };
const IMAGE = `registry.internal:5000/valkey/valkey@sha256:${"a".repeat(64)}`;

async function record<T>(build: () => T): Promise<{ component: T; all: readonly RecordedResource[] }> {
    await resources();
    resetResources();
    const component = build();
    return { component, all: (await resources()).filter((r) => !r.type.startsWith("pulumi:providers:") && r.type !== "docker:index/network:Network") };
}

function dev(plan: ValkeyPlan, tls?: typeof TLS) {
    const provider = new docker.Provider("docker", {});
    const network = new docker.Network("docker-network", { name: "stellaops-deps" }, { provider });
    return new ValkeyContainers("valkey", { plan, image: "valkey/valkey:8.1", networkName: network.name, bindAddress: "127.0.0.1", hostPort: 16379, namePrefix: "stellaops", tls }, { providers: [provider] });
}

function airgap(plan: ValkeyPlan, tls?: typeof TLS) {
    const provider = new k8s.Provider("k8s", {});
    const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };
    return new ValkeyStatefulSets("valkey", { plan, namespace: "stellaops-deps", image: IMAGE, storageSize: "16Gi", storageClass: "fast", clients, tls }, { providers: [provider] });
}

/** The aclfile a server receives: secret, hashes of the generated passwords, never the passwords. */
function assertAclFile(r: RecordedResource, secretPath: string, raw: string, users: readonly string[]): void {
    assert.ok(r.secretPaths.some((p) => secretPath === p || secretPath.startsWith(`${p}.`)), `${secretPath} must be sent as a secret; secret: ${r.secretPaths.join(", ")}`);
    for (const u of users) {
        const pw = mockPassword(`valkey-password-${u.replace(/^stellaops-/, "")}`);
        assert.ok(raw.includes(`user ${u} on #${sha(pw)} `), `${u} hashed`);
        assert.ok(!raw.includes(pw), `${u}'s plaintext`);
    }
    assert.match(raw, /^user default off resetpass /m);
}

async function assertPasswords(c: ValkeyContainers | ValkeyStatefulSets, plan: ValkeyPlan): Promise<void> {
    assert.deepEqual(Object.keys(c.passwords).sort(), plan.passwordUsers.map((u) => u.name).sort());
    for (const [user, pw] of Object.entries(c.passwords)) assert.ok(await isSecret(pw), `${user} password secret`);
}

describe("valkey on Docker (ValkeyContainers)", () => {
    it("runs one container with a retained volume, the conf and the hashed aclfile uploaded, a probe health check", async () => {
        const plan = testPlan();
        const { component, all } = await record(() => dev(plan));
        assertChildNamesPrefixed(all);
        const [container] = byType(all, T.container);
        assert.equal(byType(all, T.container).length, 1);
        assert.equal(container.inputs.name, "stellaops-valkey");
        for (const v of byType(all, T.volume)) assert.ok(v.protect && v.retainOnDelete, `${v.name} protected and retained`);
        const uploads = container.rawInputs.uploads as { file: string; content: string }[];
        assert.deepEqual(uploads.map((u) => u.file), [CONF_PATH, `${CONTAINER_SETTINGS.aclDir}/users.acl`]);
        assert.equal(uploads[0].content, renderValkeyConf(plan, plan.instances[0]), "the conf is the rendered plan");
        assertAclFile(container, "uploads[1].content", uploads[1].content, plan.instances[0].users.filter((u) => u.kind !== "default").map((u) => u.name));
        assert.ok(container.secretPaths.includes("envs[0]"), "the probe password reaches the container as a secret");
        assert.deepEqual(container.inputs.ports, [{ internal: 6379, external: 16379, ip: "127.0.0.1" }]);
        assert.ok((container.inputs.healthcheck as { tests: string[] }).tests.join(" ").includes(`--user ${plan.probe} `));
        assert.equal(byType(all, T.password).length, plan.passwordUsers.length);
        await assertPasswords(component, plan);
        assert.equal(await value(component.endpoints.main!.host), "stellaops-valkey");
    });

    it("split: two containers on consecutive host ports, each conf naming the aclfile uploaded beside it", async () => {
        const plan = testPlan({ split: true });
        const { component, all } = await record(() => dev(plan));
        const containers = byType(all, T.container);
        assert.deepEqual(containers.map((c) => [c.inputs.name, (c.inputs.ports as { external: number }[])[0].external]), [["stellaops-valkey-coordination", 16379], ["stellaops-valkey-cache", 16380]]);
        for (const [i, c] of containers.entries()) {
            const uploads = c.rawInputs.uploads as { file: string; content: string }[];
            assert.equal(uploads[1].file, aclfilePath(CONTAINER_SETTINGS, plan.instances[i]));
            assert.ok(uploads[0].content.includes(`aclfile ${uploads[1].file}\n`), "the conf and the upload agree");
        }
        const coordAcl = (containers[0].rawInputs.uploads as { content: string }[])[1].content;
        assert.ok(!coordAcl.includes("~concelier:*"), "a cache-only service gets no namespace on the coordination instance");
        assert.deepEqual(Object.keys(component.endpoints), ["coordination", "cache"]);
    });

    it("with TLS: certificate and key uploaded (the key as a secret), a TLS health check; refused without them", async () => {
        const plan = testPlan({ tls: true });
        const { all } = await record(() => dev(plan, TLS));
        const [container] = byType(all, T.container);
        const uploads = container.rawInputs.uploads as { file: string; content: string }[];
        assert.deepEqual(uploads.slice(2).map((u) => [u.file, u.content]), [[`${CONTAINER_SETTINGS.tlsDir}/tls.crt`, "CERT PEM"], [`${CONTAINER_SETTINGS.tlsDir}/tls.key`, "KEY PEM"]]);
        assert.ok(container.secretPaths.includes("uploads[3].content"), "the key is sent as a secret");
        assert.ok((container.inputs.healthcheck as { tests: string[] }).tests.join(" ").includes("--tls"));
        assert.throws(() => dev(plan), /valkey\.tls is true: expected a certificate and key/);
    });
});

describe("valkey on Kubernetes, single topology (ValkeyStatefulSets)", () => {
    it("runs a protected StatefulSet with a retained PVC, the conf in a ConfigMap, the hashed aclfile in a Secret, probes", async () => {
        const plan = testPlan({ maxmemoryMb: 1024 });
        const { component, all } = await record(() => airgap(plan));
        assertChildNamesPrefixed(all);
        const [sts] = byType(all, T.statefulSet);
        assert.ok(sts.protect && sts.retainOnDelete, "the StatefulSet carrying the PVC is protected and retained");
        const spec = sts.inputs.spec as any;
        assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepEqual([spec.volumeClaimTemplates[0].spec.resources.requests.storage, spec.volumeClaimTemplates[0].spec.storageClassName], ["16Gi", "fast"]);
        const container = spec.template.spec.containers[0];
        assert.deepEqual([container.image, container.args], [IMAGE, ["valkey-server", CONF_PATH]]);
        for (const probe of [container.readinessProbe, container.livenessProbe]) assert.ok(probe.exec.command.join(" ").includes(`--user ${plan.probe} `));
        assert.equal(container.resources.requests.memory, "1088Mi", "maxmemory plus overhead");
        const [configMap] = byType(all, T.configMap);
        assert.equal((configMap.inputs.data as Record<string, string>)["valkey.conf"], renderValkeyConf(plan, plan.instances[0]));
        const aclSecret = byType(all, T.secret).find((s) => (s.rawInputs.stringData as Record<string, string>)["users.acl"])!;
        assertAclFile(aclSecret, "stringData.users.acl", (aclSecret.rawInputs.stringData as Record<string, string>)["users.acl"], plan.instances[0].users.filter((u) => u.kind !== "default").map((u) => u.name));
        await assertPasswords(component, plan);
        assert.equal(await value(component.endpoints.main!.host), "valkey.stellaops-deps.svc.cluster.local");
    });

    it("split: a StatefulSet per instance, each aclfile under its own name", async () => {
        const { all } = await record(() => airgap(testPlan({ split: true })));
        assert.deepEqual(byType(all, T.statefulSet).map((s) => (s.inputs.metadata as { name: string }).name), ["valkey-coordination", "valkey-cache"]);
        const aclNames = byType(all, T.secret).flatMap((s) => Object.keys(s.rawInputs.stringData as object)).filter((k) => k.endsWith(".acl"));
        assert.deepEqual(aclNames.sort(), ["users-cache.acl", "users-coordination.acl"]);
    });

    it("with TLS: certificate and key in a Secret mounted beside the conf", async () => {
        const { all } = await record(() => airgap(testPlan({ tls: true }), TLS));
        const tlsSecret = byType(all, T.secret).find((s) => (s.rawInputs.stringData as Record<string, string>)["tls.key"])!;
        assert.deepEqual(tlsSecret.rawInputs.stringData, { "tls.crt": "CERT PEM", "tls.key": "KEY PEM" });
        assert.ok(tlsSecret.secretPaths.length > 0);
        const mounts = ((byType(all, T.statefulSet)[0].inputs.spec as any).template.spec.containers[0].volumeMounts as { mountPath: string }[]).map((m) => m.mountPath);
        assert.ok(mounts.includes(CONTAINER_SETTINGS.tlsDir));
    });
});
