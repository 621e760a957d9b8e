/**
 * tools/adopt's pure parts on the external stack's own registrations (evaluated under mocks and
 * turned into the steps a `pulumi preview --json` of a fresh stack lists): what is imported with
 * which id, which RandomPasswords take existing passwords, and how they are written as secrets.
 * The engine run of the whole procedure is the e2e's (tools/e2e/adopt.ts).
 */
import * as assert from "assert";
import { compareSync } from "bcryptjs";
import { planAdoption, PreviewStep } from "../../tools/adopt/plan";
import { seedPasswords } from "../../tools/adopt/state";
import { evaluateStack } from "../harness";

async function previewOf(stack: string): Promise<PreviewStep[]> {
    const ev = await evaluateStack(stack);
    const urn = new Map(ev.resources.map((r) => [r.name, r.urn]));
    return ev.resources.map((r) => ({
        op: "create",
        urn: r.urn,
        newState: {
            type: r.type,
            custom: r.custom,
            ...(r.parent && urn.get(r.parent) && { parent: urn.get(r.parent) }),
            ...(r.provider && urn.get(r.provider) && { provider: `${urn.get(r.provider)}::04da6b54-80e4-46f7-96ec-b56ff0331ba9` }),
            inputs: r.rawInputs,
        },
    }));
}

describe("adoption plan (tools/adopt) on the external stack's registrations", () => {
    let steps: PreviewStep[];
    before(async function () {
        this.timeout(60000);
        steps = await previewOf("external");
    });

    it("imports the database, every schema, extension and role with the provider's ids, through the explicit provider", () => {
        const a = planAdoption(steps, {}, "stellaops");
        const pg = a.importFile.resources.filter((r) => r.type.startsWith("postgresql:"));
        const byType = (t: string) => pg.filter((r) => r.type === `postgresql:index/${t}`).map((r) => r.id).sort();
        assert.deepStrictEqual(byType("database:Database"), ["stellaops"]);
        assert.ok(byType("schema:Schema").includes("stellaops.scanner") && byType("schema:Schema").includes("stellaops.extensions"));
        assert.deepStrictEqual(byType("extension:Extension"), ["stellaops.pg_trgm", "stellaops.pgcrypto"]);
        assert.ok(byType("role:Role").includes("stellaops_migrator") && byType("role:Role").includes("stellaops_scanner_owner"));
        assert.ok(pg.every((r) => r.provider === "postgres-provider" && a.importFile.nameTable[r.provider].endsWith("::pulumi:providers:postgresql::postgres-provider")));
        assert.ok(!pg.some((r) => /grant|defaultPrivileges/i.test(r.type)), "grants are not importable: the next up makes them");
        assert.ok(a.providers.some((u) => u.endsWith("::postgres-provider")));
    });

    it("imports every bucket and its configurations by bucket name, and RustFS users and policies by name", () => {
        const a = planAdoption(steps, {}, "stellaops");
        const buckets = a.importFile.resources.filter((r) => r.type === "aws:s3/bucket:Bucket");
        assert.ok(buckets.length >= 3);
        for (const b of buckets) {
            const configs = a.importFile.resources.filter((r) => r.type.startsWith("aws:s3/bucket") && r.type !== "aws:s3/bucket:Bucket" && r.parent === b.parent);
            assert.ok(configs.some((c) => c.type === "aws:s3/bucketVersioning:BucketVersioning"), `${b.id} versioning`);
            assert.ok(configs.every((c) => c.id === b.id), `${b.id}: ${JSON.stringify(configs)}`);
        }
        const users = a.importFile.resources.filter((r) => r.type === "minio:index/iamUser:IamUser").map((r) => r.id);
        assert.ok(users.includes("scanner"));
    });

    it("imports each component as an empty shell, children named under their parents", () => {
        const a = planAdoption(steps, {}, "stellaops");
        const shells = a.importFile.resources.filter((r) => r.component).map((r) => r.name);
        assert.ok(shells.includes("postgres-access") && shells.includes("valkey"));
        for (const r of a.importFile.resources.filter((x) => x.parent)) assert.ok(r.name.startsWith(`${r.parent}-`) && shells.includes(r.parent!), r.name);
    });

    it("maps existing passwords to the RandomPasswords that generate them, and reports keys that match none", () => {
        const a = planAdoption(steps, { postgres: { scanner: "pg-s", migrator: "pg-m", backup: "pg-b" }, valkey: { scanner: "vk-s" }, objectStore: { scanner: "s3-s", "backup-writer": "w", nosuch: "x" } }, "stellaops");
        const byName = new Map([...a.passwords].map(([urn, pw]) => [urn.slice(urn.lastIndexOf("::") + 2), pw]));
        assert.deepStrictEqual(Object.fromEntries(byName), {
            "postgres-access-password-scanner": "pg-s",
            "postgres-access-password-migrator": "pg-m",
            "backup-role-password": "pg-b",
            "backup-storage-writer-secret": "w",
            "valkey-password-scanner": "vk-s",
            "objectstore-users-scanner-secret": "s3-s",
        });
        assert.deepStrictEqual(a.unmatched, ["objectStore.nosuch"]);
        assert.ok(!JSON.stringify(a.importFile).includes("pg-s"), "no password in the import file");
    });

    it("airgap (in-cluster bootstrap Jobs): keeps the passwords the Jobs set, and the Valkey users'", async function () {
        this.timeout(60000);
        const a = planAdoption(await previewOf("airgap"), { postgres: { scanner: "pg-s" }, valkey: { scanner: "vk-s" }, objectStore: { scanner: "s3-s" } }, "stellaops");
        const byName = Object.fromEntries([...a.passwords].map(([urn, pw]) => [urn.slice(urn.lastIndexOf("::") + 2), pw]));
        assert.deepStrictEqual(byName, { "postgres-bootstrap-password-scanner": "pg-s", "valkey-password-scanner": "vk-s", "objectstore-bootstrap-scanner-secret": "s3-s" });
    });

    it("writes the values as secrets the backend encrypts on import, with a matching bcrypt hash", () => {
        const urn = "urn:pulumi:s::p::stellaops:postgres:ServiceSchemas$random:index/randomPassword:RandomPassword::postgres-access-password-scanner";
        const exported = { version: 3, deployment: { resources: [{ urn, type: "random:index/randomPassword:RandomPassword", outputs: { length: 32, result: { ciphertext: "old" } } }] } };
        const seeded = seedPasswords(exported, new Map([[urn, "existing"]]));
        const out = seeded.deployment.resources![0].outputs as Record<string, Record<string, string>>;
        assert.deepStrictEqual(out.result, { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: '"existing"' });
        assert.ok(compareSync("existing", JSON.parse(out.bcryptHash.plaintext)));
        assert.throws(() => seedPasswords(exported, new Map([["urn:missing", "x"]])), /urn:missing is not a RandomPassword/);
    });
});
