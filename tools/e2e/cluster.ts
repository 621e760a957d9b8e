/**
 * A local Kubernetes control plane that behaves like a cluster, for engine runs against the
 * airgap profile: etcd, kube-apiserver (Pod Security admission on, RBAC), kube-controller-manager
 * (StatefulSet, PV binder, namespace, garbage collector, service-account controllers),
 * kube-scheduler, and kwok, which plays the kubelets of a few fake nodes (zones a/b/c) and drives
 * scheduled pods to Running/Ready without containers. Binaries come from
 * tools/engine/build-kubernetes.sh. Everything listens on free loopback ports and lives in a temp
 * dir that stop() removes.
 *
 *   const c = await startCluster({ bin });
 *   await c.createStorage("local", 6, "1Gi");   // StorageClass + PersistentVolumes
 *   // KUBECONFIG=c.kubeconfig pulumi up ...
 *   await c.stop();
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Proc, freePort, startProcess, tempDir, waitFor } from "../../test/support/servers";
import { E2eError, REPO } from "./engine";
import { KubeClient } from "./kube-client";
import { Pki, kubeconfig, makePki } from "./kube-pki";

export interface ClusterOptions {
    /** The bin dir printed by tools/engine/build-kubernetes.sh. */
    readonly bin: string;
    /** Fake nodes, spread over zones a, b, c. @default 3 */
    readonly nodes?: number;
    /** Log each component's output to <dir>/logs (kept with KEEP=1). @default true */
    readonly logs?: boolean;
}

export interface Cluster {
    /** Path of an admin kubeconfig (system:masters) with embedded credentials. */
    readonly kubeconfig: string;
    readonly apiServerUrl: string;
    /** The temp dir holding data, certificates, kubeconfigs and logs. */
    readonly dir: string;
    readonly nodeNames: readonly string[];
    /** Admin client for the tests' own API calls. */
    readonly client: KubeClient;
    /**
     * A StorageClass without provisioner (created on the first call for that name) plus `count`
     * local PersistentVolumes of `size`, spread round-robin over the nodes, so StatefulSet claims
     * of that class bind. Call again for volumes of another size.
     */
    createStorage(className: string, count: number, size: string): Promise<void>;
    stop(): Promise<void>;
}

const SERVICE_CIDR = "10.96.0.0/16"; // virtual: nothing here routes or connects to it (no kube-proxy)
const SERVICE_IP = "10.96.0.1";
const POD_CIDR = "10.244.0.1/16"; // kwok writes pod IPs from it into pod status; nothing listens

