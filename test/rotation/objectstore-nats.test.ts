/**
 * Rotation under mocks, S3 identities and NATS: AWS keys and RustFS users in two slots (a second
 * key or user appears with the first rotation, later rotations replace the older slot's key or
 * secret only), outputs on the current slot, no IAM or RustFS user replaced; NATS passwords
 * replaced alone.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as minio from "@pulumi/minio";
import { CATALOG } from "../../components/catalog";
import { NatsExternalAccounts } from "../../components/nats/external";
import { planNats } from "../../components/nats/plan";
import { AwsServiceIdentities } from "../../components/objectstore/aws-identities";
import { planObjectStore } from "../../components/objectstore/plan";
import { RustfsServiceUsers } from "../../components/objectstore/rustfs-users";
import { NO_ROTATION, planRotation, RotationOptions, RotationPlan } from "../../components/rotation";
import { isSecret, value } from "../harness";
import { OPTIONS } from "../objectstore/support";
import { lines, named, record, Recording, rotationChanges } from "./support";

const rot = (o: RotationOptions) => planRotation(o, CATALOG);
const S3 = planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "acme" }, CATALOG);
const scanner = (n: number) => rot({ services: { scanner: n } });

function iam(rotation: RotationPlan): AwsServiceIdentities {
    const provider = new aws.Provider("aws", { region: "eu-west-1" });
    return new AwsServiceIdentities("objectstore-iam", { services: S3.services, namePrefix: "acme", rotation }, { providers: [provider] });
}

function rustfs(rotation: RotationPlan): RustfsServiceUsers {
    const provider = new minio.Provider("objectstore-admin", { minioServer: "rustfs:9000", minioUser: "root", minioPassword: "pw" });
    return new RustfsServiceUsers("objectstore-users", { services: S3.services, policyPrefix: "acme", rotation }, { providers: [provider] });
}

/** Which resource the secret in an output comes from (mock secrets are named after their resource). */
const source = async (secret: unknown) => String(await value(secret)).replace(/^mock-secret-/, "");

describe("rotation under mocks: AWS IAM keys (two slots per user)", () => {
    const gens: Recording[] = [];
    const ids: AwsServiceIdentities[] = [];
    before(async () => {
        for (const n of [0, 1, 2, 3]) gens.push(await record(() => ids.push(iam(scanner(n)))));
    });

    it("generation 0 is the key a stack had before rotation existed; its trigger cannot replace it (absent before)", () => {
        const key = named(gens[0], "objectstore-iam-scanner-key");
        assert.deepStrictEqual([gens[0].triggers.get(key.name), key.deleteBeforeReplace], ["0", true]);
        assert.ok(!gens[0].resources.some((r) => r.name.endsWith("-key-b")));
    });

    it("the first rotation creates the second key and the outputs switch to it; the first key stays", async () => {
        assert.deepStrictEqual(lines(rotationChanges(gens[0], gens[1])), ["objectstore-iam-scanner-key-b: added"]);
        assert.strictEqual(await source(ids[1].credentials.scanner!.secretAccessKey), "objectstore-iam-scanner-key-b");
        assert.strictEqual(await source(ids[1].previousCredentials.scanner!.secretAccessKey), "objectstore-iam-scanner-key");
        assert.ok(await isSecret(ids[1].credentials.scanner!.secretAccessKey));
    });

    it("each later rotation replaces the older key, old one first (IAM holds two), and nothing else", async () => {
        assert.deepStrictEqual(lines(rotationChanges(gens[1], gens[2])), ["objectstore-iam-scanner-key: trigger"]);
        assert.deepStrictEqual(lines(rotationChanges(gens[2], gens[3])), ["objectstore-iam-scanner-key-b: trigger"]);
        assert.ok(named(gens[3], "objectstore-iam-scanner-key-b").deleteBeforeReplace);
        assert.strictEqual(await source(ids[2].credentials.scanner!.secretAccessKey), "objectstore-iam-scanner-key");
        assert.strictEqual(await source(ids[3].credentials.scanner!.secretAccessKey), "objectstore-iam-scanner-key-b");
    });

    it("never touches the IAM user or its policy; the epoch rotates every service's key", async () => {
        const epoch = await record(() => iam(rot({ epoch: 1 })));
        assert.deepStrictEqual(lines(rotationChanges(gens[0], epoch)), S3.services.map((s) => `objectstore-iam-${s.service}-key-b: added`).sort());
        for (const s of S3.services) assert.deepStrictEqual(named(epoch, `objectstore-iam-${s.service}-user`).rawInputs, named(gens[0], `objectstore-iam-${s.service}-user`).rawInputs);
    });
});

