/**
 * Rotation under mocks, PostgreSQL and Valkey: exactly which resources a raised generation
 * changes, and why (support.ts): only password resources are replaced; roles, users and servers
 * are updated in place with what carries the new password; nothing is removed; a stack that
 * never rotated registers what it did before rotation existed.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../../components/catalog";
import { planPostgres } from "../../components/postgres/plan";
import { ServiceSchemas } from "../../components/postgres/service-schemas";
import { NO_ROTATION, planRotation, RotationOptions } from "../../components/rotation";
import { ValkeyElastiCache } from "../../components/valkey/aws";
import { ValkeyContainers } from "../../components/valkey/docker";
import { ValkeyExternalUsers } from "../../components/valkey/external";
import { ValkeyStatefulSets } from "../../components/valkey/kubernetes";
import { isSecret, value } from "../harness";
import { testPlan } from "../valkey/support";
import { lines, named, record, Recording, rotationChanges } from "./support";

const rot = (o: RotationOptions) => planRotation(o, CATALOG);
const PG = planPostgres({ database: "stellaops", createDatabase: true, rolePrefix: "stellaops_", extensions: ["pgcrypto"], extensionsSchema: "extensions", connectionLimit: 20, statementTimeoutMs: 30000 });
const schemas = (rotation = NO_ROTATION) => new ServiceSchemas("postgres-access", { plan: PG, host: "db", port: 5432, sslMode: "disable", rotation });

describe("rotation under mocks: PostgreSQL (ServiceSchemas)", () => {
    let base: Recording;
    before(async () => {
        base = await record(() => schemas());
    });

    it("generation 0 registers exactly what a stack without rotation does: no keepers anywhere", async () => {
        const plain = await record(() => new ServiceSchemas("postgres-access", { plan: PG, host: "db", port: 5432, sslMode: "disable" }));
        assert.deepStrictEqual(plain.resources.map((r) => [r.name, r.rawInputs]), base.resources.map((r) => [r.name, r.rawInputs]));
        assert.ok(base.resources.every((r) => r.rawInputs.keepers === undefined));
    });

    it("a service's counter replaces only its RandomPassword; its role takes the password in place", async () => {
        const after = await record(() => schemas(rot({ services: { concelier: 1 } })));
        assert.deepStrictEqual(lines(rotationChanges(base, after)), ["postgres-access-password-concelier: keepers", "postgres-access-role-vuln-service: carries"]);
        const [r0, r1] = [named(base, "postgres-access-role-vuln-service"), named(after, "postgres-access-role-vuln-service")];
        assert.deepStrictEqual(r1.inputs, r0.inputs, "only the secret password differs: name, attributes, settings kept");
        assert.deepStrictEqual([r1.protect, r1.retainOnDelete, r1.secretPaths], [true, true, ["password"]]);
        assert.deepStrictEqual(named(after, "postgres-access-password-concelier").rawInputs.keepers, { generation: "1" });
    });

    it("the epoch replaces every login's password (services and migrator) and nothing else; the migrator keeps its memberships", async () => {
        const after = await record(() => schemas(rot({ epoch: 1 })));
        const logins = PG.roles.filter((r) => r.login);
        const expected = logins.flatMap((r) => [`postgres-access-password-${r.service ?? r.kind}: keepers`, `postgres-access-role-${r.key}: carries`]).sort();
        assert.deepStrictEqual(lines(rotationChanges(base, after)), expected);
        const migrator = named(after, "postgres-access-role-migrator");
        assert.deepStrictEqual(migrator.inputs.roles, PG.services.map((s) => s.role), "listed on the Role: the upstream provider's update re-grants what it revokes");
    });

    it("raising it again replaces the same resources again, and the outputs switch to the new password (secret)", async () => {
        const one = await record(() => schemas(rot({ epoch: 1 })));
        let c!: ServiceSchemas;
        const two = await record(() => (c = schemas(rot({ epoch: 2 }))));
        assert.strictEqual(lines(rotationChanges(one, two)).length, 18);
        assert.ok(await isSecret(c.services.scanner.dsn));
        assert.match(await value<string>(c.services.scanner.dsn), /^postgres:\/\/stellaops_scanner:mock-secret-postgres-access-password-scanner@db:5432\//);
    });
});

const clients = { podLabel: { key: "app.kubernetes.io/part-of", value: "stellaops" }, namespaces: ["stellaops"] };
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], allowedCidrs: [], allowedSecurityGroupIds: ["sg-0123456789abcdef0"] };
const VALKEY: Record<string, (rotation: ReturnType<typeof rot>) => unknown> = {
    dev: (rotation) => {
        const provider = new docker.Provider("docker", {});
        return new ValkeyContainers("valkey", { plan: testPlan(), image: "valkey/valkey:8.1", networkName: "net", bindAddress: "127.0.0.1", hostPort: 16379, namePrefix: "stellaops", rotation }, { providers: [provider] });
    },
    airgap: (rotation) => {
        const provider = new k8s.Provider("k8s", {});
        return new ValkeyStatefulSets("valkey", { plan: testPlan(), namespace: "stellaops-deps", image: `mirror/valkey@sha256:${"a".repeat(64)}`, storageSize: "8Gi", clients, rotation }, { providers: [provider] });
    },
    aws: (rotation) => {
        const provider = new aws.Provider("aws", { region: "eu-west-1" });
        return new ValkeyElastiCache("valkey", { plan: testPlan({ tls: true }), namePrefix: "stellaops", nodeType: "cache.t4g.small", replicas: 1, rotation, ...network }, { providers: [provider] });
    },
    external: (rotation) => new ValkeyExternalUsers("valkey", { plan: testPlan(), host: "valkey.internal", port: 6379, adminUser: "admin", adminPassword: pulumi.secret("pw"), rotation }),
};

/** What carries the aclfile or the user's passwords, per platform (children named by their components). */
const CARRIERS: Record<string, string[]> = {
    dev: ["valkey-main-container: inputs,carries"],
    airgap: ["valkey-main-files-1: inputs,carries", "valkey-main-statefulset: inputs"],
    aws: ["valkey-main-user-scanner: inputs,carries"],
    external: ["valkey-acl: inputs,carries"],
};

