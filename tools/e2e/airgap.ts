/**
 * The e2e's airgap scenario: stacks/index.ts (the real program, unchanged) with Pulumi.airgap.yaml's
 * config, through the locally built engine and the upstream Kubernetes provider, against the local
 * cluster of tools/e2e/cluster.ts. What it expects comes from the same program under mocks
 * (airgap-expect.ts), so the checks follow the program rather than a list written here.
 *
 * First `up` (every object accepted, every pod admitted by Pod Security `restricted`, claims bound
 * to the PersistentVolumes made here, Jobs completed, per-service Secrets in the services
 * namespace), a privileged pod refused in the stack's namespace, a no-change `up`, a Valkey
 * maxmemory change whose `preview --diff` touches exactly what the mocks say, `destroy` refused
 * on protected resources, then after unprotect the claims and namespaces kept.
 *
 * Not exercised here: kwok plays kubelets, so no container runs. The bootstrap Jobs complete
 * (kwok's pod-complete stage) without running their scripts; those scripts are proven on real
 * servers by test/components/*bootstrap-job*.real.test.ts (PostgreSQL 16-18, MinIO).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Expectations, expectations, key, stackValue } from "./airgap-expect";
import { check } from "./checks";
import { CNPG_CRDS, KIND } from "../../components/postgres/cnpg-types";
import { waitFor } from "../../test/support/servers";
import { Cluster, locateKubernetes, startCluster } from "./cluster";
import { Project, REPO, tail } from "./engine";
import { KubeError, KubeObject } from "./kube-client";
import { setScenario, show, step } from "./steps";

const KUBERNETES_VERSION = "4.34.2"; // @pulumi/kubernetes in package.json; the built provider reports it
const RANDOM_VERSION = "4.21.1";

interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: string[];
}

interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly protect?: boolean;
}

const nameOf = (urn: string): string => urn.split("::").pop()!;
const typeOf = (urn: string): string => urn.split("::")[2].split("$").pop()!;

/** The example stacks this scenario runs: the single topology, then ha. */
export const AIRGAP_STACKS = ["airgap", "airgap-ha"] as const;

export async function airgapScenario(engineBin: string, stack: (typeof AIRGAP_STACKS)[number]): Promise<void> {
    setScenario(stack);
    const kubeBin = await step("locate/build kubernetes (tools/engine/build-kubernetes.sh)", locateKubernetes);
    const expected = await step("expectations: the program under mocks (airgap-expect.ts)", () => expectations(stack, {}));
    const k8s = stackValue(stack, "stellaops:kubernetes") as { namespace: string; servicesNamespace: string };
    // ha: RustFS's servers need a node each (required anti-affinity), two per zone is a small site.
    const nodes = stack === "airgap-ha" ? 6 : 3;
    const cluster = await step(`start cluster (etcd, apiserver, controller-manager, scheduler, kwok, ${nodes} nodes)`, () => startCluster({ bin: kubeBin, nodes }));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `stellaops-e2e-${stack}-`));
    const project = new Project(engineBin, work, path.join(REPO, "stacks", "index.ts"), { KUBECONFIG: cluster.kubeconfig });
    const onSignal = () => void cluster.stop().finally(() => process.exit(130));
    process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
    try {
        console.log(`        ${cluster.apiServerUrl}, ${expected.resources.length} resources expected, ${expected.statefulSets} StatefulSets, work dir ${work}`);
        await step("StorageClass + PersistentVolumes for every claim", () => provideStorage(cluster, expected));
        if (stack === "airgap-ha") await step("stand-in CloudNativePG CRDs (no operator)", () => standInCnpgCrds(cluster));
        await step(`stack init + Pulumi.${stack}.yaml's config`, () => init(project, stack, engineBin, kubeBin));

        // ha: no CloudNativePG operator here; the stand-in reports the Cluster Ready, as kwok does for pods.
        const operator = stack === "airgap-ha" ? standInOperator(cluster, k8s.namespace) : undefined;
        const up1 = await step("pulumi up (create)", () => project.ok(["up", "--yes", "--skip-preview"])).finally(() => operator?.stop());
        show(up1.stdout);
        await step("state == the program under mocks", () => compareState(project, expected));
        await step("every pod admitted and Ready, every claim Bound, Jobs complete", () => workloads(cluster, k8s.namespace, expected));
        await step("Pod Security restricted refuses a privileged pod", () => refusePrivileged(cluster, k8s.namespace));
        await step("Secrets where the program puts them", () => secrets(cluster, k8s.servicesNamespace, expected));

        const up2 = await step("pulumi up (no changes)", () => project.ok(["up", "--yes", "--expect-no-changes"]));
        show(up2.stdout);

        await change(project, stack, cluster, k8s.namespace);
        await destroy(project, cluster, k8s.namespace, k8s.servicesNamespace, expected);
    } finally {
        process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
        project.current?.kill("SIGKILL");
        await cluster.stop();
        if (process.env.KEEP === "1") console.log(`kept ${work}`);
        else fs.rmSync(work, { recursive: true, force: true });
    }
}

