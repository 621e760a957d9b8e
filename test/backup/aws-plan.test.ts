/**
 * aws: RDS and ElastiCache back themselves up; the aws stack's plan shows it. Automated backups
 * with the configured retention, kept after the instance is deleted, a final snapshot, deletion
 * protection, tags copied to snapshots; ElastiCache daily snapshots kept and a final snapshot.
 */
import * as assert from "assert";
import { byType, evaluateStack } from "../harness";

describe("aws stack: what RDS and ElastiCache already do for backups", function () {
    this.timeout(120000);

    it("RDS keeps automated backups (retention, kept on delete), takes a final snapshot, is deletion-protected and protected in Pulumi", async () => {
        const ev = await evaluateStack("aws");
        const [db] = byType(ev.resources, "aws:rds/instance:Instance");
        const i = db.inputs;
        assert.ok(Number(i.backupRetentionPeriod) >= 7, `backupRetentionPeriod ${i.backupRetentionPeriod}`);
        assert.deepStrictEqual(
            [i.deleteAutomatedBackups, i.skipFinalSnapshot, i.deletionProtection, i.copyTagsToSnapshot, i.storageEncrypted],
            [false, false, true, true, true],
        );
        assert.match(String(i.finalSnapshotIdentifier), /-final$/);
        assert.ok(db.protect && db.retainOnDelete);
    });

    it("ElastiCache keeps daily snapshots for 7 days and takes a final snapshot of every persistent replication group", async () => {
        const ev = await evaluateStack("aws");
        const groups = byType(ev.resources, "aws:elasticache/replicationGroup:ReplicationGroup");
        assert.ok(groups.length >= 1);
        for (const g of groups) {
            assert.strictEqual(g.inputs.snapshotRetentionLimit, 7, g.name);
            assert.match(String(g.inputs.finalSnapshotIdentifier), /-final$/, g.name);
            assert.ok(g.protect && g.retainOnDelete, g.name);
        }
    });
});
