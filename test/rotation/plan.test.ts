/**
 * Rotation as plan data (components/rotation.ts) and bootstrap.sql's rotation mode as text,
 * without Pulumi: counters checked against the catalog, generations, the two-slot table, keepers.
 */
import * as assert from "assert";
import { CATALOG } from "../../components/catalog";
import { planPostgres } from "../../components/postgres/plan";
import { renderBootstrapSql } from "../../components/postgres/sql";
import { PlanError } from "../../components/problems";
import { generationOf, keepersFor, NO_ROTATION, planRotation, previousSlot, slots } from "../../components/rotation";

describe("rotation plan", () => {
    it("defaults to nothing rotated", () => {
        assert.deepStrictEqual(planRotation({}, CATALOG), NO_ROTATION);
        assert.strictEqual(generationOf(undefined, "scanner"), 0);
    });

    it("adds a service's counter to the epoch; credentials of no service follow the epoch alone", () => {
        const r = planRotation({ epoch: 2, services: { scanner: 3 } }, CATALOG);
        assert.deepStrictEqual([generationOf(r, "scanner"), generationOf(r, "policy"), generationOf(r)], [5, 2, 2]);
    });

    it("refuses unknown services and counters that are not non-negative integers, naming each key", () => {
        let err: unknown;
        try {
            planRotation({ epoch: -1, services: { nosuch: 1, scanner: 1.5 } }, CATALOG);
        } catch (e) {
            err = e;
        }
        assert.ok(err instanceof PlanError && err.section === "rotation");
        assert.deepStrictEqual(
            err.problems.map((p) => `${p.path.join(".")}: ${p.message.split(" (")[0]}`),
            ["epoch: expected an integer from 0 to 1000000", "services.nosuch: expected a catalog service", "services.scanner: expected an integer from 0 to 1000000"],
        );
    });

    it("keeps two slots: a holds even generations, b odd ones (from the first rotation on); the other slot is the previous one", () => {
        const table = [0, 1, 2, 3, 4].map((g) => {
            const s = slots(g);
            return [g, s.current, s.a, s.b, previousSlot(s)];
        });
        assert.deepStrictEqual(table, [
            [0, "a", 0, undefined, undefined],
            [1, "b", 0, 1, "a"],
            [2, "a", 2, 1, "b"],
            [3, "b", 2, 3, "a"],
            [4, "a", 4, 3, "b"],
        ]);
        // One rotation moves exactly one slot to a new generation: the one holding the oldest credential.
        for (let g = 1; g < 6; g++) {
            const [p, n] = [slots(g), slots(g + 1)];
            assert.strictEqual([p.a !== n.a, p.b !== n.b].filter(Boolean).length, 1, `generation ${g} -> ${g + 1}`);
        }
    });

    it("gives RandomPassword keepers only after the first rotation, so existing passwords are kept", () => {
        assert.deepStrictEqual([keepersFor(0), keepersFor(3)], [undefined, { generation: "3" }]);
    });
});

describe("bootstrap.sql rotation mode (text)", () => {
    const sql = renderBootstrapSql(planPostgres({ database: "stellaops", createDatabase: true, rolePrefix: "stellaops_", extensions: [], extensionsSchema: "extensions", connectionLimit: 20, statementTimeoutMs: 30000 }));

    it("defaults `rotate` to off and stops on anything but on/off", () => {
        assert.match(sql, /^\\if :\{\?rotate\}\n\\else\n\\set rotate off\n\\endif$/m);
        assert.match(sql, /RAISE EXCEPTION 'psql variable rotate: expected on or off'/);
    });

    it("ALTERs each login role's password only inside \\if :rotate_mode, right after creating it if missing", () => {
        const block = /^SELECT format\('CREATE ROLE %I LOGIN PASSWORD %L', 'stellaops_scanner', :'scanner_password'\) WHERE NOT EXISTS .*\\gexec\n\\if :rotate_mode\nSELECT format\('ALTER ROLE %I PASSWORD %L', 'stellaops_scanner', :'scanner_password'\)\\gexec\n\\endif$/m;
        assert.match(sql, block);
        assert.strictEqual((sql.match(/'ALTER ROLE %I PASSWORD %L'/g) ?? []).length, 9, "8 services and the migrator");
        assert.doesNotMatch(sql, /ALTER ROLE %I PASSWORD %L', 'stellaops_[a-z]+_(owner|read)'/, "NOLOGIN roles have no password");
    });
});
