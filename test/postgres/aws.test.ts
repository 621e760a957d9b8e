/**
 * RdsPostgres under mocks: the major-upgrade decision (pure), the flags it puts on the instance
 * (set exactly when the deployed major differs, unset otherwise so existing stacks see no diff),
 * the parameter group family following the version, and protection from the stateful table.
 */
import * as assert from "assert";
import { RdsPostgres, RdsPostgresArgs, rdsUpgrade } from "../../components/postgres/aws";
import { assertChildNamesPrefixed, findResource, resetResources, resources } from "../harness";

const ARGS: RdsPostgresArgs = {
    identifier: "stellaops-test-postgres",
    version: "18",
    instanceClass: "db.t4g.medium",
    storageGb: 20,
    multiAz: false,
    backupRetentionDays: 7,
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    allowedCidrs: [],
    allowedSecurityGroupIds: ["sg-0123456789abcdef0"],
};

async function instance(deployedMajorVersion?: string) {
    resetResources();
    new RdsPostgres("postgres", { ...ARGS, deployedMajorVersion });
    const all = await resources();
    assertChildNamesPrefixed(all);
    return { all, db: findResource(all, "aws:rds/instance:Instance", "postgres-instance") };
}

describe("RdsPostgres major version upgrades", () => {
    it("allows and applies an upgrade exactly when the deployed major differs", () => {
        const cases: [string | undefined, boolean][] = [
            [undefined, false], // first deploy: nothing runs yet
            ["18", false],
            ["17", true],
            ["16", true], // two majors at once: RDS decides whether that path exists
        ];
        for (const [deployed, upgrade] of cases) {
            assert.deepStrictEqual(rdsUpgrade("18", deployed), { allowMajorVersionUpgrade: upgrade, applyImmediately: upgrade }, `deployed ${deployed}`);
        }
    });

    it("refuses a downgrade, naming the versions", () => {
        assert.throws(() => rdsUpgrade("17", "18"), /^Error: version: 17 is older than the deployed major version 18: RDS cannot downgrade/);
    });

    it("sets allowMajorVersionUpgrade and applyImmediately on the instance for 17 → 18", async () => {
        const { db } = await instance("17");
        assert.deepStrictEqual([db.inputs.engineVersion, db.inputs.allowMajorVersionUpgrade, db.inputs.applyImmediately], ["18", true, true]);
    });

    it("leaves allowMajorVersionUpgrade unset and changes wait for the maintenance window otherwise", async () => {
        for (const deployed of [undefined, "18"]) {
            const { db } = await instance(deployed);
            assert.ok(!("allowMajorVersionUpgrade" in db.inputs), `deployed ${deployed}`);
            assert.strictEqual(db.inputs.applyImmediately, false);
        }
    });

    it("attaches a parameter group of the new family, and keeps the instance protected and retained", async () => {
        const { all, db } = await instance("17");
        const params = findResource(all, "aws:rds/parameterGroup:ParameterGroup", "postgres-params");
        assert.deepStrictEqual([params.inputs.family, params.inputs.name, db.inputs.parameterGroupName], ["postgres18", "stellaops-test-postgres-pg18", "stellaops-test-postgres-pg18"]);
        assert.ok(db.protect && db.retainOnDelete);
    });
});
