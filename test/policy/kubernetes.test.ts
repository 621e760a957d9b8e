/**
 * Kubernetes rules over hand-built workloads: mirror digest images (containers and init
 * containers, every workload kind) and non-root containers with limits.
 */
import * as assert from "assert";
import { airgapImages, imageProblems, nonRootWithLimits } from "../../policy/kubernetes-rules";
import { DIGEST, MIRROR, goodContainer, statefulSet, subject } from "./support";

describe("policy airgap-images-from-mirror", () => {
    const cfg = { mirrorRegistry: MIRROR };

    it("passes a mirror digest reference", () => {
        assert.deepStrictEqual(airgapImages.check(statefulSet([goodContainer()]), cfg), []);
    });

    const bad: [string, string, RegExp][] = [
        ["a tag", `${MIRROR}/library/postgres:17`, /not pinned by digest/],
        ["a Docker Hub short name", `postgres@sha256:${DIGEST}`, /not pinned by digest/],
        ["no registry host", `library/postgres@sha256:${DIGEST}`, /names no registry host/],
        ["a public registry", `docker.io/library/postgres@sha256:${DIGEST}`, /public registry docker\.io/],
        ["a public registry subdomain", `eu.gcr.io/proj/pg@sha256:${DIGEST}`, /public registry/],
        ["another registry than the mirror", `registry.other.internal/library/postgres@sha256:${DIGEST}`, /expected the mirror registry\.example\.internal:5000/],
        ["a short digest", `${MIRROR}/library/postgres@sha256:abc`, /not pinned by digest/],
    ];
    for (const [what, image, message] of bad) {
        it(`fails ${what}`, () => {
            const found = airgapImages.check(statefulSet([goodContainer({ image })]), cfg);
            assert.strictEqual(found.length, 1, found.join("\n"));
            assert.match(found[0], message);
        });
    }

    it("checks init containers too, naming them", () => {
        const found = airgapImages.check(statefulSet([goodContainer()], undefined, [goodContainer({ name: "init-perms", image: "busybox:1.36" })]), cfg);
        assert.deepStrictEqual(found.length, 1);
        assert.match(found[0], /^init container "init-perms"/);
    });

    it("reads the pod template of a CronJob and a Deployment", () => {
        const tagged = { containers: [goodContainer({ image: "nats:2" })] };
        const cron = subject("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec: tagged } } } } });
        const deploy = subject("kubernetes:apps/v1:Deployment", { spec: { template: { spec: tagged } } });
        assert.strictEqual(airgapImages.check(cron, cfg).length, 1);
        assert.strictEqual(airgapImages.check(deploy, cfg).length, 1);
    });

    it("without a configured mirror still requires a private registry host and a digest", () => {
        assert.deepStrictEqual(imageProblems(`registry.any.internal/x/y@sha256:${DIGEST}`, undefined), []);
        assert.strictEqual(imageProblems("ghcr.io/x/y:1", undefined).length, 1);
        assert.deepStrictEqual(imageProblems(undefined, undefined), ["has no image"]);
    });
});

describe("policy kubernetes-non-root-with-limits", () => {
    it("passes a pod-level non-root context with cpu and memory limits", () => {
        assert.deepStrictEqual(nonRootWithLimits.check(statefulSet([goodContainer()]), {}), []);
    });

    it("passes a container-level runAsUser without runAsNonRoot", () => {
        assert.deepStrictEqual(nonRootWithLimits.check(statefulSet([goodContainer({ securityContext: { runAsUser: 1000 } })], {}), {}), []);
    });

    it("fails a container that overrides the pod with uid 0", () => {
        const found = nonRootWithLimits.check(statefulSet([goodContainer({ securityContext: { runAsUser: 0 } })]), {});
        assert.deepStrictEqual(found, ['container "db" runs as uid 0: expected a non-root runAsUser']);
    });

    it("fails a pod without any non-root setting", () => {
        const found = nonRootWithLimits.check(statefulSet([goodContainer()], {}), {});
        assert.match(found.join("\n"), /may run as root/);
    });

    it("fails missing limits and privileged containers", () => {
        const found = nonRootWithLimits.check(statefulSet([goodContainer({ resources: { limits: { cpu: "1" } }, securityContext: { privileged: true } })]), {});
        assert.deepStrictEqual(found, ['container "db" is privileged: expected privileged false', 'container "db" has no memory limit: expected resources.limits.memory']);
    });
});
