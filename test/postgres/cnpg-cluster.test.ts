/**
 * Tier 2: CnpgCluster and CnpgPooler under the recording mocks: the CloudNativePG objects the
 * component registers (shape and options from the plan), the Cluster protected and retained
 * (it owns the PVCs), secrets that stay secret, images only from the mirror, NetworkPolicy
 * ports, the pooler's session mode and PDB, backups on schedule with retention, and the CRD
 * check that precedes everything. What a real operator does with them is not provable here.
 */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { CNPG_CLUSTER_TYPE, CnpgCluster, CnpgClusterArgs } from "../../components/postgres/cnpg-cluster";
import { planCnpg } from "../../components/postgres/cnpg-plan";
import { CNPG_POOLER_TYPE } from "../../components/postgres/cnpg-pooler";
import { CNPG_CRDS } from "../../components/postgres/cnpg-types";
import { RecordedResource, assertChildNamesPrefixed, byType, isSecret, resetResources, resources, strings, value } from "../harness";
import { BASE, PGBOUNCER_IMAGE, PG_IMAGE, access } from "./cnpg-plan.test";

/* eslint-disable @typescript-eslint/no-explicit-any */
const T = {
    custom: (kind: string, group = "postgresql.cnpg.io") => `kubernetes:${group}/v1:${kind}`,
    secret: "kubernetes:core/v1:Secret",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};
const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };
const spec = (r: RecordedResource) => r.inputs.spec as any;
const physical = (r: RecordedResource) => (r.inputs.metadata as any).name as string;
const one = (all: readonly RecordedResource[], type: string) => {
    const found = byType(all, type);
    assert.strictEqual(found.length, 1, `${type}: ${found.map((r) => r.name).join(", ")}`);
    return found[0];
};

async function deploy(more: Partial<CnpgClusterArgs> = {}, planOpts = {}) {
    await resources();
    resetResources();
    const plan = planCnpg({ ...BASE, storageClass: "local-ssd", ...planOpts }, access());
    const provider = new k8s.Provider("k8s", {});
    const args: CnpgClusterArgs = {
        plan,
        namespace: "stellaops-deps",
        superuserPassword: "superuser-pw",
        backup: { bucket: "stellaops-postgres-backups", endpoint: "http://rustfs.stellaops-deps.svc.cluster.local:9000", accessKeyId: "backup-key", secretAccessKey: "backup-secret" },
        clients,
        ...more,
    };
    const pg = new CnpgCluster("postgres", args, { providers: [provider] });
    const all = (await resources()).filter((r) => r.type !== "pulumi:providers:kubernetes");
    return { plan, pg, all };
}

