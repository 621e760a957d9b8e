/**
 * The generic rules (stateful resources protected, NATS only when enabled), the rule runner,
 * and the adapter that turns what the policy engine passes into rule subjects and reports.
 */
import * as assert from "assert";
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { plain, resourcePolicy, stackPolicy } from "../../policy/engine";
import { RESOURCE_RULES, STACK_RULES, evaluateRules, flattenConfig, natsOnlyWhenEnabled, statefulProtected } from "../../policy/rules";
import { subject } from "./support";

describe("policy stateful-resources-protected", () => {
    it("passes a protected database and ignores resources that hold no data", () => {
        assert.deepStrictEqual(evaluateRules([subject("postgresql:index/database:Database", { name: "x" }, { opts: { protect: true } })]), []);
        assert.deepStrictEqual(evaluateRules([subject("postgresql:index/grant:Grant", {})]), []);
    });
    it("fails an unprotected schema, volume, bucket and cache", () => {
        for (const type of ["postgresql:index/schema:Schema", "docker:index/volume:Volume", "aws:s3/bucket:Bucket", "aws:elasticache/replicationGroup:ReplicationGroup"]) {
            assert.deepStrictEqual(statefulProtected.check(subject(type, {}), {}), [`${type} holds data but is not protected: expected protect true`]);
        }
    });
    it("is not satisfied by retainOnDelete alone (the engine does not show it to policies)", () => {
        assert.strictEqual(statefulProtected.check(subject("docker:index/volume:Volume", {}, { opts: { protect: false, retainOnDelete: true } }), {}).length, 1);
    });
});

describe("policy nats-only-when-enabled", () => {
    it("fails a NATS resource or setting while NATS is disabled (the default)", () => {
        assert.strictEqual(natsOnlyWhenEnabled.check(subject("stellaops:nats:NatsStatefulSet", {}, { name: "nats" }), {}).length, 1);
        assert.match(natsOnlyWhenEnabled.check(subject("kubernetes:core/v1:Secret", { stringData: { NATS_URL: "nats://n:4222" } }), { natsEnabled: false }).join(), /mentions NATS/);
    });
    it("passes them when enabled, and passes unrelated resources", () => {
        assert.deepStrictEqual(natsOnlyWhenEnabled.check(subject("stellaops:nats:NatsStatefulSet", {}, { name: "nats" }), { natsEnabled: true }), []);
        assert.deepStrictEqual(natsOnlyWhenEnabled.check(subject("kubernetes:core/v1:Secret", { stringData: { VALKEY_URL: "rediss://v" } }), {}), []);
    });
});

describe("policy pack plumbing", () => {
    it("has unique policy names and a remediation for each", () => {
        const all = [...RESOURCE_RULES, ...STACK_RULES];
        assert.strictEqual(new Set(all.map((r) => r.name)).size, all.length);
        for (const r of all) assert.ok(r.remediation.length > 10 && r.description.length > 10, r.name);
    });

    it("flattens a per-policy config file into the bag rules read", () => {
        assert.deepStrictEqual(flattenConfig({ "a": { mirrorRegistry: "m", enforcementLevel: "mandatory" }, "b": { natsEnabled: true } }), { mirrorRegistry: "m", natsEnabled: true });
    });

    it("turns values the engine cannot know during preview into [unknown] instead of throwing", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const proxy = require("@pulumi/policy/proxy");
        const props = proxy.unknownCheckingProxy({ bucket: proxy.unknownStringValue, tags: { a: "1" }, list: [1, proxy.unknownNumberValue] });
        assert.throws(() => props.bucket, /can't be known during preview/);
        assert.deepStrictEqual(plain(props), { bucket: "[unknown]", tags: { a: "1" }, list: [1, "[unknown]"] });
    });

    it("reports a resource rule's messages through validateResource, only for its types", async () => {
        const policy = resourcePolicy(statefulProtected);
        assert.strictEqual(policy.enforcementLevel, "mandatory");
        const reported: string[] = [];
        const args = (type: string) => ({ type, name: "v", urn: "urn:v", props: {}, opts: { protect: false }, getConfig: () => ({}) }) as unknown as ResourceValidationArgs;
        const validate = policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
        validate(args("docker:index/volume:Volume"), (m) => reported.push(m));
        validate(args("docker:index/network:Network"), (m) => reported.push(m));
        assert.deepStrictEqual(reported, ["docker:index/volume:Volume holds data but is not protected: expected protect true"]);
    });

    it("reports a stack rule's findings with the offending resource's URN", async () => {
        const bucket = { type: "aws:s3/bucket:Bucket", name: "b", urn: "urn:b", props: { bucket: "b" }, opts: { protect: true }, propertyDependencies: {} } as unknown as PolicyResource;
        const reported: [string, string | undefined][] = [];
        const policy = stackPolicy(STACK_RULES[0]);
        await policy.validateStack({ resources: [bucket], getConfig: () => ({}) } as never, (m, urn) => reported.push([m, urn]));
        assert.deepStrictEqual(reported, [["bucket b has no BucketPublicAccessBlock: expected one with all four settings true", "urn:b"]]);
    });
});
