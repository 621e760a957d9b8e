/**
 * Tier 2: distributed RustFS (`kubernetes.topology: ha`) under the recording mocks: the
 * StatefulSet's shape from the erasure plan (replicas, one claim per volume, RUSTFS_VOLUMES,
 * parity), protection and retained claims, one server per node and zone spread, the PDB, the
 * restricted security context, /health probes, Services and the NetworkPolicy.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { RustfsCluster, RustfsClusterArgs } from "../../components/objectstore/rustfs-cluster";
import { planErasure } from "../../components/objectstore/rustfs-erasure";
import { assertChildNamesPrefixed, findResource, resetResources, resources, settle, value } from "../harness";
import { TYPES, withRegistrationExtras } from "./support";

/* eslint-disable @typescript-eslint/no-explicit-any */
const IMAGE = `registry.internal:5000/rustfs/rustfs@sha256:${"a".repeat(64)}`;
const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };

function args(nodes: number, volumesPerNode: number, more: Partial<RustfsClusterArgs> = {}): RustfsClusterArgs {
    return {
        namespace: pulumi.output("stellaops-deps"),
        appName: "rustfs",
        image: IMAGE,
        layout: planErasure({ nodes, volumesPerNode }),
        volumeSize: "100Gi",
        storageClass: "fast-local",
        rootAccessKey: pulumi.secret("root-access"),
        rootSecretKey: pulumi.secret("root-secret"),
        clients,
        ...more,
    };
}

async function deploy(a: RustfsClusterArgs) {
    resetResources();
    const provider = new k8s.Provider("k8s", {});
    let cluster: RustfsCluster | undefined;
    const extras = await withRegistrationExtras(() => (cluster = new RustfsCluster("objectstore-rustfs", a, { providers: [provider] })), () => settle());
    const all = await resources();
    const sts = findResource(all, TYPES.statefulSet, "objectstore-rustfs-statefulset");
    const spec = sts.inputs.spec as any;
    const pod = spec.template.spec;
    const env = Object.fromEntries((pod.containers[0].env as any[]).map((e) => [e.name, e.value ?? e.valueFrom]));
    return { cluster: cluster!, all, sts, spec, pod, env, extras };
}

