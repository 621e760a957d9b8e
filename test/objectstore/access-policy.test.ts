/**
 * Tier 1: the identity policy each service gets, from the plan: exactly its buckets and key
 * prefixes, listing limited to its prefix, the lock check only where it uses a locked purpose,
 * and never anything that erases history or weakens retention. Plus the S3 bucket-name rules.
 */
import * as assert from "assert";
import { FORBIDDEN_ACTIONS, LIST_ACTIONS, LOCK_CHECK_ACTIONS, READ_ACTIONS, servicePolicy, WRITE_ACTIONS } from "../../components/objectstore/access-policy";
import { bucketNameProblem } from "../../components/objectstore/bucket-name";
import { planObjectStore } from "../../components/objectstore/plan";
import { catalogWithEvidenceLocker, OPTIONS } from "./support";

const catalog = catalogWithEvidenceLocker();

describe("objectstore access policies", () => {
    for (const layout of ["shared", "perPurpose"] as const) {
        it(`${layout}: each service reaches exactly its buckets and prefixes with the actions of its access`, () => {
            const plan = planObjectStore(OPTIONS[layout], catalog);
            for (const access of plan.services) {
                const doc = servicePolicy(access);
                const uses = catalog.services.find((s) => s.name === access.service)!.buckets;
                assert.strictEqual(access.grants.length, uses.length);
                for (const g of access.grants) {
                    const objects = doc.Statement.filter((s) => s.Resource.includes(`arn:aws:s3:::${g.bucket}/${g.prefix}*`));
                    assert.deepStrictEqual(objects.map((s) => [...s.Action]), [g.access === "readwrite" ? [...WRITE_ACTIONS] : [...READ_ACTIONS]], `${access.service} ${g.purpose}`);
                    const list = doc.Statement.find((s) => s.Sid === `${g.purpose}List`)!;
                    assert.deepStrictEqual([list.Action, list.Resource], [LIST_ACTIONS, [`arn:aws:s3:::${g.bucket}`]]);
                    assert.deepStrictEqual(list.Condition, g.prefix ? { StringLike: { "s3:prefix": [`${g.prefix}*`] } } : undefined, `${access.service} lists only ${g.prefix || "its bucket"}`);
                }
                const objectArns = doc.Statement.flatMap((s) => s.Resource).filter((r) => r.includes("/"));
                assert.deepStrictEqual(objectArns.sort(), access.grants.map((g) => `arn:aws:s3:::${g.bucket}/${g.prefix}*`).sort(), `${access.service}: nothing beyond its grants`);
                const sids = doc.Statement.map((s) => s.Sid);
                assert.strictEqual(new Set(sids).size, sids.length, "statement ids are unique");
            }
        });

        it(`${layout}: the lock check goes to locked-purpose users on their bucket only`, () => {
            const plan = planObjectStore(OPTIONS[layout], catalog);
            let checked = 0;
            for (const access of plan.services) {
                const lock = servicePolicy(access).Statement.filter((s) => s.Action.some((a) => (LOCK_CHECK_ACTIONS as readonly string[]).includes(a)));
                const expected = access.grants.filter((g) => g.lockCheck).map((g) => [`arn:aws:s3:::${g.bucket}`]);
                assert.deepStrictEqual(lock.map((s) => s.Resource), expected, access.service);
                checked += expected.length;
            }
            assert.ok(checked > 0, "some service uses the evidence purpose");
        });
    }

    it("never grants erasing history, weakening retention or changing bucket settings", () => {
        for (const layout of ["shared", "perPurpose"] as const) {
            for (const access of planObjectStore(OPTIONS[layout], catalog).services) {
                const actions = servicePolicy(access).Statement.flatMap((s) => s.Action);
                for (const forbidden of FORBIDDEN_ACTIONS) assert.ok(!actions.includes(forbidden), `${access.service} may not ${forbidden}`);
                assert.ok(actions.every((a) => !a.includes("*")), `${access.service}: no wildcard action`);
            }
        }
    });

    it("uses the given ARN partition", () => {
        const [access] = planObjectStore(OPTIONS.perPurpose, catalog).services;
        assert.ok(servicePolicy(access, "aws-cn").Statement.every((s) => s.Resource.every((r) => r.startsWith("arn:aws-cn:s3:::"))));
    });

    describe("S3 bucket name rules", () => {
        const table: [string, boolean][] = [
            ["abc", true],
            ["scanner-artifacts", true],
            ["my.bucket.name", true],
            ["a".repeat(63), true],
            ["ab", false],
            ["a".repeat(64), false],
            ["-abc", false],
            ["abc-", false],
            ["a..b", false],
            ["ABC", false],
            ["a_b", false],
            ["192.168.5.4", false],
            ["xn--abc", false],
            ["sthree-x", false],
            ["amzn-s3-demo-x", false],
            ["abc-s3alias", false],
            ["abc--ol-s3", false],
            ["abc.mrap", false],
            ["abc--x-s3", false],
            ["abc--table-s3", false],
        ];
        for (const [name, valid] of table) {
            it(`${JSON.stringify(name)} is ${valid ? "valid" : "invalid"}`, () => {
                const problem = bucketNameProblem(name);
                assert.strictEqual(problem === undefined, valid, problem);
                if (problem) assert.match(problem, /^expected /);
            });
        }
    });
});
