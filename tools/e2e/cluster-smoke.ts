/**
 * Smoke test of the local Kubernetes cluster (tools/e2e/cluster.ts) and of the upstream
 * Kubernetes provider built by tools/engine/build-kubernetes.sh, through the locally built
 * Pulumi engine (tools/engine/build.sh):
 *   npx ts-node --transpile-only tools/e2e/cluster-smoke.ts      (KEEP=1 keeps the temp dirs)
 * Proves: Pod Security `restricted` refuses a privileged pod; a StatefulSet's pod is created,
 * scheduled on a kwok node and Ready, and its claim Bound; a NetworkPolicy and a Secret are
 * accepted; then `pulumi up` twice (the second without changes) and `pulumi destroy`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { waitFor } from "../../test/support/servers";
import { Cluster, locateKubernetes, startCluster } from "./cluster";
import { Project, locateEngine, summaryLines } from "./engine";
import { KubeClient, KubeError, KubeObject } from "./kube-client";

const timings: [string, number][] = [];
async function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const start = Date.now();
    const result = await fn();
    timings.push([name, Date.now() - start]);
    console.log(`[smoke] ${name}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
    return result;
}
function check(ok: unknown, what: string): asserts ok {
    if (!ok) throw new Error(what);
}

const restricted = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
const image = "registry.invalid/app@sha256:" + "0".repeat(64); // kwok never pulls images

async function clusterChecks(c: Cluster): Promise<void> {
    const k = c.client;
    const ns = "smoke-restricted";
    await k.create("/api/v1/namespaces", restricted(ns));
    await waitFor(`ServiceAccount ${ns}/default`, async () => !!(await k.get(`/api/v1/namespaces/${ns}/serviceaccounts/default`)), 60000);

    const privileged = { apiVersion: "v1", kind: "Pod", metadata: { name: "privileged" }, spec: { containers: [{ name: "c", image, securityContext: { privileged: true } }] } };
    const refused = await k.create(`/api/v1/namespaces/${ns}/pods`, privileged).then(() => undefined, (e: unknown) => e);
    check(refused instanceof KubeError && refused.response.status === 403 && /PodSecurity "restricted/.test(refused.message), `privileged pod must be refused by PodSecurity, got ${String(refused)}`);
    console.log(`        refused: ${refused.response.body.message}`);

    await step("StatefulSet: pod Ready on a kwok node, claim Bound", async () => {
        await k.create(`/apis/apps/v1/namespaces/${ns}/statefulsets`, statefulSet("web"));
        let pod: KubeObject | undefined;
        await waitFor("pod web-0 Ready", async () => {
            pod = await k.get(`/api/v1/namespaces/${ns}/pods/web-0`);
            return (pod?.status?.conditions ?? []).some((x: { type: string; status: string }) => x.type === "Ready" && x.status === "True");
        }, 120000);
        const pvc = await k.get(`/api/v1/namespaces/${ns}/persistentvolumeclaims/data-web-0`);
        check(pvc?.status?.phase === "Bound", `PVC data-web-0 Bound, got ${pvc?.status?.phase}`);
        const pv = await k.get(`/api/v1/persistentvolumes/${pvc.spec.volumeName}`);
        const pvNode = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.[0];
        check(c.nodeNames.includes(pod!.spec.nodeName) && pvNode === pod!.spec.nodeName, `pod on a kwok node holding its PV, got pod ${pod!.spec.nodeName}, PV ${pvNode}`);
        console.log(`        web-0 on ${pod!.spec.nodeName} (podIP ${pod!.status.podIP}), data-web-0 Bound to ${pvc.spec.volumeName}`);
    });

    await k.create(`/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`, {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "only-stellaops" },
        spec: { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "stellaops" } }, podSelector: { matchLabels: { "app.kubernetes.io/part-of": "stellaops" } } }] }] },
    });
    await k.create(`/api/v1/namespaces/${ns}/secrets`, { apiVersion: "v1", kind: "Secret", metadata: { name: "creds" }, stringData: { KEY: "value" } });
    check(await k.get(`/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/only-stellaops`), "NetworkPolicy stored");
    check(await k.get(`/api/v1/namespaces/${ns}/secrets/creds`), "Secret stored");
    console.log("        NetworkPolicy and Secret accepted (stored; no CNI enforces the policy here)");
}

function statefulSet(name: string): object {
    const labels = { app: name };
    return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name },
        spec: {
            serviceName: name,
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [{ name, image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } }, volumeMounts: [{ name: "data", mountPath: "/data" }] }],
                },
            },
            volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "local", resources: { requests: { storage: "1Gi" } } } }],
        },
    };
}

async function pulumiRun(c: Cluster, engineBin: string, kubeBin: string, work: string): Promise<void> {
    const project = new Project(engineBin, work, path.join(__dirname, "cluster-program.ts"));
    const version = "4.34.2"; // @pulumi/kubernetes in package.json; the built provider reports it
    await project.init({ "stellaops-e2e:kubeconfig": c.kubeconfig, "stellaops-e2e:namespace": "smoke-pulumi", "stellaops-e2e:storageClass": "local" }, {}, [
        { name: "kubernetes", version, file: path.join(kubeBin, "pulumi-resource-kubernetes") },
    ]);
    const show = (text: string) => summaryLines(text).forEach((l) => console.log(`        ${l}`));
    const up1 = await step("pulumi up (create)", () => project.ok(["up", "--yes"]));
    show(up1.stdout);
    const warnings = (up1.stdout + up1.stderr).split("\n").filter((l) => /warning:/i.test(l));
    console.log(`        engine warnings: ${warnings.length ? warnings.map((l) => l.trim()).join(" | ") : "none"}`);
    const out = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as { readyReplicas: number; namespace: string };
    check(out.readyReplicas === 1, `StatefulSet awaited to 1 ready replica, got ${JSON.stringify(out)}`);
    const k: KubeClient = c.client;
    check(await k.get(`/api/v1/namespaces/smoke-pulumi/secrets/smoke-credentials`), "Secret created by pulumi");
    const pvc = await k.get("/api/v1/namespaces/smoke-pulumi/persistentvolumeclaims/data-smoke-db-0");
    check(pvc?.status?.phase === "Bound", "the StatefulSet's claim is Bound");
    const up2 = await step("pulumi up (no changes)", () => project.ok(["up", "--yes", "--expect-no-changes"]));
    show(up2.stdout);
    const state = JSON.parse((await project.ok(["stack", "export"])).stdout);
    const prov = state.deployment.resources.find((r: { type: string }) => r.type === "pulumi:providers:kubernetes");
    console.log(`        provider resource: version ${prov?.inputs?.version}; plugins: ${(await project.ok(["plugin", "ls"])).stdout.split("\n").filter((l) => /kubernetes/.test(l)).join(" ").replace(/\s+/g, " ")}`);
    show((await step("pulumi destroy", () => project.ok(["destroy", "--yes", "--skip-preview"]))).stdout);
    const kept = await k.get("/api/v1/namespaces/smoke-pulumi/persistentvolumeclaims/data-smoke-db-0");
    const pvs = (await k.list("/api/v1/persistentvolumes")).map((v) => `${v.metadata.name}=${v.status?.phase}${v.spec?.claimRef ? `(${v.spec.claimRef.namespace}/${v.spec.claimRef.name})` : ""}`);
    console.log(`        after destroy: namespace ${(await k.get("/api/v1/namespaces/smoke-pulumi"))?.status?.phase ?? "gone"}, claim data-smoke-db-0 ${kept ? "still there" : "gone with the namespace"}; PVs (Retain): ${pvs.join(", ")}`);
}

async function main(): Promise<void> {
    const kubeBin = await step("build-kubernetes.sh", locateKubernetes);
    const engineBin = await step("build.sh (engine)", locateEngine);
    console.log(`        kubernetes: ${kubeBin}\n        engine: ${engineBin}`);
    const c = await step("start cluster (etcd, apiserver, controller-manager, scheduler, kwok, 3 nodes)", () => startCluster({ bin: kubeBin }));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "stellaops-kube-smoke-"));
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void c.stop().finally(() => process.exit(130)));
    try {
        console.log(`        ${c.apiServerUrl}, kubeconfig ${c.kubeconfig}, nodes ${c.nodeNames.join(", ")}`);
        await step("create StorageClass + 6 PVs", () => c.createStorage("local", 6, "1Gi"));
        await clusterChecks(c);
        await pulumiRun(c, engineBin, kubeBin, work);
    } finally {
        await c.stop();
        if (process.env.KEEP !== "1") fs.rmSync(work, { recursive: true, force: true });
    }
    console.log("\n| step | wall time |\n| --- | --- |");
    for (const [name, ms] of timings) console.log(`| ${name} | ${(ms / 1000).toFixed(1)} s |`);
    console.log("\nsmoke: OK");
}

main().catch((err: unknown) => {
    console.error(`\nsmoke: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
});
