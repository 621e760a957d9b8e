/**
 * The stateful type table (policy/stateful.ts) against what the four stacks really do: every
 * protected resource is of a type in the table (or listed here with the reason it is protected
 * anyway), every stateful resource of a table type is protected and retained (roles: the login
 * roles), and every table type is created by some stack, so the table neither misses nor
 * invents a type. The policy pack and the plan diff read the same table.
 */
import * as assert from "assert";
import { STATEFUL, STATEFUL_TYPES, StatefulType, isStateful, isStatefulResource, keep } from "../../components/stateful";
import { evaluateRules, statefulProtected } from "../../policy/rules";
import { STACKS } from "../../tools/snapshots";
import { evaluateStack, RecordedResource } from "../harness";
import { subject } from "./support";

/** Types protected although they hold no data, each with its reason. None today. */
const PROTECTED_NOT_STATEFUL: Readonly<Record<string, string>> = {};

describe("stateful type table against the four stacks", function () {
    this.timeout(300000);
    const byStack = new Map<string, readonly RecordedResource[]>();

    before(async () => {
        for (const stack of STACKS) byStack.set(stack, (await evaluateStack(stack)).resources);
    });

    for (const stack of STACKS) {
        it(`${stack}: protects exactly the resources of stateful types, and retains them`, () => {
            const resources = byStack.get(stack)!;
            const strays = resources.filter((r) => r.protect && !isStateful(r.type) && !PROTECTED_NOT_STATEFUL[r.type]).map((r) => `${r.type} ${r.name}`);
            assert.deepStrictEqual(strays, [], "protected but not in policy/stateful.ts: add the type there, or say here why it is protected");
            const loose = resources.filter((r) => isStatefulResource(r.type, r.inputs) && !(r.protect && r.retainOnDelete)).map((r) => `${r.type} ${r.name}`);
            assert.deepStrictEqual(loose, [], "a stateful resource without protect and retainOnDelete");
        });
    }

    it("lists only types some stack creates (no MinIO bucket, PVC or cluster nothing makes)", () => {
        const created = new Set([...byStack.values()].flatMap((rs) => rs.map((r) => r.type)));
        assert.deepStrictEqual([...STATEFUL_TYPES].filter((t) => !created.has(t)), []);
    });

    it("includes the login roles and the bucket versioning and object lock settings", () => {
        for (const t of ["postgresql:index/role:Role", "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"]) assert.ok(isStateful(t), t);
        assert.ok(!isStateful("minio:index/s3Bucket:S3Bucket"));
        const roles = [...byStack.values()].flat().filter((r) => r.type === "postgresql:index/role:Role");
        assert.ok(roles.some((r) => r.inputs.login === true && r.protect), "a protected login role");
        assert.ok(roles.some((r) => r.inputs.login === false), "group roles exist, so the login distinction is exercised");
    });
});

describe("stateful type table as used by components and the policy pack", () => {
    it("gives components protect and retainOnDelete for a listed type, and refuses any other", () => {
        assert.deepStrictEqual(keep("aws:rds/instance:Instance"), { protect: true, retainOnDelete: true });
        assert.throws(() => keep("docker:index/network:Network" as StatefulType), /not in components\/stateful\.ts/);
    });

    it("says what each type holds", () => {
        for (const [type, entry] of Object.entries(STATEFUL)) assert.ok(entry.holds.length > 10, type);
    });

    it("makes the pack fail an unprotected login role, bucket versioning and object lock, not a group role", () => {
        assert.deepStrictEqual(statefulProtected.types, [...STATEFUL_TYPES]);
        const ROLE = "postgresql:index/role:Role";
        const subjects = [
            subject(ROLE, { login: true }, { name: "login" }),
            subject(ROLE, { login: "[unknown]" }, { name: "unknown" }),
            subject(ROLE, { login: false }, { name: "group" }),
            subject("aws:s3/bucketVersioning:BucketVersioning", {}),
            subject("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", {}),
        ];
        assert.deepStrictEqual(evaluateRules(subjects).map((v) => v.resource), [`${ROLE} login`, `${ROLE} unknown`, "aws:s3/bucketVersioning:BucketVersioning r", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration r"]);
        assert.deepStrictEqual(evaluateRules(subjects.map((s) => ({ ...s, opts: { protect: true } }))), []);
    });
});
