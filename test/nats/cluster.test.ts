/**
 * NatsCluster under mocks (airgap `kubernetes.topology: ha`): three members, routes found through a
 * headless Service and authenticated with a password that only reaches the pods' environment, a
 * disruption budget keeping the quorum, spread over nodes and zones, restricted pods, probes, and
 * a NetworkPolicy that admits clients on the client ports and members only on the route port.
 */
import * as assert from "assert";
import { CATALOG } from "../../components/catalog";
import { NATS_CLUSTER_TYPE, NatsCluster } from "../../components/nats/cluster";
import { NATS_HEALTH_PATH, natsUsers, planNats } from "../../components/nats/plan";
import { assertChildNamesPrefixed, byType, findResource, isSecret, RecordedResource, resetResources, resources, value } from "../harness";
import { clusterPodEnvironment } from "./cluster-support";

const plan = planNats({ maxMemoryStoreMb: 256, maxFileStoreMb: 4096, cluster: true }, CATALOG);
const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };
const labels = { "app.kubernetes.io/name": "nats", "app.kubernetes.io/part-of": "stellaops-deps" };
const ROUTE_PASSWORD = "mock-secret-nats-credentials-cluster-route";

type Probe = { httpGet: { path: string; port: number } };
interface Container {
    command: string[];
    env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } } }[];
    ports: { name: string; containerPort: number }[];
    startupProbe: Probe;
    readinessProbe: Probe;
    livenessProbe: Probe;
    securityContext: object;
    resources: { limits: { memory: string; cpu: string } };
}