describe("RustfsCluster (distributed RustFS)", () => {
    it("4 servers x 4 volumes: replicas, a claim per volume mounted where RUSTFS_VOLUMES says, Parallel start", async () => {
        const { cluster, spec, pod, env } = await deploy(args(4, 4));
        assert.deepStrictEqual([spec.replicas, spec.podManagementPolicy, spec.serviceName], [4, "Parallel", "rustfs-peers"]);
        assert.deepStrictEqual(spec.volumeClaimTemplates.map((c: any) => [c.metadata.name, c.spec.resources.requests.storage, c.spec.storageClassName, c.spec.accessModes]), [0, 1, 2, 3].map((i) => [`data-${i}`, "100Gi", "fast-local", ["ReadWriteOnce"]]));
        const mounts = pod.containers[0].volumeMounts as any[];
        assert.deepStrictEqual(mounts.filter((m) => m.name.startsWith("data")).map((m) => [m.name, m.mountPath]), [0, 1, 2, 3].map((i) => [`data-${i}`, `/data/rustfs${i}`]));
        const volumes = "http://rustfs-{0...3}.rustfs-peers.stellaops-deps.svc.cluster.local:9000/data/rustfs{0...3}";
        assert.strictEqual(env.RUSTFS_VOLUMES, volumes);
        assert.strictEqual(await value(cluster.volumes), volumes);
        assert.strictEqual(env.RUSTFS_LOCAL_ENDPOINT_HOST, "$(POD_NAME).rustfs-peers.stellaops-deps.svc.cluster.local");
        assert.deepStrictEqual(env.POD_NAME, { fieldRef: { fieldPath: "metadata.name" } });
        assert.strictEqual(env.RUSTFS_STORAGE_CLASS_STANDARD, undefined, "automatic parity unless given");
        assert.strictEqual(await value(cluster.host), "rustfs.stellaops-deps.svc.cluster.local");
    });

    it("one volume per server: a single claim at /data; explicit parity reaches RustFS", async () => {
        const { spec, env } = await deploy(args(5, 1, { layout: planErasure({ nodes: 5, volumesPerNode: 1, parity: 1 }) }));
        assert.deepStrictEqual(spec.volumeClaimTemplates.map((c: any) => c.metadata.name), ["data"]);
        assert.strictEqual(env.RUSTFS_VOLUMES, "http://rustfs-{0...4}.rustfs-peers.stellaops-deps.svc.cluster.local:9000/data");
        assert.strictEqual(env.RUSTFS_STORAGE_CLASS_STANDARD, "EC:1");
    });

    it("is protected, keeps its claims, and turns a change of N or M into a replacement that protection refuses", async () => {
        const { sts, spec, extras } = await deploy(args(4, 2));
        assert.ok(sts.protect && sts.retainOnDelete);
        assert.deepStrictEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepStrictEqual([...extras.get("objectstore-rustfs-statefulset")!.replaceOnChanges].sort(), ["spec.replicas", "spec.volumeClaimTemplates"]);
        assert.match((sts.inputs.metadata as any).annotations["stellaops.io/erasure"], /^4 servers x 2 volumes; 1 set\(s\) of 8; EC:4$/);
    });

    it("one server per node, servers spread over zones (required unless preferred)", async () => {
        const { pod } = await deploy(args(4, 1));
        const labels = { "app.kubernetes.io/name": "rustfs", "app.kubernetes.io/part-of": "stellaops-deps" };
        assert.deepStrictEqual(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution, [{ labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" }]);
        const spread = (p: any) => Object.fromEntries(p.topologySpreadConstraints.map((c: any) => [c.topologyKey, [c.maxSkew, c.whenUnsatisfiable, c.labelSelector.matchLabels]]));
        assert.deepStrictEqual(spread(pod), { "kubernetes.io/hostname": [1, "DoNotSchedule", labels], "topology.kubernetes.io/zone": [1, "DoNotSchedule", labels] });
        const preferred = await deploy(args(4, 1, { zoneSpread: "preferred" }));
        assert.strictEqual(spread(preferred.pod)["topology.kubernetes.io/zone"][1], "ScheduleAnyway");
    });

    it("allows one voluntary disruption at a time (the layout keeps writing with one server down)", async () => {
        const { all } = await deploy(args(4, 1));
        const pdb = findResource(all, TYPES.pdb, "objectstore-rustfs-pdb");
        assert.deepStrictEqual((pdb.inputs.spec as any).maxUnavailable, 1);
        assert.deepStrictEqual((pdb.inputs.spec as any).selector, { matchLabels: { "app.kubernetes.io/name": "rustfs", "app.kubernetes.io/part-of": "stellaops-deps" } });
    });

    it("runs restricted: non-root, no privilege escalation, read-only root, no capabilities, no token; /health probes", async () => {
        const { pod } = await deploy(args(4, 1));
        assert.deepStrictEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } });
        const c = pod.containers[0];
        assert.deepStrictEqual(c.securityContext, { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        assert.strictEqual(pod.automountServiceAccountToken, false);
        for (const probe of [c.readinessProbe, c.livenessProbe]) assert.deepStrictEqual(probe.httpGet, { path: "/health", port: 9000 });
        assert.ok(c.resources.limits.memory && c.resources.requests.cpu);
        assert.strictEqual(c.image, IMAGE);
    });

    it("keeps the root keys in a Secret read through secretKeyRef", async () => {
        const { all, env } = await deploy(args(4, 1));
        const secret = findResource(all, TYPES.secret, "objectstore-rustfs-env");
        assert.deepStrictEqual([...secret.secretPaths], ["stringData"]);
        assert.deepStrictEqual(secret.rawInputs.stringData, { RUSTFS_ACCESS_KEY: "root-access", RUSTFS_SECRET_KEY: "root-secret" });
        for (const k of ["RUSTFS_ACCESS_KEY", "RUSTFS_SECRET_KEY"]) assert.deepStrictEqual(env[k], { secretKeyRef: { name: "rustfs-root", key: k } });
    });

    it("has a client Service at the single server's address and a headless peer Service that publishes unready peers", async () => {
        const { all } = await deploy(args(4, 1));
        const client = findResource(all, TYPES.service, "objectstore-rustfs-service");
        const peers = findResource(all, TYPES.service, "objectstore-rustfs-peers");
        assert.strictEqual((client.inputs.metadata as any).name, "rustfs");
        assert.deepStrictEqual([(peers.inputs.metadata as any).name, (peers.inputs.spec as any).clusterIP, (peers.inputs.spec as any).publishNotReadyAddresses], ["rustfs-peers", "None", true]);
    });

    it("admits S3 clients from StellaOps pods and peer traffic between members, on the S3 port only", async () => {
        const { all } = await deploy(args(4, 1));
        const np = findResource(all, TYPES.netpol, "objectstore-rustfs-netpol").inputs.spec as any;
        const labels = { "app.kubernetes.io/name": "rustfs", "app.kubernetes.io/part-of": "stellaops-deps" };
        assert.deepStrictEqual([np.podSelector, np.policyTypes], [{ matchLabels: labels }, ["Ingress"]]);
        assert.strictEqual(np.ingress.length, 1);
        assert.deepStrictEqual(np.ingress[0].ports, [{ protocol: "TCP", port: 9000 }]);
        assert.deepStrictEqual(np.ingress[0].from, [
            { podSelector: { matchLabels: { "app.kubernetes.io/part-of": "stellaops" } }, namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["stellaops"] }] } },
            { podSelector: { matchLabels: { "app.kubernetes.io/part-of": "stellaops" } } },
            { podSelector: { matchLabels: labels } },
        ]);
        assertChildNamesPrefixed(all);
    });
});
