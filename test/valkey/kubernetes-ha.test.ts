/**
 * ValkeyHaStatefulSets under mocks: member and Sentinel StatefulSets with the plan's sizes,
 * protection and retained PVCs, PodDisruptionBudgets, spread over nodes and zones, the restricted
 * security context, probes, NetworkPolicies admitting clients plus only replication and Sentinel
 * traffic, and secrets that stay secret (aclfiles hashed, plaintext only where Redis needs it).
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import { planValkeyHa } from "../../components/valkey/ha-plan";
import { SENTINEL_NAME, VALKEY_HA_TYPE, ValkeyHaStatefulSets } from "../../components/valkey/kubernetes-ha";
import { RecordedResource, assertChildNamesPrefixed, byType, isSecret, resetResources, resources, value } from "../harness";
import { testPlan } from "./support";
import type { RotationPlan } from "../../components/rotation";

/* eslint-disable @typescript-eslint/no-explicit-any */
const T = {
    sts: "kubernetes:apps/v1:StatefulSet",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    service: "kubernetes:core/v1:Service",
};
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const mockPassword = (resource: string) => `mock-secret-${resource}`;
const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };
const spec = (r: RecordedResource) => r.inputs.spec as any;
const named = (all: readonly RecordedResource[], type: string, physical: string) => byType(all, type).find((r) => (r.inputs.metadata as any).name === physical)!;
/** Mounted files are auto-named (components/kubernetes/mounted-files.ts): found by resource name. */
const mounted = (all: readonly RecordedResource[], type: string, resource: string) => {
    const r = byType(all, type).find((x) => x.name === resource);
    assert.ok(r && (r.inputs.metadata as any).name === undefined, `${resource}: auto-named ${type}`);
    return r;
};

async function deploy(split = false, requireZoneSpread?: boolean, rotation?: RotationPlan) {
    await resources();
    resetResources();
    const plan = planValkeyHa(testPlan({ split }), { replicas: 2 });
    const provider = new k8s.Provider("k8s", {});
    const ha = new ValkeyHaStatefulSets("valkey", { plan, namespace: "stellaops-deps", image: `registry.internal/valkey/valkey@sha256:${"a".repeat(64)}`, storageSize: "16Gi", storageClass: "fast", clients, requireZoneSpread, rotation }, { providers: [provider] });
    const all = (await resources()).filter((r) => r.type !== "pulumi:providers:kubernetes");
    return { plan, ha, all };
}