describe("rotation under mocks: RustFS users (one secret per user, two users per service)", () => {
    const gens: Recording[] = [];
    const users: RustfsServiceUsers[] = [];
    before(async () => {
        for (const n of [0, 1, 2]) gens.push(await record(() => users.push(rustfs(scanner(n)))));
    });

    it("the first rotation adds a second user with the service's policy; the outputs switch to it", async () => {
        assert.deepStrictEqual(lines(rotationChanges(gens[0], gens[1])), ["objectstore-users-scanner-attach-b: added", "objectstore-users-scanner-secret-b: added", "objectstore-users-scanner-user-b: added"]);
        assert.deepStrictEqual(named(gens[1], "objectstore-users-scanner-user-b").inputs.name, "scanner-b");
        assert.deepStrictEqual(await value(users[1].credentials.scanner!.accessKeyId), "scanner-b");
        assert.strictEqual(await source(users[1].credentials.scanner!.secretAccessKey), "objectstore-users-scanner-secret-b");
        assert.deepStrictEqual(await value(users[1].previousCredentials.scanner!.accessKeyId), "scanner");
    });

    it("the next one gives the first user a new secret in place: the user is updated, not replaced", async () => {
        assert.deepStrictEqual(lines(rotationChanges(gens[1], gens[2])), ["objectstore-users-scanner-secret: keepers", "objectstore-users-scanner-user: carries"]);
        assert.deepStrictEqual(named(gens[2], "objectstore-users-scanner-user").inputs, named(gens[1], "objectstore-users-scanner-user").inputs, "same name: only the secret changes");
        assert.deepStrictEqual(await value(users[2].credentials.scanner!.accessKeyId), "scanner");
    });

    it("refuses a service whose second user would not fit in 20 characters, naming it", () => {
        const long = planObjectStore(OPTIONS.perPurpose, { ...CATALOG, services: CATALOG.services.map((s) => (s.name === "scanner" ? { ...s, name: "scannerscannerscann" as never } : s)) });
        const provider = new minio.Provider("p", { minioServer: "rustfs:9000", minioUser: "root", minioPassword: "pw" });
        assert.doesNotThrow(() => new RustfsServiceUsers("u0", { services: long.services, policyPrefix: "acme" }, { providers: [provider] }));
        const rotated = planRotation({ epoch: 1 }, CATALOG);
        assert.throws(() => new RustfsServiceUsers("u1", { services: long.services, policyPrefix: "acme", rotation: rotated }, { providers: [provider] }), /"scannerscannerscann-b" after a rotation/);
    });
});

describe("rotation under mocks: NATS accounts", () => {
    const plan = planNats({ maxMemoryStoreMb: 256, maxFileStoreMb: 4096 }, CATALOG);

    it("replaces only the rotated user's password (its bcrypt hash with it); the epoch adds the system user", async () => {
        const build = (r: RotationPlan) => () => new NatsExternalAccounts("nats", { plan, rotation: r });
        const [g0, g1, e1] = [await record(build(NO_ROTATION)), await record(build(scanner(1))), await record(build(rot({ epoch: 1 })))];
        assert.deepStrictEqual(lines(rotationChanges(g0, g1)), ["nats-credentials-scanner: keepers"]);
        const users = [plan.system.user, ...plan.accounts.map((a) => a.user)];
        assert.deepStrictEqual(lines(rotationChanges(g0, e1)), users.map((u) => `nats-credentials-${u}: keepers`).sort());
    });
});