describe("rotation under mocks: Valkey, every platform", () => {
    for (const [platform, build] of Object.entries(VALKEY)) {
        it(`${platform}: the first rotation adds the user's second password; the server or user takes both; nothing is replaced`, async () => {
            const [g0, g1] = [await record(() => build(NO_ROTATION)), await record(() => build(rot({ services: { scanner: 1 } })))];
            assert.deepStrictEqual(lines(rotationChanges(g0, g1)), ["valkey-password-scanner-b: added", ...CARRIERS[platform]].sort());
        });

        it(`${platform}: the next one replaces only the password two generations old`, async () => {
            const [g1, g2] = [await record(() => build(rot({ services: { scanner: 1 } }))), await record(() => build(rot({ services: { scanner: 2 } })))];
            assert.deepStrictEqual(lines(rotationChanges(g1, g2)), ["valkey-password-scanner: keepers", ...CARRIERS[platform]].sort());
        });
    }

    it("aws: a rotated ElastiCache user holds the current password first, then the previous one (two at most)", async () => {
        const g1 = await record(() => VALKEY.aws(rot({ services: { scanner: 1 } })));
        const user = named(g1, "valkey-main-user-scanner");
        assert.deepStrictEqual((user.rawInputs.authenticationMode as { passwords: string[] }).passwords, ["mock-secret-valkey-password-scanner-b", "mock-secret-valkey-password-scanner"]);
        assert.deepStrictEqual(user.inputs.authenticationMode, { passwords: ["[secret]", "[secret]"], type: "password" });
    });

    it("airgap: the pod template changes once per rotation (a restart loads the aclfile); never before the first", async () => {
        const env = (r: Recording) => JSON.stringify((named(r, "valkey-main-statefulset").inputs as { spec: { template: { spec: { containers: { env: unknown }[] } } } }).spec.template.spec.containers[0].env);
        const e: string[] = [];
        for (const r of [NO_ROTATION, rot({ epoch: 1 }), rot({ epoch: 2 })]) e.push(env(await record(() => VALKEY.airgap(r))));
        assert.ok(!e[0].includes("STELLAOPS_ACL_REVISION") && e[1].includes("STELLAOPS_ACL_REVISION") && e[1] !== e[2]);
    });
});