/**
 * CloudNativePG's CRDs, written here as stand-ins: the operator and its CRD manifests are not
 * available on this machine. Same groups, kinds and plurals as CNPG_CRDS (what the stack checks
 * for), but schemaless (`x-kubernetes-preserve-unknown-fields`): the API server stores the
 * Cluster, Pooler, ScheduledBackup, ImageCatalog and ObjectStore without validating their specs,
 * and no operator acts on them. So this proves the stack's CRD check, ordering and the other
 * objects of the ha topology, not CNPG's acceptance of our specs (README says so).
 */
async function standInCnpgCrds(c: Cluster): Promise<void> {
    for (const crd of CNPG_CRDS) {
        const [plural, ...group] = crd.split(".");
        const kind = Object.values(KIND).find((k) => `${k.toLowerCase()}s` === plural)!;
        await c.client.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            metadata: { name: crd },
            spec: {
                group: group.join("."),
                scope: "Namespaced",
                names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
                versions: [{ name: "v1", served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
            },
        });
    }
    await waitFor("stand-in CRDs Established", async () => {
        const list = await c.client.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
        return CNPG_CRDS.every((n) => list.some((x) => x.metadata.name === n && (x.status?.conditions ?? []).some((k: { type: string; status: string }) => k.type === "Established" && k.status === "True")));
    }, 30000);
    console.log(`        ${CNPG_CRDS.join(", ")}`);
}

/**
 * Plays CloudNativePG's operator for one thing only: once a Cluster exists, its status says Ready,
 * so the stack's `pulumi.com/waitFor: condition=Ready` is awaited by the real provider logic.
 * Nothing else (no instances, services or secrets of the operator's) is made.
 */
function standInOperator(c: Cluster, namespace: string): { stop(): void } {
    let done = false;
    const path = `/apis/postgresql.cnpg.io/v1/namespaces/${namespace}/clusters`;
    const once = async () => {
        for (const x of await c.client.list(path)) {
            if ((x.status?.conditions ?? []).some((k: { type: string }) => k.type === "Ready")) continue;
            const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
            await c.client.patch(`${path}/${x.metadata.name}/status`, { status: { phase: "Cluster in healthy state", conditions: [{ type: "Ready", status: "True", reason: "ClusterIsReady", message: "stand-in operator (tools/e2e/airgap.ts)", lastTransitionTime: now }] } });
            console.log(`        stand-in operator: Cluster ${x.metadata.name} Ready`);
        }
    };
    const loop = async () => {
        while (!done) {
            // A new CRD's storage answers 429 for a moment: try again, as a controller would.
            await once().catch(() => undefined);
            await new Promise((r) => setTimeout(r, 500));
        }
    };
    void loop();
    return { stop: () => void (done = true) };
}

/**
 * Local PVs of the class and size each claim asks for, one per claim on every node: the scheduler
 * places a pod first and then binds a volume on that node, and may pick a larger volume meant for
 * another claim (measured: Valkey's 16Gi claim took RustFS's 500Gi PV, leaving RustFS Pending).
 */
async function provideStorage(c: Cluster, e: Expectations): Promise<void> {
    for (const claim of e.claims) await c.createStorage(claim.storageClass, claim.replicas * c.nodeNames.length, claim.size);
    console.log(`        ${e.claims.map((x) => `${x.statefulSet} ${x.template}: ${x.replicas} x ${x.size} (${x.storageClass})`).join(", ")}`);
}

