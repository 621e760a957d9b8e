/**
 * ValkeyElastiCache (aws) and ValkeyExternalUsers (external) under mocks, built from a plan:
 * encryption, protection, the disabled `default` user, access strings from the new namespace and
 * shared-key rules (accepted by ElastiCache's grammar), 40-character names, and the dynamic
 * provider receiving only hashes and secrets.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ELASTICACHE_RESTRICTED, ValkeyElastiCache, accessString } from "../../components/valkey/aws";
import { ValkeyExternalUsers } from "../../components/valkey/external";
import type { ValkeyPlan } from "../../components/valkey/plan";
import { RecordedResource, assertChildNamesPrefixed, byType, isSecret, resetResources, resources, value } from "../harness";
import { testPlan } from "./support";

const T = {
    password: "random:index/randomPassword:RandomPassword",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    ecUser: "aws:elasticache/user:User",
    ecUserGroup: "aws:elasticache/userGroup:UserGroup",
    ecParams: "aws:elasticache/parameterGroup:ParameterGroup",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    acl: "pulumi-nodejs:dynamic/valkey:AclUsers",
};
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const mockPassword = (resource: string) => `mock-secret-${resource}`;

async function record(build: () => unknown): Promise<readonly RecordedResource[]> {
    await resources();
    resetResources();
    build();
    return (await resources()).filter((r) => !r.type.startsWith("pulumi:providers:"));
}

function elastiCache(plan: ValkeyPlan, namePrefix = "stellaops", replicas = 1) {
    const provider = new aws.Provider("aws", { region: "eu-west-1" });
    const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], allowedCidrs: [], allowedSecurityGroupIds: ["sg-0123456789abcdef0"] };
    return new ValkeyElastiCache("valkey", { plan, namePrefix, nodeType: "cache.r7g.large", replicas, ...network }, { providers: [provider] });
}

describe("valkey on ElastiCache (ValkeyElastiCache)", () => {
    it("creates a protected, encrypted valkey replication group behind a client-only security group", async () => {
        const all = await record(() => elastiCache(testPlan({ tls: true }), "stellaops", 2));
        assertChildNamesPrefixed(all);
        const [rg] = byType(all, T.replicationGroup);
        assert.ok(rg.protect && rg.retainOnDelete);
        const i = rg.inputs;
        assert.deepEqual([i.engine, i.transitEncryptionEnabled, i.transitEncryptionMode, i.atRestEncryptionEnabled], ["valkey", true, "required", true]);
        assert.deepEqual([i.nodeType, i.numCacheClusters, i.automaticFailoverEnabled, i.multiAzEnabled], ["cache.r7g.large", 3, true, true]);
        assert.deepEqual(byType(all, T.ecParams)[0].inputs.parameters, [{ name: "maxmemory-policy", value: "volatile-lru" }]);
        const [sg] = byType(all, T.securityGroup);
        assert.deepEqual((sg.inputs.ingress as { fromPort: number; securityGroups: string[] }[]).map((r) => [r.fromPort, r.securityGroups]), [[6379, ["sg-0123456789abcdef0"]]]);
    });

    it("puts a disabled `default` user, the operator and one user per service in the group; access strings carry namespaces and shared keys", async () => {
        const plan = testPlan({ tls: true });
        let cache: ValkeyElastiCache | undefined;
        const all = await record(() => (cache = elastiCache(plan)));
        const users = byType(all, T.ecUser);
        const byName = new Map(users.map((u) => [u.inputs.userName as string, u]));
        assert.deepEqual([...byName.keys()].sort(), ["default", plan.operator, ...plan.services.map((s) => s.user)].sort());
        assert.match(byName.get("default")!.inputs.accessString as string, /^off /);
        for (const u of users) {
            assert.ok(u.secretPaths.some((p) => p.startsWith("authenticationMode")), `${u.name} password secret`);
            const access = u.inputs.accessString as string;
            assert.ok(!/\breset/.test(access), "ElastiCache rejects reset in access strings");
            for (const cmd of ELASTICACHE_RESTRICTED) assert.ok(!access.split(" ").some((r) => r.replace(/^[+-]/, "").split("|")[0] === cmd), `${u.name} names ${cmd}`);
            // ElastiCache's grammar: on/off, then ~pattern, &pattern, +/-command or @category.
            assert.ok(access.split(" ").slice(1).every((r) => /^(~|&)\S+$|^[+-]@?[a-z|-]+$/.test(r)), access);
        }
        for (const s of plan.services) {
            const access = byName.get(s.user)!.inputs.accessString as string;
            assert.deepEqual(access.split(" ").filter((r) => r.startsWith("~")), [`~${s.namespace}*`, ...Object.values(s.sharedKeys).map((k) => `~${k}*`)], s.service);
            assert.ok(access.includes("-@dangerous") && access.includes("-flushall"), s.service);
            assert.equal(await value(cache!.passwords[s.user]), mockPassword(`valkey-password-${s.service}`));
            assert.ok(await isSecret(cache!.passwords[s.user]));
        }
        assert.equal(byType(all, T.password).filter((p) => p.name.endsWith("-probe")).length, 0, "no probe user on ElastiCache");
        assert.equal(accessString(true, ["resetkeys", "~a:*", "+@stream", "-config", "-@dangerous"]), "on ~a:* +@stream -@dangerous");
    });

    it("split: two replication groups and user groups, physical names within ElastiCache's 40 characters", async () => {
        const prefix = "a".repeat(21); // the longest aws.namePrefix config allows
        const all = await record(() => elastiCache(testPlan({ split: true, tls: true }), prefix));
        const rgs = byType(all, T.replicationGroup);
        assert.deepEqual(rgs.map((r) => r.inputs.replicationGroupId).sort(), [`${prefix}-valkey-cache`, `${prefix}-valkey-coord`]);
        const policies = Object.fromEntries(byType(all, T.ecParams).map((p) => [p.inputs.name, (p.inputs.parameters as { value: string }[])[0].value]));
        assert.deepEqual(policies, { [`${prefix}-valkey-coord-params`]: "noeviction", [`${prefix}-valkey-cache-params`]: "allkeys-lru" });
        for (const ids of [byType(all, T.ecUser).map((u) => u.inputs.userId as string), byType(all, T.ecUserGroup).map((g) => g.inputs.userGroupId as string), rgs.map((r) => r.inputs.replicationGroupId as string)]) {
            for (const id of ids) assert.ok(id.length <= 40 && /^[a-z][a-z0-9-]*$/.test(id), id);
            assert.equal(new Set(ids).size, ids.length, `unique: ${ids.join(", ")}`);
        }
    });
});

describe("valkey on an existing server (ValkeyExternalUsers)", () => {
    it("applies one ACL user per service through the dynamic provider, sending only hashes and secrets", async () => {
        const plan = testPlan();
        let x: ValkeyExternalUsers | undefined;
        const all = await record(() => (x = new ValkeyExternalUsers("valkey", { plan, host: "valkey.internal", port: 6380, adminUser: "stellaops-admin", adminPassword: pulumi.secret("admin-pw-from-config") })));
        assertChildNamesPrefixed(all);
        const [acl] = byType(all, T.acl);
        assert.deepEqual([acl.inputs.host, acl.inputs.port, acl.inputs.adminUser, acl.inputs.disableDefault, acl.inputs.tls], ["valkey.internal", 6380, "stellaops-admin", true, false]);
        assert.ok(acl.secretPaths.includes("adminPassword") && acl.secretPaths.includes("users"));
        const users = acl.rawInputs.users as { name: string; passwordHash: string; rules: string[] }[];
        assert.deepEqual(users.map((u) => u.name), plan.services.map((s) => s.user));
        for (const u of users) {
            assert.equal(u.passwordHash, sha(mockPassword(`valkey-password-${u.name.replace(/^stellaops-/, "")}`)));
            assert.deepEqual(u.rules, plan.instances[0].users.find((p) => p.name === u.name)!.rules);
        }
        const provider = acl.rawInputs.__provider as string;
        assert.match(provider, /require\("iovalkey"\)/, "the serialized provider loads iovalkey when it runs");
        assert.ok(!provider.includes("admin-pw-from-config") && !provider.includes("mock-secret"), "no secret captured in the provider's code");
        assert.equal(byType(all, T.password).length, plan.services.length, "passwords for services only");
        assert.deepEqual([x!.host, x!.port], ["valkey.internal", 6380]);
    });

    it("keeps the default user on when the stack connects as it, and refuses a split plan", async () => {
        const all = await record(() => new ValkeyExternalUsers("valkey", { plan: testPlan(), host: "h", port: 6379, adminUser: "default", adminPassword: pulumi.secret("pw") }));
        assert.equal(byType(all, T.acl)[0].inputs.disableDefault, false);
        assert.throws(() => new ValkeyExternalUsers("valkey-split", { plan: testPlan({ split: true }), host: "h", port: 6379, adminUser: "a", adminPassword: "pw" }), /valkey\.split: expected false on an existing server/);
    });
});
