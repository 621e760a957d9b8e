/**
 * deployValkey under mocks on aws (ElastiCache) and external (ACL users through the dynamic
 * provider): resource graph, encryption, protection, the disabled `default` user, per-service
 * users and secrets, and profile limits refused before anything is registered.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import { CATALOG } from "../../components/catalog";
import { ELASTICACHE_RESTRICTED } from "../../components/valkey/aws";
import { planValkey } from "../../components/valkey/plan";
import { ConfigError } from "../../stacks/config";
import * as pulumi from "@pulumi/pulumi";
import { assertChildNamesPrefixed, byType, isSecret, value } from "../harness";
import { T, awsPlatform, config, mockPassword, run, runFailing } from "./platforms";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const adminSecret = () => ({ valkeyAdminPassword: pulumi.secret("admin-pw-from-config") });

describe("valkey layer: aws (ElastiCache)", () => {
    it("creates a protected, encrypted valkey replication group behind a client-only security group", async () => {
        const cfg = config("aws", { replicas: 2, nodeType: "cache.r7g.large" });
        const { layer, all } = await run(cfg, awsPlatform());
        assertChildNamesPrefixed(all);
        const [rg] = byType(all, T.replicationGroup);
        assert.equal(byType(all, T.replicationGroup).length, 1);
        assert.ok(rg.protect && rg.retainOnDelete);
        const i = rg.inputs;
        assert.deepEqual([i.engine, i.transitEncryptionEnabled, i.transitEncryptionMode, i.atRestEncryptionEnabled], ["valkey", true, "required", true]);
        assert.deepEqual([i.nodeType, i.numCacheClusters, i.automaticFailoverEnabled, i.multiAzEnabled], ["cache.r7g.large", 3, true, true]);
        assert.ok((i.snapshotRetentionLimit as number) > 0 && i.finalSnapshotIdentifier, "snapshots stand in for AOF");
        const [params] = byType(all, T.ecParams);
        assert.deepEqual(params.inputs.parameters, [{ name: "maxmemory-policy", value: "volatile-lru" }]);
        const [sg] = byType(all, T.securityGroup);
        assert.deepEqual((sg.inputs.ingress as { fromPort: number; securityGroups: string[] }[]).map((r) => [r.fromPort, r.securityGroups]), [[6379, ["sg-0123456789abcdef0"]]]);
        for (const s of Object.values(layer.services)) assert.match(await value(s!.url), /^rediss:\/\/master\.stellaops-valkey\.mock\.euw1\.cache\.amazonaws\.com:6379$/);
    });

    it("puts a disabled `default` user, the operator and one user per service in the group, with secret passwords", async () => {
        const cfg = config("aws");
        const { layer, all } = await run(cfg, awsPlatform());
        const plan = planValkey(cfg.valkey);
        const users = byType(all, T.ecUser);
        const byName = new Map(users.map((u) => [u.inputs.userName as string, u]));
        assert.deepEqual([...byName.keys()].sort(), ["default", plan.operator, ...plan.services.map((s) => s.user)].sort());
        assert.match(byName.get("default")!.inputs.accessString as string, /^off /);
        const [group] = byType(all, T.ecUserGroup);
        assert.deepEqual([...(group.inputs.userIds as string[])].sort(), users.map((u) => u.inputs.userId as string).sort());
        assert.equal(group.inputs.engine, "valkey");
        for (const u of users) {
            assert.equal(u.inputs.engine, "valkey");
            assert.ok(u.secretPaths.some((p) => p.startsWith("authenticationMode")), `${u.name} password secret`);
            const access = u.inputs.accessString as string;
            assert.ok(!/\breset/.test(access), "ElastiCache rejects reset in access strings");
            for (const cmd of ELASTICACHE_RESTRICTED) assert.ok(!access.split(" ").some((r) => r.replace(/^[+-]/, "") === cmd), `${u.name} names ${cmd}`);
        }
        for (const s of plan.services) {
            const access = byName.get(s.user)!.inputs.accessString as string;
            assert.match(access, /^on /);
            assert.deepEqual(access.split(" ").filter((r) => r.startsWith("~")), Object.values(s.prefixes).map((p) => `~${p}*`), s.service);
            assert.ok(access.includes("-@dangerous") && access.includes("-flushall"), s.service);
            assert.equal(await value(layer.services[s.service]!.password), mockPassword(`valkey-password-${s.service}`));
            assert.ok(await isSecret(layer.services[s.service]!.password));
        }
        assert.equal(byType(all, T.password).filter((p) => p.name.endsWith("-probe")).length, 0, "no probe user on ElastiCache");
    });

    it("split: two replication groups and user groups, physical names within ElastiCache's 40 characters", async () => {
        const prefix = "a".repeat(21); // the longest aws.namePrefix config allows
        const { all } = await run(config("aws", { split: true }), awsPlatform(prefix));
        const rgs = byType(all, T.replicationGroup);
        assert.deepEqual(rgs.map((r) => r.inputs.replicationGroupId), [`${prefix}-valkey-coord`, `${prefix}-valkey-cache`]);
        assert.equal(rgs[1].inputs.snapshotRetentionLimit, 0, "nothing to keep on the cache instance");
        assert.deepEqual(byType(all, T.ecParams).map((p) => (p.inputs.parameters as { value: string }[])[0].value), ["noeviction", "allkeys-lru"]);
        assert.equal(byType(all, T.ecUserGroup).length, 2);
        const kinds = [byType(all, T.ecUser).map((u) => u.inputs.userId as string), byType(all, T.ecUserGroup).map((g) => g.inputs.userGroupId as string), rgs.map((r) => r.inputs.replicationGroupId as string)];
        for (const ids of kinds) {
            for (const id of ids) assert.ok(id.length <= 40 && /^[a-z][a-z0-9-]*$/.test(id), id);
            assert.equal(new Set(ids).size, ids.length, `unique: ${ids.join(", ")}`);
        }
    });
});

describe("valkey layer: external (existing server)", () => {
    it("applies one ACL user per service through the dynamic provider, sending only hashes and secrets", async () => {
        const cfg = config("external", { port: 6380, adminUser: "stellaops-admin" });
        const { layer, all } = await run(cfg, { kind: "external" }, adminSecret());
        assertChildNamesPrefixed(all);
        const plan = planValkey(cfg.valkey);
        const [acl] = byType(all, T.acl);
        assert.equal(byType(all, T.acl).length, 1);
        assert.deepEqual([acl.inputs.host, acl.inputs.port, acl.inputs.adminUser, acl.inputs.disableDefault, acl.inputs.tls], ["valkey.internal", 6380, "stellaops-admin", true, false]);
        assert.ok(acl.secretPaths.includes("adminPassword") && acl.secretPaths.includes("users"));
        assert.equal(acl.rawInputs.adminPassword, "admin-pw-from-config");
        const users = acl.rawInputs.users as { name: string; passwordHash: string; rules: string[] }[];
        assert.deepEqual(users.map((u) => u.name), CATALOG.services.map((s) => plan.services.find((p) => p.service === s.name)!.user));
        for (const u of users) {
            const key = u.name.replace(/^stellaops-/, "");
            assert.equal(u.passwordHash, sha(mockPassword(`valkey-password-${key}`)));
            assert.deepEqual(u.rules, plan.instances[0].users.find((x) => x.name === u.name)!.rules);
        }
        const provider = acl.rawInputs.__provider as string;
        assert.match(provider, /require\("iovalkey"\)/, "the serialized provider loads iovalkey when it runs");
        assert.ok(!provider.includes("admin-pw-from-config") && !provider.includes("mock-secret"), "no secret captured in the provider's code");
        assert.equal(byType(all, T.password).length, plan.services.length, "passwords for services only");
        for (const s of Object.values(layer.services)) assert.equal(await value(s!.url), "redis://valkey.internal:6380");
        assert.equal(layer.operator, undefined);
        assert.deepEqual(layer.endpoint.ready.length, 1);
    });

    it("keeps the default user on when the stack connects as it", async () => {
        const { all } = await run(config("external", { adminUser: "default" }), { kind: "external" }, adminSecret());
        assert.equal(byType(all, T.acl)[0].inputs.disableDefault, false);
    });

    it("refuses split on external at config validation", () => {
        assert.throws(() => config("external", { split: true }), (err: Error) => err instanceof ConfigError && /stellaops:valkey\.split: expected false on profile external/.test(err.message));
    });

    it("refuses a missing admin password before registering anything", async () => {
        for (const [cfg, secrets, message] of [[config("external"), {}, /^stellaops:valkeyAdminPassword: expected a secret/]] as const) {
            const { error, all } = await runFailing(cfg, { kind: "external" }, secrets);
            assert.ok(error instanceof ConfigError && error.problems.length === 1, String(error));
            assert.match(error.problems[0], message);
            assert.deepEqual(all, []);
        }
    });
});