/** The providers from the bin dirs, the stack, and the example stack file's config as it is. */
async function init(project: Project, stack: string, engineBin: string, kubeBin: string): Promise<void> {
    await project.init({}, {}, [
        { name: "kubernetes", version: KUBERNETES_VERSION, file: path.join(kubeBin, "pulumi-resource-kubernetes") },
        { name: "random", version: RANDOM_VERSION, file: path.join(engineBin, "pulumi-resource-random") },
    ]);
    const text = fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8");
    const at = text.search(/^config:/m);
    check(at >= 0, `Pulumi.${stack}.yaml has a config: section`);
    // After the encryption salt `stack init` wrote; the example's config, nothing added.
    fs.appendFileSync(project.stackFile, `\n${text.slice(at)}`);
}

async function stateResources(project: Project): Promise<StateResource[]> {
    const state = JSON.parse((await project.ok(["stack", "export"])).stdout) as { deployment: { resources: StateResource[] } };
    return state.deployment.resources;
}

/** The engine's state holds exactly what the program registers under mocks, protected alike. */
async function compareState(project: Project, e: Expectations): Promise<void> {
    // The stack itself and the engine's default providers (random's) are not program resources.
    const own = (await stateResources(project)).filter((r) => r.type !== "pulumi:pulumi:Stack" && !(r.type.startsWith("pulumi:providers:") && nameOf(r.urn).startsWith("default")));
    const live = own.map((r) => key(r.type, nameOf(r.urn))).sort();
    const missing = e.resources.filter((x) => !live.includes(x));
    const extra = live.filter((x) => !e.resources.includes(x));
    check(missing.length === 0 && extra.length === 0, `state vs mocks: missing ${missing.join(", ") || "none"}; extra ${extra.join(", ") || "none"}`);
    const protectedNames = own.filter((r) => r.protect).map((r) => nameOf(r.urn)).sort();
    check(protectedNames.join() === e.protectedNames.join(), `protected: ${protectedNames.join(",")} vs mocks ${e.protectedNames.join(",")}`);
    console.log(`        ${live.length} resources as under mocks; protected: ${protectedNames.join(", ")}`);
}

const isReady = (o: KubeObject): boolean => (o.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True");

async function workloads(c: Cluster, namespace: string, e: Expectations): Promise<void> {
    const k = c.client;
    const sets = await k.list(`/apis/apps/v1/namespaces/${namespace}/statefulsets`);
    check(sets.length === e.statefulSets, `${e.statefulSets} StatefulSets, got ${sets.length}`);
    for (const s of sets) check(s.status?.readyReplicas === s.spec.replicas, `StatefulSet ${s.metadata.name}: ${s.status?.readyReplicas ?? 0}/${s.spec.replicas} ready`);
    const pods = await k.list(`/api/v1/namespaces/${namespace}/pods`);
    const running = pods.filter((p) => p.status?.phase === "Running");
    for (const p of running) check(isReady(p) && c.nodeNames.includes(p.spec.nodeName), `pod ${p.metadata.name} Ready on a kwok node, got ${p.spec.nodeName}`);
    const claims = await k.list(`/api/v1/namespaces/${namespace}/persistentvolumeclaims`);
    const wanted = e.claims.reduce((n, x) => n + x.replicas, 0);
    check(claims.length === wanted && claims.every((x) => x.status?.phase === "Bound"), `${wanted} claims Bound, got ${claims.map((x) => `${x.metadata.name}=${x.status?.phase}`).join(",")}`);
    const jobs = await k.list(`/apis/batch/v1/namespaces/${namespace}/jobs`);
    for (const j of jobs) check((j.status?.succeeded ?? 0) >= 1, `Job ${j.metadata.name} complete, got ${JSON.stringify(j.status)}`);
    // A pod Pod Security refused never exists: the controllers record the refusal as an event.
    const events = await k.list(`/api/v1/namespaces/${namespace}/events`);
    const refused = events.filter((v) => v.reason === "FailedCreate");
    check(refused.length === 0, `no pod creation refused, got ${refused.map((v) => v.message).join(" | ")}`);
    console.log(`        ${sets.map((s) => `${s.metadata.name} ${s.status.readyReplicas}/${s.spec.replicas}`).join(", ")}; ${running.length} pods Ready; ${claims.length} claims Bound; jobs complete: ${jobs.map((j) => j.metadata.name).join(", ")}`);
}

async function refusePrivileged(c: Cluster, namespace: string): Promise<void> {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "e2e-privileged" }, spec: { containers: [{ name: "c", image: "registry.invalid/x@sha256:" + "0".repeat(64), securityContext: { privileged: true } }] } };
    const refused = await c.client.create(`/api/v1/namespaces/${namespace}/pods`, pod).then(() => undefined, (err: unknown) => err);
    check(refused instanceof KubeError && refused.response.status === 403 && /PodSecurity "restricted/.test(refused.message), `a privileged pod in ${namespace} must be refused by Pod Security, got ${String(refused)}`);
    console.log(`        refused: ${(refused as KubeError).response.body.message}`);
}

