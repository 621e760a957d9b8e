/**
 * S3 key rotation on a real server (versitygw + its IAM service, which like AWS holds at most two
 * access keys per user): what AwsServiceIdentities registers at each generation (under mocks) is
 * replayed as the engine would run it against the IAM API: a new key resource is created, a
 * changed trigger replaces its key (deleteBeforeReplace: old key deleted first). The old key
 * keeps working until that replacement removes it; the outputs always name the newest key.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { CATALOG } from "../../components/catalog";
import { servicePolicy } from "../../components/objectstore/access-policy";
import { AwsServiceIdentities } from "../../components/objectstore/aws-identities";
import { planObjectStore } from "../../components/objectstore/plan";
import { renderObjectStoreFiles } from "../../components/objectstore/render";
import { planRotation } from "../../components/rotation";
import { value } from "../harness";
import { Credentials, iamCall, IamApiError, xmlField } from "../objectstore/iam-api";
import { applyBucketsFile, Gateway, outcome, startGateway, VERSITYGW_CANDIDATES } from "../objectstore/s3-support";
import { OPTIONS } from "../objectstore/support";
import { requireBinary } from "../support/servers";
import { record } from "./support";

const plan = planObjectStore(OPTIONS.perPurpose, CATALOG);
const grant = plan.services.find((s) => s.service === "scanner")!.grants.find((g) => g.access === "readwrite")!;
const USER = "stellaops-objectstore-scanner";

interface Live {
    readonly trigger: unknown;
    readonly creds: Credentials;
}

describe("S3 key rotation on versitygw + IAM (two keys per user, as on AWS)", function () {
    this.timeout(120000);
    let gw: Gateway | undefined;
    const live = new Map<string, Live>();
    /** Resource name of the key each generation's outputs name. */
    const current: string[] = [];
    const iam = (params: Record<string, string>) => iamCall(gw!.iamUrl, gw!.root, params);
    const put = (c: Credentials) => outcome(gw!.client(c).send(new PutObjectCommand({ Bucket: grant.bucket, Key: `${grant.prefix}rotation-probe`, Body: "x" })));

    /** Registers generation `n` under mocks and applies what changed, as the engine does. */
    async function rollTo(n: number): Promise<void> {
        let ids!: AwsServiceIdentities;
        const rec = await record(() => {
            const provider = new aws.Provider("aws", { region: "us-east-1" });
            ids = new AwsServiceIdentities("objectstore-iam", { services: plan.services, namePrefix: "stellaops", rotation: planRotation({ services: { scanner: n } }, CATALOG) }, { providers: [provider] });
        });
        const keys = rec.resources.filter((r) => r.type === "aws:iam/accessKey:AccessKey" && r.name.startsWith("objectstore-iam-scanner-"));
        const create = async () => {
            const xml = await iam({ Action: "CreateAccessKey", UserName: USER });
            return { accessKeyId: xmlField(xml, "AccessKeyId"), secretAccessKey: xmlField(xml, "SecretAccessKey") };
        };
        for (const k of keys) {
            const trigger = rec.triggers.get(k.name);
            const was = live.get(k.name);
            if (was && JSON.stringify(was.trigger) === JSON.stringify(trigger)) continue;
            if (was) {
                assert.ok(k.deleteBeforeReplace, `${k.name} is replaced old key first`);
                await iam({ Action: "DeleteAccessKey", UserName: USER, AccessKeyId: was.creds.accessKeyId });
            }
            live.set(k.name, { trigger, creds: await create() });
        }
        for (const name of [...live.keys()]) if (!keys.some((k) => k.name === name)) live.delete(name);
        current.push(String(await value(ids.credentials.scanner!.secretAccessKey)).replace(/^mock-secret-/, ""));
    }
    const creds = (name: string) => live.get(name)!.creds;

    before(async function () {
        gw = await startGateway(requireBinary(this, "versitygw", VERSITYGW_CANDIDATES));
        await applyBucketsFile(gw.client(), JSON.parse(renderObjectStoreFiles(plan)["objectstore/buckets.json"]));
        await iam({ Action: "CreateUser", UserName: USER, Path: "/stellaops/" });
        await iam({ Action: "PutUserPolicy", UserName: USER, PolicyName: "objectstore", PolicyDocument: JSON.stringify(servicePolicy(plan.services.find((s) => s.service === "scanner")!)) });
        await rollTo(0);
    });
    after(async () => gw?.stop());

    it("generation 0: one key, the one the outputs carry", async () => {
        assert.deepStrictEqual([...live.keys()], ["objectstore-iam-scanner-key"]);
        assert.strictEqual(current[0], "objectstore-iam-scanner-key");
        assert.strictEqual(await put(creds(current[0])), "OK");
    });

    it("first rotation: a second key; both work, the outputs switch to the new one", async () => {
        const old = creds("objectstore-iam-scanner-key");
        await rollTo(1);
        assert.deepStrictEqual([current[1], live.size], ["objectstore-iam-scanner-key-b", 2]);
        assert.strictEqual(await put(creds(current[1])), "OK");
        assert.strictEqual(await put(old), "OK", "the old key works until it is removed");
    });

    it("the user now holds two keys: a third is refused, which is why the replacement deletes first", async () => {
        const third = await iam({ Action: "CreateAccessKey", UserName: USER }).then(() => "created", (e: unknown) => (e instanceof IamApiError ? `${e.status} ${/<Code>([^<]+)/.exec(e.body)?.[1]}` : String(e)));
        assert.strictEqual(third, "409 LimitExceeded");
    });

    it("second rotation: the oldest key is deleted and replaced; the previous one keeps working, the removed one is refused", async () => {
        const [oldest, previous] = [creds("objectstore-iam-scanner-key"), creds("objectstore-iam-scanner-key-b")];
        await rollTo(2);
        assert.strictEqual(current[2], "objectstore-iam-scanner-key");
        assert.notStrictEqual(creds(current[2]).accessKeyId, oldest.accessKeyId);
        assert.strictEqual(await put(creds(current[2])), "OK");
        assert.strictEqual(await put(previous), "OK");
        assert.strictEqual(await put(oldest), "InvalidAccessKeyId");
    });
});
