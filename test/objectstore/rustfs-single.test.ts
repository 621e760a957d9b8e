/**
 * Tier 2: the single RustFS server (dev: container, airgap `single`: StatefulSet) under the
 * recording mocks: pinned image, root keys as secrets, one retained data volume, /health, the
 * S3 port on the bind address only (dev), protection, and the client NetworkPolicy (airgap).
 */
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { RustfsContainer } from "../../components/objectstore/rustfs-docker";
import { RustfsStatefulSet } from "../../components/objectstore/rustfs-kubernetes";
import { assertChildNamesPrefixed, byType, findResource, resetResources, resources, value } from "../harness";
import { TYPES } from "./support";

/* eslint-disable @typescript-eslint/no-explicit-any */
const root = { rootAccessKey: pulumi.secret("root-access"), rootSecretKey: pulumi.secret("root-secret") };

describe("single RustFS server", () => {
    it("dev: pinned image, secret root keys, one retained volume, /health, the S3 port on the bind address only", async () => {
        resetResources();
        const provider = new docker.Provider("docker", {});
        const server = new RustfsContainer(
            "objectstore-rustfs",
            { containerName: "stellaops-rustfs", volumeName: "stellaops-rustfs-data", image: "rustfs/rustfs:1.0.0-alpha.69", networkName: pulumi.output("stellaops-deps"), bindAddress: "127.0.0.1", hostPort: 8080, ...root },
            { providers: [provider] },
        );
        const all = await resources();
        assert.strictEqual(findResource(all, "docker:index/remoteImage:RemoteImage", "objectstore-rustfs-server-image").inputs.name, "rustfs/rustfs:1.0.0-alpha.69");
        const c = findResource(all, "docker:index/container:Container", "objectstore-rustfs-server-container");
        const envs = c.rawInputs.envs as string[];
        for (const key of ["RUSTFS_ACCESS_KEY", "RUSTFS_SECRET_KEY"]) {
            const i = envs.findIndex((e) => e.startsWith(`${key}=`));
            assert.ok(i >= 0 && c.secretPaths.includes(`envs[${i}]`), `${key} must be sent as a secret`);
        }
        assert.ok((c.inputs.envs as string[]).includes("RUSTFS_VOLUMES=/data"));
        assert.ok((c.inputs.healthcheck as { tests: string[] }).tests.some((t) => t.endsWith(":9000/health")));
        assert.deepStrictEqual(c.inputs.ports, [{ internal: 9000, external: 8080, ip: "127.0.0.1" }]);
        const [vol] = byType(all, "docker:index/volume:Volume");
        assert.ok(vol.protect && vol.retainOnDelete, "data volume protected and retained");
        assert.strictEqual(vol.inputs.name, "stellaops-rustfs-data");
        assert.deepStrictEqual([await value(server.host), server.port], ["stellaops-rustfs", 9000]);
        assertChildNamesPrefixed(all);
    });

    it("airgap single: a protected StatefulSet with a retained claim, secret keys, /health probes, clients only", async () => {
        resetResources();
        const provider = new k8s.Provider("k8s", {});
        const image = `registry.internal:5000/rustfs/rustfs@sha256:${"a".repeat(64)}`;
        const server = new RustfsStatefulSet(
            "objectstore-rustfs",
            { namespace: pulumi.output("stellaops-deps"), appName: "rustfs", image, storageSize: "80Gi", clients: { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] }, ...root },
            { providers: [provider] },
        );
        const all = await resources();
        const sts = findResource(all, TYPES.statefulSet, "objectstore-rustfs-server-statefulset");
        assert.ok(sts.protect && sts.retainOnDelete);
        const spec = sts.inputs.spec as any;
        assert.deepStrictEqual([spec.replicas, spec.volumeClaimTemplates[0].spec.resources.requests.storage, spec.persistentVolumeClaimRetentionPolicy.whenDeleted], [1, "80Gi", "Retain"]);
        const container = spec.template.spec.containers[0];
        assert.strictEqual(container.image, image);
        for (const probe of [container.readinessProbe, container.livenessProbe]) assert.deepStrictEqual(probe.httpGet, { path: "/health", port: 9000 });
        const env = findResource(all, TYPES.secret, "objectstore-rustfs-server-env");
        assert.deepStrictEqual([...env.secretPaths], ["stringData"]);
        assert.deepStrictEqual(Object.keys(env.rawInputs.stringData as object).sort(), ["RUSTFS_ACCESS_KEY", "RUSTFS_SECRET_KEY"]);
        const np = findResource(all, TYPES.netpol, "objectstore-rustfs-server-netpol").inputs.spec as any;
        assert.deepStrictEqual(np.ingress[0].ports, [{ protocol: "TCP", port: 9000 }]);
        assert.strictEqual(await value(server.host), "rustfs.stellaops-deps.svc.cluster.local");
        assertChildNamesPrefixed(all);
    });
});