describe("valkey ha on Kubernetes (ValkeyHaStatefulSets)", () => {
    it("runs the members as one protected StatefulSet with retained PVCs, and the Sentinels as another", async () => {
        const { plan, all } = await deploy();
        assert.equal(all.find((r) => r.type === VALKEY_HA_TYPE)!.name, "valkey");
        assertChildNamesPrefixed(all);
        const members = named(all, T.sts, "valkey");
        assert.ok(members.protect && members.retainOnDelete, "members carry the data");
        assert.deepEqual([spec(members).replicas, spec(members).podManagementPolicy], [plan.ha.members, "Parallel"]);
        assert.deepEqual(spec(members).persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepEqual([spec(members).volumeClaimTemplates[0].spec.resources.requests.storage, spec(members).volumeClaimTemplates[0].spec.storageClassName], ["16Gi", "fast"]);
        const sentinels = named(all, T.sts, SENTINEL_NAME);
        assert.equal(spec(sentinels).replicas, 3);
        assert.equal(spec(sentinels).volumeClaimTemplates, undefined, "Sentinel state is re-learnt from peers: no claim to strand");
        for (const svc of byType(all, T.service)) assert.deepEqual([svc.inputs.spec && (svc.inputs.spec as any).clusterIP, (svc.inputs.spec as any).publishNotReadyAddresses], ["None", true], "headless: stable member names, reachable before ready");
    });

    it("lets one pod at a time be evicted (PDB), spreads over nodes always and zones as configured", async () => {
        const { all } = await deploy();
        const pdbs = byType(all, T.pdb);
        assert.deepEqual(pdbs.map((p) => [(p.inputs.metadata as any).name, spec(p).maxUnavailable]).sort(), [["valkey", 1], [SENTINEL_NAME, 1]].sort());
        for (const sts of byType(all, T.sts)) {
            const pod = spec(sts).template.spec;
            const constraints = pod.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector.matchLabels["app.kubernetes.io/name"]]);
            const app = (sts.inputs.metadata as any).name;
            assert.deepEqual(constraints, [["kubernetes.io/hostname", "DoNotSchedule", app], ["topology.kubernetes.io/zone", "ScheduleAnyway", app]]);
        }
        const strict = await deploy(false, true);
        assert.equal(spec(named(strict.all, T.sts, "valkey")).template.spec.topologySpreadConstraints[1].whenUnsatisfiable, "DoNotSchedule");
    });

    it("runs every pod under the restricted profile with readiness and liveness probes as the probe user", async () => {
        const { plan, all } = await deploy();
        for (const sts of byType(all, T.sts)) {
            const pod = spec(sts).template.spec;
            assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: "RuntimeDefault" } });
            assert.equal(pod.automountServiceAccountToken, false);
            const [c] = pod.containers;
            assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
            for (const probe of [c.readinessProbe, c.livenessProbe]) assert.ok(probe.exec.command.join(" ").includes(`--user ${plan.probe} `), (sts.inputs.metadata as any).name);
            assert.ok(c.env.some((e: any) => e.name === "REDISCLI_AUTH" && e.valueFrom.secretKeyRef), "probe password from a Secret");
            assert.match(c.image, /@sha256:/);
        }
        const sentinel = spec(named(all, T.sts, SENTINEL_NAME)).template.spec.containers[0];
        assert.ok(sentinel.readinessProbe.exec.command.join(" ").includes("-p 26379"));
    });

    it("admits clients plus only replication (members) and Sentinel traffic, each on its own port", async () => {
        const { all } = await deploy();
        const rules = (physical: string) => spec(named(all, T.netpol, physical)).ingress as any[];
        const peers = (rule: any) => rule.from.filter((f: any) => !f.namespaceSelector).map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/name"] ?? "clients");
        const members = rules("valkey-clients");
        assert.deepEqual(members.map((r) => r.ports), [[{ protocol: "TCP", port: 6379 }]]);
        assert.deepEqual(peers(members[0]), ["clients", "valkey", SENTINEL_NAME]);
        const sentinels = rules(`${SENTINEL_NAME}-clients`);
        assert.deepEqual(sentinels.map((r) => r.ports), [[{ protocol: "TCP", port: 26379 }]]);
        assert.deepEqual(peers(sentinels[0]), ["clients", SENTINEL_NAME, "valkey"], "members ask the Sentinels who the primary is at start");
    });

    it("keeps secrets secret: aclfiles hashed, replication and Sentinel passwords only in the files Redis reads", async () => {
        const { plan, ha, all } = await deploy();
        const secretData = (resource: string) => mounted(all, T.secret, resource);
        const member = secretData("valkey-main-secrets");
        const raw = member.rawInputs.stringData as Record<string, string>;
        assert.ok(member.secretPaths.some((p) => p.startsWith("stringData")));
        const replication = mockPassword(`valkey-password-replication`);
        assert.equal(raw["replication.conf"], `masteruser ${plan.ha.replicationUser}\nmasterauth ${replication}\n`);
        assert.ok(raw["users.acl"].includes(`user ${plan.ha.replicationUser} on #${sha(replication)} `) && !raw["users.acl"].includes(replication));
        const files = secretData("valkey-sentinel-files").rawInputs.stringData as Record<string, string>;
        assert.match(files["sentinel.conf"], /^sentinel monitor valkey valkey-0\.valkey\.stellaops-deps\.svc\.cluster\.local 6379 2$/m);
        assert.match(files["sentinel.conf"], new RegExp(`^sentinel auth-user valkey ${plan.ha.sentinelUser}$`, "m"));
        for (const s of plan.services) assert.ok(files["users-sentinel.acl"].includes(`user ${s.user} on #${sha(mockPassword(`valkey-password-${s.service}`))} `), s.user);
        const conf = (mounted(all, T.configMap, "valkey-main-config").inputs.data as Record<string, string>)["valkey.conf"];
        assert.ok(!conf.includes("mock-secret"), "the member conf (a ConfigMap) holds no password: it includes the Secret");
        for (const pw of Object.values(ha.passwords)) assert.ok(await isSecret(pw));
        assert.deepEqual(await Promise.all(ha.sentinels.map((s) => value(s.host))), [0, 1, 2].map((i) => `${SENTINEL_NAME}-${i}.${SENTINEL_NAME}.stellaops-deps.svc.cluster.local`));
        assert.deepEqual(ha.masters, { main: "valkey" });
    });

    it("split: a member set per instance, one Sentinel set watching both masters", async () => {
        const { all, ha } = await deploy(true);
        assert.deepEqual(byType(all, T.sts).map((s) => (s.inputs.metadata as any).name).sort(), ["valkey-cache", "valkey-coordination", SENTINEL_NAME]);
        assert.deepEqual(ha.masters, { coordination: "valkey-coordination", cache: "valkey-cache" });
        const conf = (mounted(all, T.secret, "valkey-sentinel-files").rawInputs.stringData as Record<string, string>)["sentinel.conf"];
        assert.deepEqual(conf.split("\n").filter((l) => l.startsWith("sentinel monitor")).map((l) => l.split(" ")[2]), ["valkey-coordination", "valkey-cache"]);
    });
    it("rotates the services' users only: members and Sentinels accept the current and the previous password", async () => {
        const { plan, ha, all } = await deploy(false, undefined, { epoch: 1, services: {} });
        const acl = (mounted(all, T.secret, "valkey-main-secrets").rawInputs.stringData as Record<string, string>)["users.acl"];
        const sentinelAcl = (mounted(all, T.secret, "valkey-sentinel-files").rawInputs.stringData as Record<string, string>)["users-sentinel.acl"];
        const line = (file: string, user: string) => file.split("\n").find((l) => l.startsWith(`user ${user} `))!;
        for (const s of plan.services) {
            const [current, previous] = [mockPassword(`valkey-password-${s.service}-b`), mockPassword(`valkey-password-${s.service}`)];
            assert.equal(await value(ha.passwords[s.user]), current, `${s.user}: slot b is current after the first rotation`);
            for (const file of [acl, sentinelAcl]) assert.ok(line(file, s.user).includes(`#${sha(current)} #${sha(previous)}`), `${s.user}: both hashes`);
        }
        // The users the servers share keep their one password: a member restarted first must still reach the others.
        const replication = mockPassword("valkey-password-replication");
        assert.equal(await value(ha.passwords[plan.ha.replicationUser]), replication);
        assert.equal(line(acl, plan.ha.replicationUser).match(/#[0-9a-f]{64}/g)!.length, 1);
        assert.ok(!all.some((r) => /replication-b$|sentinel-b$|probe-b$/.test(r.name)), "no second slot for shared users");
    });
});