/** Builds (or finds, when cached) the control plane, kwok and the provider; returns their bin dir. */
export function locateKubernetes(): string {
    const r = spawnSync(path.join(REPO, "tools/engine/build-kubernetes.sh"), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (r.status !== 0) throw new E2eError(`tools/engine/build-kubernetes.sh failed:\n${r.stderr.trim().split("\n").slice(-30).join("\n")}`);
    return r.stdout.trim().split("\n").pop()!;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
    const bin = (b: string) => path.join(opts.bin, b);
    const stages = path.join(opts.bin, "..", "share", "kwok-stages.yaml");
    for (const b of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"]) if (!fs.existsSync(bin(b))) throw new Error(`${bin(b)} missing: run tools/engine/build-kubernetes.sh`);
    const dir = tempDir("kube");
    const logs = path.join(dir, "logs");
    fs.mkdirSync(logs);
    const procs: [string, Proc][] = [];
    const start = (name: string, args: readonly string[]) => {
        const p = startProcess(bin(name), args, { cwd: dir });
        if (opts.logs !== false) {
            const log = fs.createWriteStream(path.join(logs, `${name}.log`));
            p.child.stdout?.pipe(log);
            p.child.stderr?.pipe(log);
        }
        procs.push([name, p]);
        return p;
    };
    const alive = () => {
        for (const [name, p] of procs) if (p.child.exitCode !== null) throw new Error(`${name} exited ${p.child.exitCode}:\n${p.output().slice(-3000)}`);
    };
    let client: KubeClient | undefined;
    const stop = async () => {
        client?.close();
        // Reverse order: clients first, etcd last, so nothing logs a storm of connection errors.
        for (const [, p] of [...procs].reverse()) await p.stop();
        if (process.env.KEEP === "1") console.log(`kept ${dir}`);
        else fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        const pki = makePki(path.join(dir, "pki"), SERVICE_IP);
        const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];

        // No fsync: throwaway data, and fsync latency on a shared disk slows every API write.
        start("etcd", ["--name=e2e", `--data-dir=${path.join(dir, "etcd")}`, `--listen-client-urls=http://127.0.0.1:${etcdPort}`, `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
            `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-cluster=e2e=http://127.0.0.1:${peerPort}`,
            "--unsafe-no-fsync", "--log-level=warn"]);
        await waitFor("etcd /health", async () => (alive(), (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok), 30000);

        const apiServerUrl = `https://127.0.0.1:${apiPort}`;
        start("kube-apiserver", apiServerArgs(pki, dir, etcdPort, apiPort));
        client = new KubeClient(apiServerUrl, { ca: fs.readFileSync(pki.caCert, "utf8"), cert: fs.readFileSync(pki.clients.admin.cert, "utf8"), key: fs.readFileSync(pki.clients.admin.key, "utf8") });
        const c = client;
        await waitFor("kube-apiserver /readyz", async () => (alive(), (await c.request("GET", "/readyz")).status === 200), 120000);

        const kc = (who: string) => {
            const f = path.join(dir, `${who}.kubeconfig`);
            fs.writeFileSync(f, kubeconfig(pki, apiServerUrl, who), { mode: 0o600 });
            return f;
        };
        const admin = kc("admin");
        // Each controller runs as its own service account with its bootstrap RBAC role, as in
        // kubeadm clusters; the serving ports are off (nothing scrapes them).
        start("kube-controller-manager", [`--kubeconfig=${kc("kube-controller-manager")}`, "--use-service-account-credentials=true", `--service-account-private-key-file=${pki.saKey}`,
            `--root-ca-file=${pki.caCert}`, `--service-cluster-ip-range=${SERVICE_CIDR}`, "--leader-elect=false", "--secure-port=0", "--controllers=*"]);
        start("kube-scheduler", [`--kubeconfig=${kc("kube-scheduler")}`, "--leader-elect=false", "--secure-port=0"]);
        // Only nodes annotated kwok.x-k8s.io/node=fake are played, as kwokctl configures it.
        start("kwok", [`--kubeconfig=${kc("kwok")}`, `--config=${stages}`, "--manage-all-nodes=false", "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
            `--cidr=${POD_CIDR}`, "--node-ip=10.244.255.254", "--node-lease-duration-seconds=40"]);

        const nodeNames = Array.from({ length: opts.nodes ?? 3 }, (_, i) => `kwok-node-${i}`);
        for (const [i, name] of nodeNames.entries()) await c.create("/api/v1/nodes", fakeNode(name, "abc"[i % 3]));
        await waitFor("kwok nodes Ready and schedulable", async () => {
            alive();
            const nodes = await c.list("/api/v1/nodes");
            return nodes.length === nodeNames.length && nodes.every((n) => ready(n.status) && !(n.spec?.taints ?? []).length);
        }, 120000);
        // The service-account controller runs: namespaces get their "default" account, which
        // the ServiceAccount admission plugin needs before it admits any pod.
        await waitFor("default ServiceAccount", async () => (alive(), !!(await c.get("/api/v1/namespaces/default/serviceaccounts/default"))), 60000);

        let pvCount = 0; // PV names stay unique over several createStorage calls
        return {
            kubeconfig: admin,
            apiServerUrl,
            dir,
            nodeNames,
            client: c,
            createStorage: async (className, count, size) => {
                pvCount = await createStorage(c, nodeNames, className, count, size, pvCount);
            },
            stop,
        };
    } catch (err) {
        await stop();
        throw err;
    }
}

function apiServerArgs(pki: Pki, dir: string, etcdPort: number, apiPort: number): string[] {
    return [
        `--etcd-servers=http://127.0.0.1:${etcdPort}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${apiPort}`,
        "--advertise-address=127.0.0.1",
        // The built-in "kubernetes" Endpoints may not hold a loopback address; nothing in the
        // tests reaches the API server through the Service, so it is not reconciled.
        "--endpoint-reconciler-type=none",
        `--cert-dir=${path.join(dir, "pki")}`,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--service-account-key-file=${pki.saPub}`,
        `--service-account-signing-key-file=${pki.saKey}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--authorization-mode=Node,RBAC",
        // On by default (with NamespaceLifecycle, ServiceAccount, …); named so nobody drops it.
        "--enable-admission-plugins=PodSecurity",
        // Privileged containers pass the cluster-wide switch, so a refusal can only come from
        // the namespace's Pod Security level (what the tests prove).
        "--allow-privileged=true",
        "--profiling=false",
    ];
}

function ready(status: { conditions?: { type: string; status: string }[] } | undefined): boolean {
    return (status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** A Node that kwok plays (the annotation), with roomy allocatable resources and a zone. */
function fakeNode(name: string, zone: string): object {
    const resources = { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "100Gi" };
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name,
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": zone, type: "kwok" },
        },
        // No kwok taint: the program under test must schedule without test-only tolerations.
        spec: {},
        status: { allocatable: resources, capacity: resources, nodeInfo: { architecture: "amd64", operatingSystem: "linux", kubeletVersion: "fake", kubeProxyVersion: "fake" } },
    };
}

/**
 * WaitForFirstConsumer: the scheduler picks the pod's node first and then binds a PV whose node
 * affinity matches, as with real local volumes. That works here because the scheduler and the
 * PV controller are the real ones; kwok only plays the kubelet and never mounts anything, so
 * the PV paths need not exist.
 */
async function createStorage(c: KubeClient, nodes: readonly string[], className: string, count: number, size: string, first: number): Promise<number> {
    if (await c.get(`/apis/storage.k8s.io/v1/storageclasses/${className}`)) return addVolumes(c, nodes, className, count, size, first);
    await c.create("/apis/storage.k8s.io/v1/storageclasses", {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: className },
        provisioner: "kubernetes.io/no-provisioner",
        volumeBindingMode: "WaitForFirstConsumer",
        reclaimPolicy: "Retain",
    });
    return addVolumes(c, nodes, className, count, size, first);
}

async function addVolumes(c: KubeClient, nodes: readonly string[], className: string, count: number, size: string, first: number): Promise<number> {
    for (let i = first; i < first + count; i++) {
        const node = nodes[i % nodes.length];
        await c.create("/api/v1/persistentvolumes", {
            apiVersion: "v1",
            kind: "PersistentVolume",
            metadata: { name: `${className}-pv-${i}`, labels: { "stellaops.e2e/storage": className } },
            spec: {
                capacity: { storage: size },
                accessModes: ["ReadWriteOnce"],
                persistentVolumeReclaimPolicy: "Retain",
                storageClassName: className,
                volumeMode: "Filesystem",
                local: { path: `/mnt/${className}/pv-${i}` },
                nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] }] } },
            },
        });
    }
    return first + count;
}