/** Every Secret the program writes exists where it says, the services' ones in the services namespace. */
async function secrets(c: Cluster, servicesNamespace: string, e: Expectations): Promise<void> {
    // Named ones by name; auto-named ones (mounted files) by count per namespace.
    for (const x of e.secrets) if (x.name !== undefined) check(!!(await c.client.get(`/api/v1/namespaces/${x.namespace}/secrets/${x.name}`)), `Secret ${x.namespace}/${x.name}`);
    for (const ns of new Set(e.secrets.map((x) => x.namespace))) {
        const n = (await c.client.list(`/api/v1/namespaces/${ns}/secrets`)).length;
        check(n === e.secrets.filter((x) => x.namespace === ns).length, `${ns}: ${e.secrets.filter((x) => x.namespace === ns).length} Secrets expected, got ${n}`);
    }
    const wanted = e.secrets.filter((x) => x.namespace === servicesNamespace).map((x) => x.name).sort();
    const live = await c.client.list(`/api/v1/namespaces/${servicesNamespace}/secrets`);
    check(wanted.length > 0 && live.map((s) => s.metadata.name).sort().join() === wanted.join(), `${servicesNamespace}: ${wanted.join(",")} expected, got ${live.map((s) => s.metadata.name).join(",")}`);
    const keys = live.map((s) => Object.keys(s.data ?? {}).length);
    check(keys.every((n) => n > 0), `every Secret in ${servicesNamespace} has data`);
    console.log(`        ${e.secrets.length} Secrets; in ${servicesNamespace}: ${live.map((s, i) => `${s.metadata.name} (${keys[i]} keys)`).join(", ")}`);
}

/** A Valkey maxmemory change: the preview touches exactly what the mocks say, and `up` applies it. */
async function change(project: Project, stack: string, c: Cluster, namespace: string): Promise<void> {
    const valkey = stackValue(stack, "stellaops:valkey");
    const before = Number(valkey.maxmemoryMb);
    const after = before / 2;
    const e = await expectations(stack, { "stellaops:valkey": { ...valkey, maxmemoryMb: after } });
    check(e.changed.length > 0, "the change touches something under mocks");
    await project.ok(["config", "set", "--path", "stellaops:valkey.maxmemoryMb", String(after)]);
    const preview = await step(`pulumi preview --diff --json (valkey.maxmemoryMb ${before} -> ${after})`, () => project.ok(["preview", "--diff", "--json"]));
    const steps = (JSON.parse(preview.stdout).steps as PreviewStep[]).filter((s) => s.op !== "same" && s.op !== "read" && typeOf(s.urn) !== "pulumi:pulumi:Stack");
    const names = steps.map((s) => nameOf(s.urn)).sort();
    check(names.join() === e.changed.join(), `preview: expected ${e.changed.join(",")} (mocks), got ${JSON.stringify(steps.map((s) => [s.op, nameOf(s.urn), s.diffReasons]))}`);
    // Workloads update in place (a rolling restart); only their mounted files, auto-named, are
    // replaced: created under a new name first (components/kubernetes/mounted-files.ts).
    const files = (s: PreviewStep) => /^kubernetes:core\/v1:(ConfigMap|Secret)$/.test(typeOf(s.urn));
    check(steps.every((s) => s.op === "update" || (s.op === "replace" && files(s))), `updates, and replacements of mounted files only, got ${steps.map((s) => `${s.op} ${nameOf(s.urn)}`).join(", ")}`);
    console.log(`        preview: ${steps.map((s) => `${s.op} ${nameOf(s.urn)} [${(s.diffReasons ?? []).join(", ")}]`).join("; ")}`);
    show((await step("pulumi up (the change)", () => project.ok(["up", "--yes", "--skip-preview"]))).stdout);
    const maps = await c.client.list(`/api/v1/namespaces/${namespace}/configmaps`);
    const confs = maps.flatMap((m) => Object.values(m.data ?? {})).filter((v) => /^maxmemory /m.test(v));
    check(confs.length > 0 && confs.every((v) => new RegExp(`^maxmemory ${after}mb$`, "m").test(v)), `the cluster's Valkey config says maxmemory ${after}mb, got ${confs.map((v) => v.match(/^maxmemory .*$/m)?.[0]).join(", ")}`);
    show((await step("pulumi up (no changes after the change)", () => project.ok(["up", "--yes", "--expect-no-changes"]))).stdout);
}