describe("CnpgCluster (CloudNativePG, mocks)", () => {
    it("registers the catalog, Cluster, ObjectStore, ScheduledBackup, Pooler, Secrets, the pooler PDB and two NetworkPolicies, named under the component", async () => {
        const { all } = await deploy();
        assertChildNamesPrefixed(all);
        assert.strictEqual(one(all, CNPG_CLUSTER_TYPE).name, "postgres");
        assert.strictEqual(one(all, CNPG_POOLER_TYPE).parent, "postgres");
        const kinds = all.filter((r) => r.type.startsWith("kubernetes:")).map((r) => `${r.type.split(":").pop()} ${physical(r)}`).sort();
        assert.deepStrictEqual(kinds, [
            "Cluster postgres",
            "ImageCatalog postgres-images",
            "NetworkPolicy postgres-instances",
            "NetworkPolicy postgres-pooler-clients",
            "ObjectStore postgres-backups",
            "PodDisruptionBudget postgres-pooler",
            "Pooler postgres-pooler",
            "ScheduledBackup postgres-scheduled",
            "Secret postgres-backup-s3",
            "Secret postgres-pooler-auth",
            "Secret postgres-superuser",
        ]);
        assert.deepStrictEqual(byType(all, "random:index/randomPassword:RandomPassword").map((r) => [r.name, r.parent]), [["postgres-pooler-auth-password", "postgres-pooler"]]);
    });

    it("protects and retains the Cluster (its PVCs are CNPG-owned: deleting it deletes the data), and nothing else", async () => {
        const { all } = await deploy();
        const cluster = one(all, T.custom("Cluster"));
        assert.ok(cluster.protect && cluster.retainOnDelete);
        assert.deepStrictEqual(all.filter((r) => r.protect || r.retainOnDelete).map((r) => r.name), ["postgres-cluster"]);
        assert.deepStrictEqual((cluster.inputs.metadata as any).annotations, { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "1800" });
    });

    it("shapes the Cluster from the plan: 3 instances, synchronous standby, anti-affinity, storage, superuser access, WAL archiving to the ObjectStore", async () => {
        const { all, plan } = await deploy({}, { instances: 5, synchronous: { number: 2 }, walStorageSize: "20Gi" });
        const s = spec(one(all, T.custom("Cluster")));
        assert.strictEqual(one(all, T.custom("Cluster")).inputs.apiVersion, "postgresql.cnpg.io/v1");
        assert.deepStrictEqual([s.instances, s.postgresql.synchronous], [5, { method: "any", number: 2, dataDurability: "required" }]);
        assert.deepStrictEqual([s.storage, s.walStorage], [{ size: "50Gi", storageClass: "local-ssd" }, { size: "20Gi", storageClass: "local-ssd" }]);
        assert.deepStrictEqual(s.affinity, { enablePodAntiAffinity: true, podAntiAffinityType: "required", topologyKey: "kubernetes.io/hostname" });
        assert.deepStrictEqual([s.enableSuperuserAccess, s.superuserSecret.name, s.enablePDB], [true, plan.names.superuserSecret, true]);
        assert.deepStrictEqual(s.plugins[0].parameters.barmanObjectName, physical(one(all, T.custom("ObjectStore", "barmancloud.cnpg.io"))));
        assert.deepStrictEqual(s.resources, { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } });
        assert.deepStrictEqual(s.seccompProfile, { type: "RuntimeDefault" });
    });

    it("takes every image from the mirror by digest, and names no public host anywhere", async () => {
        const { all } = await deploy();
        assert.deepStrictEqual(spec(one(all, T.custom("ImageCatalog"))).images, [{ major: 17, image: PG_IMAGE }]);
        assert.deepStrictEqual(spec(one(all, T.custom("Cluster"))).imageCatalogRef, { apiGroup: "postgresql.cnpg.io", kind: "ImageCatalog", name: "postgres-images", major: 17 });
        assert.strictEqual(spec(one(all, T.custom("Cluster"))).imageName, undefined, "a digest-only imageName would leave CNPG unable to tell the major version");
        assert.deepStrictEqual(spec(one(all, T.custom("Pooler"))).template.spec.containers.map((c: any) => c.image), [PGBOUNCER_IMAGE]);
        const images = all.flatMap((r) => strings(r.inputs)).filter((s) => /@sha256:|ghcr\.io|docker\.io|quay\.io/.test(s));
        assert.deepStrictEqual([...new Set(images)].sort(), [PG_IMAGE, PGBOUNCER_IMAGE].sort());
    });

    it("keeps every password and key secret: superuser, backup credentials, pooler auth", async () => {
        const { all, pg } = await deploy();
        const secret = (name: string) => byType(all, T.secret).find((r) => physical(r) === name)!;
        const superuser = secret("postgres-superuser");
        assert.deepStrictEqual([superuser.inputs.type, (superuser.rawInputs.stringData as any).username, (superuser.rawInputs.stringData as any).password], ["kubernetes.io/basic-auth", "postgres", "superuser-pw"]);
        const secretData = (r: RecordedResource) => r.secretPaths.some((p) => p === "stringData" || p.startsWith("stringData."));
        assert.ok(secretData(superuser) && secretData(secret("postgres-backup-s3")));
        assert.strictEqual((secret("postgres-backup-s3").rawInputs.stringData as any).REGION, "us-east-1");
        const auth = secret("postgres-pooler-auth");
        assert.deepStrictEqual([auth.inputs.type, (auth.rawInputs.stringData as any).username], ["kubernetes.io/basic-auth", "stellaops_pooler_auth"]);
        assert.ok(secretData(auth));
        assert.ok(await isSecret(pg.pooler.authPassword));
        assert.strictEqual(await value(pg.pooler.authPassword), (auth.rawInputs.stringData as any).password);
        for (const r of all.filter((r) => r.type.startsWith("kubernetes:postgresql") || r.type.startsWith("kubernetes:barmancloud"))) {
            assert.ok(!strings(r.rawInputs).some((s) => /superuser-pw|backup-secret|backup-key|mock-secret/.test(s)), `${r.name} carries a secret in clear`);
        }
    });

    it("the pooler: session mode, its PDB (CNPG makes none for poolers; the Cluster's PDBs are CNPG's own, none here)", async () => {
        const resources = { requests: { cpu: "200m", memory: "128Mi" }, limits: { cpu: "1", memory: "128Mi" } };
        const { all } = await deploy({ poolerResources: resources }, { pooler: { instances: 3 } });
        const pooler = spec(one(all, T.custom("Pooler")));
        assert.deepStrictEqual(pooler.template.spec.containers[0].resources, resources);
        assert.deepStrictEqual([pooler.pgbouncer.poolMode, pooler.instances, pooler.type, pooler.cluster.name], ["session", 3, "rw", "postgres"]);
        assert.strictEqual(pooler.pgbouncer.parameters.default_pool_size, "10");
        const pdb = one(all, T.pdb);
        assert.deepStrictEqual([physical(pdb), spec(pdb).maxUnavailable, spec(pdb).selector], ["postgres-pooler", 1, { matchLabels: { "cnpg.io/poolerName": "postgres-pooler" } }]);
    });

    it("NetworkPolicies: instances admit cluster pods and the operator on 5432/8000 and clients on 5432; the pooler admits clients on 5432", async () => {
        const { all } = await deploy({ operatorNamespace: "postgres-operator" });
        const policy = (name: string) => spec(byType(all, T.netpol).find((r) => physical(r) === name)!);
        const instances = policy("postgres-instances");
        assert.deepStrictEqual(instances.podSelector, { matchLabels: { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "instance" } });
        assert.deepStrictEqual(instances.ingress.map((r: any) => r.ports.map((p: any) => p.port)), [[5432, 8000], [8000, 5432], [5432]]);
        assert.deepStrictEqual(instances.ingress[1].from[0].namespaceSelector.matchExpressions[0].values, ["postgres-operator"]);
        const pooler = policy("postgres-pooler-clients");
        assert.deepStrictEqual(pooler.podSelector, { matchLabels: { "cnpg.io/poolerName": "postgres-pooler" } });
        assert.deepStrictEqual(pooler.ingress.map((r: any) => r.ports), [[{ protocol: "TCP", port: 5432 }]]);
        assert.deepStrictEqual(pooler.ingress[0].from[0].namespaceSelector.matchExpressions[0].values, ["stellaops"]);
    });

    it("opens the object store's port to the instances only when its pods are named (RustFS in this namespace)", async () => {
        const rustfs = { "app.kubernetes.io/name": "rustfs", "app.kubernetes.io/part-of": "stellaops-deps" };
        const { all } = await deploy({ backup: { bucket: "b", endpoint: "http://rustfs:9000", accessKeyId: "k", secretAccessKey: "s", serverPodLabels: rustfs } });
        const policy = byType(all, T.netpol).find((r) => physical(r) === "postgres-backups-to-object-store")!;
        assert.deepStrictEqual(spec(policy).podSelector, { matchLabels: rustfs });
        assert.deepStrictEqual(spec(policy).ingress, [{ from: [{ podSelector: { matchLabels: { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "instance" } } }], ports: [{ protocol: "TCP", port: 9000 }] }]);
        assert.strictEqual(byType((await deploy()).all, T.netpol).length, 2, "no object-store policy unless asked");
    });

    it("backs up on the planned schedule with the planned retention, to the bucket, through the plugin", async () => {
        const { all } = await deploy({}, { backupSchedule: "0 15 3 * * *", backupRetention: "14d" });
        const scheduled = spec(one(all, T.custom("ScheduledBackup")));
        assert.deepStrictEqual([scheduled.schedule, scheduled.method, scheduled.pluginConfiguration.name, scheduled.cluster.name], ["0 15 3 * * *", "plugin", "barman-cloud.cloudnative-pg.io", "postgres"]);
        const store = spec(one(all, T.custom("ObjectStore", "barmancloud.cnpg.io")));
        assert.deepStrictEqual([store.retentionPolicy, store.configuration.destinationPath, store.configuration.endpointURL], ["14d", "s3://stellaops-postgres-backups/", "http://rustfs.stellaops-deps.svc.cluster.local:9000"]);
        assert.ok(one(all, T.custom("ScheduledBackup")).dependsOn.includes("postgres-cluster"));
    });

    it("reads the operator's and the plugin's CRDs before creating any CloudNativePG object (unless told not to)", async () => {
        const { all } = await deploy();
        const crdReads = CNPG_CRDS.map((c) => `postgres-crd-${c}`);
        for (const kind of ["Cluster", "ImageCatalog", "ScheduledBackup"]) for (const crd of crdReads) assert.ok(one(all, T.custom(kind)).dependsOn.includes(crd), `${kind} after ${crd}`);
        assert.ok(crdReads.every((crd) => one(all, T.custom("ObjectStore", "barmancloud.cnpg.io")).dependsOn.includes(crd)));
        const cluster = one(all, T.custom("Cluster"));
        for (const dep of ["postgres-images", "postgres-superuser", "postgres-object-store"]) assert.ok(cluster.dependsOn.includes(dep), dep);
        const unchecked = await deploy({ checkCrds: false });
        assert.ok(!one(unchecked.all, T.custom("Cluster")).dependsOn.some((d) => d.includes("-crd-")));
    });

    it("outputs where the provider (rw) and the services (pooler) connect, and the instances' labels for the object store's policy", async () => {
        const { pg } = await deploy();
        assert.strictEqual(await value(pg.rwHost), "postgres-rw.stellaops-deps.svc.cluster.local");
        assert.strictEqual(await value(pg.pooler.host), "postgres-pooler.stellaops-deps.svc.cluster.local");
        assert.deepStrictEqual([pg.port, pg.pooler.port, pg.caSecretName], [5432, 5432, "postgres-ca"]);
        assert.deepStrictEqual(pg.instanceLabels, { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "instance" });
    });
});
