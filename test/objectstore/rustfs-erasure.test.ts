/**
 * Tier 1: the distributed RustFS layout, checked against RustFS's own rules (set sizes 2 to 16
 * symmetric with the server count, the largest chosen; automatic parity by set size; write
 * quorum one more when parity is half the set), what each layout survives, and the
 * RUSTFS_VOLUMES string with its expansion into erasure sets.
 */
import * as assert from "assert";
import { defaultParity, erasureSetSize, expandVolumes, planErasure, rustfsVolumes, zonesToSurviveZoneLoss } from "../../components/objectstore/rustfs-erasure";
import { PlanError } from "../../components/problems";

const at = { statefulSet: "rustfs", peerDomain: "rustfs-peers.stellaops-deps.svc.cluster.local", port: 9000 };

function problemLines(opts: Parameters<typeof planErasure>[0]): string[] {
    try {
        planErasure(opts);
    } catch (err) {
        assert.ok(err instanceof PlanError && err.section === "objectStore", String(err));
        return err.problems.map((p) => `${p.path.join(".")}: ${p.message}`);
    }
    return [];
}

describe("RustFS erasure layout", () => {
    // [nodes, volumes, parity?] -> set size, sets, parity, read quorum, write quorum, nodes lost (reads, writes)
    const table: [number, number, number | undefined, number, number, number, number, number, number, number][] = [
        [4, 1, undefined, 4, 1, 2, 2, 3, 2, 1],
        [4, 2, undefined, 8, 1, 4, 4, 5, 2, 1],
        [4, 4, undefined, 16, 1, 4, 12, 12, 1, 1],
        [5, 1, undefined, 5, 1, 2, 3, 3, 2, 2],
        [6, 2, undefined, 12, 1, 4, 8, 8, 2, 2],
        [8, 1, undefined, 8, 1, 4, 4, 5, 4, 3],
        [8, 4, undefined, 16, 2, 4, 12, 12, 2, 2],
        [32, 1, undefined, 16, 2, 4, 12, 12, 4, 4],
        [4, 4, 8, 16, 1, 8, 8, 9, 2, 1],
        [6, 1, 2, 6, 1, 2, 4, 4, 2, 2],
    ];
    for (const [nodes, volumesPerNode, parity, setSize, sets, p, rq, wq, nr, nw] of table) {
        it(`${nodes} servers x ${volumesPerNode} volumes${parity === undefined ? "" : `, EC:${parity}`}: ${sets} set(s) of ${setSize}, EC:${p}, survives ${nr} servers for reads and ${nw} for writes`, () => {
            const l = planErasure({ nodes, volumesPerNode, parity });
            assert.deepStrictEqual(
                [l.setSize, l.sets, l.parity, l.readQuorum, l.writeQuorum, l.survives.nodesReading, l.survives.nodesWriting],
                [setSize, sets, p, rq, wq, nr, nw],
            );
            assert.strictEqual(l.drives, nodes * volumesPerNode);
            assert.strictEqual(l.explicitParity, parity !== undefined);
        });
    }

    it("automatic parity follows RustFS's table", () => {
        assert.deepStrictEqual([1, 2, 3, 4, 5, 6, 7, 8, 12, 16].map(defaultParity), [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]);
    });

    it("picks the largest set size that divides the drives and is symmetric with the servers", () => {
        assert.strictEqual(erasureSetSize(4, 12), 12);
        assert.strictEqual(erasureSetSize(6, 18), 6, "9 and 18 are not symmetric with 6 servers");
        assert.strictEqual(erasureSetSize(17, 17), undefined, "17 drives fit no set of 2 to 16");
        assert.strictEqual(erasureSetSize(7, 14), 14);
    });

    describe("refuses what RustFS would refuse or what would stop writes with one server down", () => {
        const cases: [string, Parameters<typeof planErasure>[0], RegExp][] = [
            ["fewer than 4 servers", { nodes: 3, volumesPerNode: 4 }, /^nodes: expected an integer >= 4/],
            ["a fractional server count", { nodes: 4.5, volumesPerNode: 1 }, /^nodes: expected an integer >= 4/],
            ["no volume", { nodes: 4, volumesPerNode: 0 }, /^volumesPerNode: expected an integer >= 1/],
            ["drives that fit no symmetric set", { nodes: 17, volumesPerNode: 1 }, /^volumesPerNode: expected nodes x volumesPerNode \(17 x 1 = 17\) to split into erasure sets of 2 to 16 drives/],
            ["parity above half the set", { nodes: 4, volumesPerNode: 1, parity: 3 }, /^parity: expected an integer from 0 to 2 \(half the erasure set of 4 drives\)/],
            ["parity too low for a server's drives", { nodes: 4, volumesPerNode: 4, parity: 2 }, /^parity: expected a layout that keeps writing with one server down: sets of 16 drives with EC:2 hold 4 drives per server/],
            ["no parity at all", { nodes: 4, volumesPerNode: 1, parity: 0 }, /^parity: expected a layout that keeps writing with one server down/],
        ];
        for (const [what, opts, message] of cases) {
            it(what, () => {
                const lines = problemLines(opts);
                assert.ok(lines.some((l) => message.test(l)), `no problem matching ${message} in:\n${lines.join("\n")}`);
            });
        }
    });

    it("renders RUSTFS_VOLUMES in RustFS's ellipsis form; one volume per server has no range", () => {
        assert.strictEqual(rustfsVolumes(planErasure({ nodes: 4, volumesPerNode: 4 }), at), "http://rustfs-{0...3}.rustfs-peers.stellaops-deps.svc.cluster.local:9000/data/rustfs{0...3}");
        assert.strictEqual(rustfsVolumes(planErasure({ nodes: 5, volumesPerNode: 1 }), at), "http://rustfs-{0...4}.rustfs-peers.stellaops-deps.svc.cluster.local:9000/data");
        assert.deepStrictEqual(planErasure({ nodes: 4, volumesPerNode: 2 }).mountPaths, ["/data/rustfs0", "/data/rustfs1"]);
    });

    it("each erasure set holds the same number of drives from every server it spans (RustFS's volume-major expansion)", () => {
        for (const [nodes, volumesPerNode] of [[4, 4], [6, 2], [32, 1], [8, 1]]) {
            const l = planErasure({ nodes, volumesPerNode });
            const drives = expandVolumes(l, at);
            assert.strictEqual(new Set(drives).size, l.drives, "no duplicate endpoint");
            for (let s = 0; s < l.sets; s++) {
                const perServer = new Map<string, number>();
                for (const d of drives.slice(s * l.setSize, (s + 1) * l.setSize)) {
                    const host = new URL(d).hostname;
                    perServer.set(host, (perServer.get(host) ?? 0) + 1);
                }
                assert.ok([...perServer.values()].every((n) => n === l.drivesPerNodeInSet), `${nodes}x${volumesPerNode} set ${s}: ${JSON.stringify([...perServer])}`);
            }
        }
    });

    it("says how many zones it takes to keep writing when a whole zone is lost", () => {
        assert.strictEqual(zonesToSurviveZoneLoss(planErasure({ nodes: 4, volumesPerNode: 1 })), 4, "4 servers tolerating 1: one per zone");
        assert.strictEqual(zonesToSurviveZoneLoss(planErasure({ nodes: 6, volumesPerNode: 2 })), 3, "6 servers tolerating 2: two per zone");
        assert.strictEqual(zonesToSurviveZoneLoss(planErasure({ nodes: 8, volumesPerNode: 1 })), 3, "8 servers tolerating 3: three per zone");
    });
});
