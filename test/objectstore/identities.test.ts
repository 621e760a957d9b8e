/**
 * Tier 2: per-service credentials under the recording mocks. AWS: an IAM user, the service's
 * identity policy inline, an access key whose secret stays secret. RustFS (MinIO-compatible
 * admin API): a user per service with a generated secret, a canned policy, the attachment.
 */
import * as aws from "@pulumi/aws";
import * as minio from "@pulumi/minio";
import * as assert from "assert";
import { servicePolicy } from "../../components/objectstore/access-policy";
import { AwsServiceIdentities } from "../../components/objectstore/aws-identities";
import { planObjectStore } from "../../components/objectstore/plan";
import { RustfsServiceUsers } from "../../components/objectstore/rustfs-users";
import { assertChildNamesPrefixed, byType, findResource, isSecret, resetResources, resources, value } from "../harness";
import { bucketUsers, catalogWithEvidenceLocker, OPTIONS, TYPES } from "./support";

const catalog = catalogWithEvidenceLocker();

describe("objectstore identities", () => {
    it("aws: one IAM user per bucket user, its identity policy inline, its secret key secret", async () => {
        resetResources();
        const plan = planObjectStore({ ...OPTIONS.perPurpose, bucketPrefix: "acme" }, catalog);
        const provider = new aws.Provider("aws", { region: "cn-north-1" });
        const ids = new AwsServiceIdentities("objectstore-iam", { services: plan.services, namePrefix: "acme", partition: "aws-cn" }, { providers: [provider] });
        const all = await resources();
        assert.deepStrictEqual(byType(all, TYPES.iamUser).map((u) => u.inputs.name), bucketUsers(catalog).map((s) => `acme-objectstore-${s}`));
        for (const access of plan.services) {
            const user = findResource(all, TYPES.iamUser, `objectstore-iam-${access.service}-user`);
            assert.deepStrictEqual([user.inputs.path, user.provider], ["/stellaops/", "aws"]);
            const policy = findResource(all, TYPES.iamPolicy, `objectstore-iam-${access.service}-policy`);
            assert.deepStrictEqual(JSON.parse(policy.inputs.policy as string), servicePolicy(access, "aws-cn"), access.service);
            findResource(all, TYPES.iamKey, `objectstore-iam-${access.service}-key`);
            const c = ids.credentials[access.service]!;
            assert.ok(await isSecret(c.secretAccessKey));
            assert.strictEqual(await value(c.secretAccessKey), `mock-secret-objectstore-iam-${access.service}-key`);
        }
        assert.deepStrictEqual(Object.keys(ids.credentials), bucketUsers(catalog));
        assertChildNamesPrefixed(all);
    });

    for (const layout of ["shared", "perPurpose"] as const) {
        it(`rustfs (${layout}): a user per bucket user named after it, a secret, its policy attached`, async () => {
            resetResources();
            const plan = planObjectStore(OPTIONS[layout], catalog);
            const admin = new minio.Provider("objectstore-admin", { minioServer: "127.0.0.1:9000", minioUser: "root", minioPassword: "root-secret" });
            const users = new RustfsServiceUsers("objectstore-users", { services: plan.services, policyPrefix: "stellaops" }, { providers: [admin] });
            const all = await resources();
            assert.deepStrictEqual(byType(all, TYPES.minioUser).map((u) => u.inputs.name), bucketUsers(catalog));
            for (const u of byType(all, TYPES.minioUser)) assert.deepStrictEqual([...u.secretPaths], ["secret"]);
            for (const access of plan.services) {
                const policy = findResource(all, TYPES.minioPolicy, `objectstore-users-${access.service}-policy`);
                assert.strictEqual(policy.inputs.name, `stellaops-${access.service}`);
                assert.deepStrictEqual(JSON.parse(policy.inputs.policy as string), servicePolicy(access), access.service);
                const attach = findResource(all, TYPES.minioAttach, `objectstore-users-${access.service}-attach`);
                assert.deepStrictEqual([attach.inputs.userName, attach.inputs.policyName], [access.service, policy.inputs.name]);
                assert.strictEqual(await value(users.credentials[access.service]!.accessKeyId), access.service);
                assert.ok(await isSecret(users.credentials[access.service]!.secretAccessKey));
            }
            for (const r of all.filter((x) => x.custom && x.type.startsWith("minio:"))) assert.strictEqual(r.provider, "objectstore-admin", r.name);
            assertChildNamesPrefixed(all);
        });
    }

    it("rustfs: refuses a service name that cannot be an access key (3 to 20 characters)", () => {
        const [access] = planObjectStore(OPTIONS.perPurpose, catalog).services;
        assert.throws(() => new RustfsServiceUsers("objectstore-users-bad", { services: [{ ...access, service: "averyveryverylongservicename" }], policyPrefix: "stellaops" }), /expected 3 to 20 characters/);
    });
});