/** Refused on protected resources; after unprotect, what is retained stays on the cluster. */
async function destroy(project: Project, c: Cluster, namespace: string, servicesNamespace: string, e: Expectations): Promise<void> {
    const k = c.client;
    const claims = async () => (await k.list(`/api/v1/namespaces/${namespace}/persistentvolumeclaims`)).map((x) => `${x.metadata.name}=${x.status?.phase}`).sort();
    const sets = async () => (await k.list(`/apis/apps/v1/namespaces/${namespace}/statefulsets`)).length;
    const claimsBefore = await claims();
    const setsBefore = await sets();
    const refused = await step("pulumi destroy (protected: must fail)", () => project.run(["destroy", "--yes"]));
    const out = refused.stdout + refused.stderr;
    check(refused.code !== 0 && /protected/.test(out), `destroy must fail on protected resources, got exit ${refused.code}:\n${tail(out)}`);
    const lines = out.split("\n");
    const at = lines.findIndex((l) => /protected/.test(l));
    console.log(`        refused: ${lines.slice(Math.max(0, at - 1), at + 1).map((l) => l.trim()).join(" ").slice(0, 300)}`);
    check((await sets()) === setsBefore && (await claims()).join() === claimsBefore.join(), "the refused destroy changed nothing on the cluster");

    await project.ok(["state", "unprotect", "--all", "--yes"]);
    show((await step("pulumi destroy (after unprotect)", () => project.ok(["destroy", "--yes", "--skip-preview"]))).stdout);
    // retainOnDelete: gone from the state, kept on the cluster (the namespaces, the StatefulSets
    // with their claims); everything else deleted, e.g. the services' Secrets.
    const retainedSets = e.retained.filter((x) => x.startsWith("kubernetes:apps/v1:StatefulSet::")).length;
    const namespaces = e.retained.filter((x) => x.startsWith("kubernetes:core/v1:Namespace::")).length;
    check(retainedSets > 0 && (await sets()) === retainedSets, `${retainedSets} retained StatefulSets still on the cluster, got ${await sets()}`);
    const kept = await claims();
    check(kept.join() === claimsBefore.join(), `claims kept, before ${claimsBefore.join(",")}, after ${kept.join(",")}`);
    const live = (await k.list("/api/v1/namespaces")).filter((n) => n.metadata.labels?.["app.kubernetes.io/part-of"] === "stellaops").map((n) => n.metadata.name);
    check(live.length === namespaces, `${namespaces} retained namespaces, got ${live.join(",")}`);
    const deletable = e.secrets.filter((x) => x.namespace === servicesNamespace && !e.retained.some((r) => r.startsWith("kubernetes:core/v1:Secret::")));
    const left = await k.list(`/api/v1/namespaces/${servicesNamespace}/secrets`);
    check(deletable.length > 0 && left.length === 0, `the services' Secrets deleted, left: ${left.map((x) => x.metadata.name).join(",")}`);
    const services = await k.list(`/api/v1/namespaces/${namespace}/services`);
    check(services.length === 0, `Services deleted, left: ${services.map((x) => x.metadata.name).join(",")}`);
    const pvs = (await k.list("/api/v1/persistentvolumes")).filter((v) => v.status?.phase === "Bound").length;
    console.log(`        kept: namespaces ${live.join(", ")}; ${retainedSets} StatefulSets; claims ${kept.join(", ")}; ${pvs} PVs Bound; deleted: the ${deletable.length} Secrets in ${servicesNamespace}, the Services`);
}
