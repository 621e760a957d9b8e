/**
 * The deployed RDS major version lookup: a missing instance is a first deploy (through the real
 * aws.rds.getInstance invoke, answered by the offline mocks), a running 17.x reads as "17", and
 * any other failure stops the run instead of guessing.
 */
import * as assert from "assert";
import { GetRdsInstance, deployedRdsMajorVersion, isInstanceNotFound, postgresMajor } from "../../../stacks/lookups/rds-version";

const running = (engineVersion: string): GetRdsInstance => async (args) => {
    assert.strictEqual(args.dbInstanceIdentifier, "stellaops-prod-postgres");
    return { engineVersion };
};

describe("deployed RDS major version lookup", () => {
    it("is undefined when no instance has the identifier yet (the mocked invoke says DBInstanceNotFound)", async () => {
        assert.strictEqual(await deployedRdsMajorVersion({ identifier: "stellaops-prod-postgres" }), undefined);
    });

    it("reads the major of the running engine version", async () => {
        assert.strictEqual(await deployedRdsMajorVersion({ identifier: "stellaops-prod-postgres", getInstance: running("17.4") }), "17");
        assert.deepStrictEqual(["18.1", "17", "9.6.22"].map(postgresMajor), ["18", "17", "9.6"]);
    });

    it("passes the stack's invoke options through (its AWS provider)", async () => {
        const seen: unknown[] = [];
        const opts = { async: true };
        await deployedRdsMajorVersion({ identifier: "x", opts, getInstance: async (_a, o) => (seen.push(o), { engineVersion: "17.2" }) });
        assert.deepStrictEqual(seen, [opts]);
    });

    it("rethrows anything but not-found (credentials, throttling)", async () => {
        const denied: GetRdsInstance = async () => {
            throw new Error("AccessDenied: not authorized to perform rds:DescribeDBInstances");
        };
        await assert.rejects(deployedRdsMajorVersion({ identifier: "x", getInstance: denied }), /AccessDenied/);
        assert.ok(isInstanceNotFound(new Error("reading RDS DB Instance: no matching RDS DB Instance found")));
        assert.ok(!isInstanceNotFound(new Error("RequestLimitExceeded")));
    });
});