describe("NatsCluster (mocks)", () => {
    let all: readonly RecordedResource[];
    let c: NatsCluster;
    let sts: RecordedResource;
    let spec: Record<string, unknown> & { template: { spec: Record<string, unknown> & { containers: Container[] } } };
    let container: Container;
    before(async () => {
        await resources();
        resetResources();
        c = new NatsCluster("nats", { plan, namespace: "stellaops-deps", image: "mirror.local/nats@sha256:" + "b".repeat(64), storageSize: "20Gi", storageClass: "fast", clients });
        all = await resources();
        sts = byType(all, "kubernetes:apps/v1:StatefulSet")[0];
        spec = sts.inputs.spec as typeof spec;
        container = spec.template.spec.containers[0];
    });

    it("registers one cluster of three members, names prefixed by their parents", async () => {
        assert.strictEqual(byType(all, NATS_CLUSTER_TYPE).length, 1);
        assertChildNamesPrefixed(all);
        assert.deepStrictEqual([spec.replicas, spec.podManagementPolicy, spec.serviceName], [3, "Parallel", "nats-routes"]);
        assert.deepStrictEqual([c.replicas, c.port, await value(c.host)], [3, 4222, "nats.stellaops-deps.svc.cluster.local"]);
    });

    it("protects the StatefulSet and retains each member's PVC", () => {
        assert.ok(sts.protect && sts.retainOnDelete);
        assert.deepStrictEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepStrictEqual(spec.volumeClaimTemplates, [{ metadata: { labels, name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } }, storageClassName: "fast" } }]);
    });

    it("finds members through a headless Service that publishes them before they are ready", () => {
        const routes = findResource(all, "kubernetes:core/v1:Service", "nats-routes");
        assert.deepStrictEqual(routes.inputs.spec, { clusterIP: "None", ports: [{ name: "cluster", port: 6222, targetPort: 6222 }], publishNotReadyAddresses: true, selector: labels });
        const client = findResource(all, "kubernetes:core/v1:Service", "nats-service");
        assert.deepStrictEqual((client.inputs.spec as { ports: object[] }).ports, [{ name: "client", port: 4222, targetPort: 4222 }, { name: "monitor", port: 8222, targetPort: 8222 }]);
    });

    it("keeps a quorum through voluntary disruptions, spread over nodes (required) and zones (preferred)", () => {
        const pdb = findResource(all, "kubernetes:policy/v1:PodDisruptionBudget", "nats-pdb");
        assert.deepStrictEqual(pdb.inputs.spec, { maxUnavailable: 1, selector: { matchLabels: labels } });
        assert.deepStrictEqual(spec.template.spec.topologySpreadConstraints, [
            { labelSelector: { matchLabels: labels }, maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" },
            { labelSelector: { matchLabels: labels }, maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" },
        ]);
    });

    it("runs restricted: non-root, no privilege escalation, no capabilities, read-only root, RuntimeDefault seccomp, limits", () => {
        const pod = spec.template.spec;
        assert.deepStrictEqual(pod.securityContext, { fsGroup: 1000, runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } });
        assert.deepStrictEqual(container.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
        assert.strictEqual(pod.automountServiceAccountToken, false);
        assert.deepStrictEqual(container.resources.limits, { cpu: "1", memory: "512Mi" });
    });

    it("probes: started once caught up, ready while serving, alive while JetStream is enabled", () => {
        assert.deepStrictEqual([container.startupProbe.httpGet.path, container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path], ["/healthz", "/healthz?js-server-only=true", NATS_HEALTH_PATH]);
        assert.ok([container.startupProbe, container.readinessProbe, container.livenessProbe].every((p) => p.httpGet.port === 8222));
        assert.deepStrictEqual(container.command, ["nats-server", "--config", "/etc/nats/stellaops/nats-server.conf"]);
        assert.deepStrictEqual(container.ports.map((p) => [p.name, p.containerPort]), [["client", 4222], ["monitor", 8222], ["cluster", 6222]]);
    });

    it("keeps the route password out of every file: a secret Secret, read into the environment", async () => {
        const route = findResource(all, "kubernetes:core/v1:Secret", "nats-route");
        assert.ok(route.secretPaths.some((p) => p.startsWith("stringData")));
        assert.deepStrictEqual(route.rawInputs.stringData, { password: ROUTE_PASSWORD });
        assert.ok(await isSecret(c.credentials.routePassword));
        const conf = (findResource(all, "kubernetes:core/v1:Secret", "nats-files-0").rawInputs.stringData as Record<string, string>)["nats-server.conf"];
        assert.ok(!conf.includes(ROUTE_PASSWORD) && conf.includes("password: $NATS_ROUTE_PASSWORD") && conf.includes("server_name: $POD_NAME"));
        for (const u of natsUsers(plan)) assert.ok(conf.includes(`password: "$2a$10$mockbcryptnats-credentials-${u.user}"`), u.user);
        assert.ok(!JSON.stringify(sts.rawInputs).includes(ROUTE_PASSWORD), "no password in the StatefulSet");
        const secretRef = container.env.find((e) => e.name === "ROUTE_SECRET")!.valueFrom!.secretKeyRef!;
        assert.deepStrictEqual(secretRef, { key: "password", name: "nats-route" });
    });

    it("gives each member its name and every member's route URL, as Kubernetes expands them", () => {
        assert.deepStrictEqual(container.env.find((e) => e.name === "POD_NAME")!.valueFrom, { fieldRef: { fieldPath: "metadata.name" } });
        const env = clusterPodEnvironment(container.env, "nats-1", "s3cret");
        assert.deepStrictEqual(env, {
            POD_NAME: "nats-1",
            ROUTE_SECRET: "s3cret",
            NATS_ROUTE_PASSWORD: '"s3cret"',
            NATS_ROUTE_0: '"nats-route://route:s3cret@nats-0.nats-routes.stellaops-deps.svc.cluster.local:6222"',
            NATS_ROUTE_1: '"nats-route://route:s3cret@nats-1.nats-routes.stellaops-deps.svc.cluster.local:6222"',
            NATS_ROUTE_2: '"nats-route://route:s3cret@nats-2.nats-routes.stellaops-deps.svc.cluster.local:6222"',
            GOMEMLIMIT: "460MiB",
        });
    });

    it("admits StellaOps clients on the client ports and route traffic from members only", () => {
        const np = findResource(all, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "nats-netpol");
        const s = np.inputs.spec as { podSelector: object; policyTypes: string[]; ingress: { from: object[]; ports: object[] }[] };
        assert.deepStrictEqual([s.podSelector, s.policyTypes], [{ matchLabels: labels }, ["Ingress"]]);
        assert.deepStrictEqual(s.ingress[0].ports, [{ port: 4222, protocol: "TCP" }, { port: 8222, protocol: "TCP" }]);
        assert.deepStrictEqual(s.ingress[0].from, [
            { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["stellaops"] }] }, podSelector: { matchLabels: { "app.kubernetes.io/part-of": "stellaops" } } },
            { podSelector: { matchLabels: { "app.kubernetes.io/part-of": "stellaops" } } },
        ]);
        assert.deepStrictEqual(s.ingress[1], { from: [{ podSelector: { matchLabels: labels } }], ports: [{ port: 6222, protocol: "TCP" }] });
        assert.strictEqual(s.ingress.length, 2);
    });

    it("refuses a single-server plan and TLS without material, before registering any child", async () => {
        for (const [p, message] of [[planNats({ maxMemoryStoreMb: 8, maxFileStoreMb: 8 }, CATALOG), /expected NatsStatefulSet/], [planNats({ maxMemoryStoreMb: 8, maxFileStoreMb: 8, cluster: true, tls: true }, CATALOG), /expected tls.cert and tls.key/]] as const) {
            await resources();
            resetResources();
            assert.throws(() => new NatsCluster("other", { plan: p, namespace: "ns", image: "i", storageSize: "1Gi", clients }), message);
            assert.deepStrictEqual((await resources()).filter((r) => r.custom), []);
        }
    });
});
