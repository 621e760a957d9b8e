/**
 * The pure PostgreSQL plan: derived from the catalog, one boundary per schema, errors naming
 * the field. No Pulumi involved.
 */
import * as assert from "assert";
import { CATALOG, SCHEMAS } from "../../components/catalog";
import { PostgresPlanOptions, planPostgres } from "../../components/postgres/plan";

export const OPTIONS: PostgresPlanOptions = {
    database: "stellaops",
    createDatabase: true,
    rolePrefix: "stellaops_",
    extensions: ["pgcrypto", "pg_trgm"],
    extensionsSchema: "extensions",
    connectionLimit: 20,
    statementTimeoutMs: 30000,
};

describe("postgres plan", () => {
    const plan = planPostgres(OPTIONS);

    it("plans one schema per catalog schema, owned by a NOLOGIN owner role", () => {
        assert.deepStrictEqual(plan.schemas.map((s) => s.name).sort(), SCHEMAS.map((s) => s.name).sort());
        for (const s of plan.schemas) {
            const owner = plan.roles.find((r) => r.name === s.owner);
            assert.ok(owner && !owner.login && owner.kind === "owner", `${s.name} owner ${s.owner}`);
        }
    });

    it("gives each owning service one login role with its schema first on the search_path", () => {
        for (const spec of SCHEMAS) {
            const logins = plan.roles.filter((r) => r.login && r.service === spec.owner);
            assert.strictEqual(logins.length, 1, spec.owner);
            assert.deepStrictEqual(logins[0].searchPath, [spec.name, "extensions"]);
            assert.strictEqual(logins[0].connectionLimit, 20);
            assert.strictEqual(logins[0].statementTimeoutMs, 30000);
        }
        // gateway owns no schema, so it gets no database role
        assert.ok(!plan.roles.some((r) => r.service === "gateway"));
    });

    it("lets a service role CREATE in its own schema, and on the database (CREATE SCHEMA IF NOT EXISTS checks it), nowhere else", () => {
        for (const login of plan.roles.filter((r) => r.kind === "service")) {
            const own = plan.schemas.find((s) => s.service === login.service)!.name;
            const creates = plan.grants.filter((g) => g.role === login.name && g.privileges.includes("CREATE"));
            assert.deepStrictEqual(creates.map((g) => [g.on, g.schema ?? null]), [["database", null], ["schema", own]]);
            assert.deepStrictEqual(plan.grants.find((g) => g.role === login.name && g.on === "database")!.privileges, ["CONNECT", "CREATE"]);
            const usages = plan.grants.filter((g) => g.role === login.name && g.on === "schema").map((g) => g.schema).sort();
            assert.deepStrictEqual(usages, [own, "extensions"].sort());
        }
    });

    it("plans one NOINHERIT migrator login that is a member of every service role and of nothing else", () => {
        const m = plan.roles.filter((r) => r.kind === "migrator");
        assert.deepStrictEqual(m.map((r) => [r.name, r.login, r.inherit, r.statementTimeoutMs]), [["stellaops_migrator", true, false, undefined]]);
        const services = plan.roles.filter((r) => r.kind === "service").map((r) => r.name).sort();
        assert.deepStrictEqual(plan.memberships.filter((x) => x.member === "stellaops_migrator").map((x) => x.role).sort(), services);
        assert.strictEqual(plan.memberships.length, services.length, "no other membership is planned");
        // its own privileges: CONNECT only; everything else comes from SET ROLE to a service
        assert.deepStrictEqual(plan.grants.filter((g) => g.role === "stellaops_migrator").map((g) => [g.on, g.privileges]), [["database", ["CONNECT"]]]);
        assert.deepStrictEqual(plan.migrator, { role: "stellaops_migrator" });
    });

    it("lists what a managed admin cannot do, and nothing for a superuser", () => {
        assert.deepStrictEqual(plan.limitations, []);
        assert.strictEqual(plan.adminSuperuser, true);
        const managed = planPostgres({ ...OPTIONS, adminSuperuser: false });
        assert.deepStrictEqual(managed.limitations.map((l) => l.key), ["role-attributes", "owner-membership", "foreign-objects", "admin-memberships", "role-passwords"]);
        const untrusted = planPostgres({ ...OPTIONS, adminSuperuser: false, extensions: ["pgcrypto", "postgres_fdw"] });
        assert.match(untrusted.limitations.find((l) => l.key === "untrusted-extensions")!.what, /\(postgres_fdw\)/);
    });

    it("strips PUBLIC of database and public-schema privileges", () => {
        const pub = plan.grants.filter((g) => g.role === "public");
        assert.deepStrictEqual(pub.map((g) => [g.on, g.schema ?? null, g.privileges.length]).sort(), [["database", null, 0], ["schema", "public", 0]]);
    });

    it("makes tables a service creates later readable by the schema's read-only role", () => {
        for (const s of plan.schemas) {
            const reader = plan.roles.find((r) => r.kind === "readonly" && r.schema === SCHEMAS.find((x) => x.owner === s.service)!.name)!;
            const login = plan.roles.find((r) => r.kind === "service" && r.service === s.service)!;
            const rule = plan.defaultPrivileges.find((d) => d.on === "table" && d.schema === s.name);
            assert.deepStrictEqual(rule && [rule.owner, rule.role, rule.privileges], [login.name, reader.name, ["SELECT"]]);
            assert.ok(!plan.grants.some((g) => g.role === reader.name && g.privileges.some((p) => p !== "SELECT" && p !== "USAGE" && p !== "CONNECT")));
        }
    });

    it("renames schemas through schemaNames while keeping role names stable", () => {
        const renamed = planPostgres({ ...OPTIONS, schemaNames: { vuln: "concelier_vuln" } });
        const concelier = renamed.services.find((s) => s.service === "concelier")!;
        assert.deepStrictEqual([concelier.schema, concelier.role], ["concelier_vuln", "stellaops_concelier"]);
    });

    it("uses unique child keys (they become resource names)", () => {
        for (const list of [plan.roles, plan.schemas, plan.grants, plan.defaultPrivileges]) {
            const keys = list.map((x) => x.key);
            assert.strictEqual(new Set(keys).size, keys.length);
        }
    });

    const bad: [string, Partial<PostgresPlanOptions>, RegExp][] = [
        ["database", { database: "Bad-Name" }, /^database: expected a lowercase SQL identifier/],
        ["extensions", { extensions: ["pgcrypto", "x y"] }, /^extensions\[1\]: expected/],
        ["connectionLimit", { connectionLimit: -3 }, /^connectionLimit: expected an integer >= 1, got -3/],
        ["statementTimeoutMs", { statementTimeoutMs: 0 }, /^statementTimeoutMs: expected an integer >= 1/],
        ["schemaNames (duplicate)", { schemaNames: { vex: "scanner" } }, /^schemaNames\.(vex|scanner): expected a schema name used once/],
        ["schemaNames (public)", { schemaNames: { policy: "public" } }, /^schemaNames\.policy: expected a schema name other than public/],
        ["rolePrefix", { rolePrefix: "x".repeat(60) }, /^rolePrefix \(.*\): expected a lowercase SQL identifier/],
    ];
    for (const [field, change, message] of bad) {
        it(`rejects a bad ${field}, naming it`, () => assert.throws(() => planPostgres({ ...OPTIONS, ...change }), { message }));
    }

    it("rejects a catalog whose service is called migrator (role clash with the migrator)", () => {
        const catalog = { ...CATALOG, schemas: [...CATALOG.schemas, { name: "ops", owner: "migrator", holds: "x" }] };
        assert.throws(() => planPostgres(OPTIONS, catalog), /rolePrefix: expected role names used once, "stellaops_migrator"/);
    });

    it("rejects a catalog where one service would own two schemas (role clash)", () => {
        const catalog = { ...CATALOG, schemas: [...CATALOG.schemas, { name: "scanner_extra", owner: "scanner" as const, holds: "x" }] };
        assert.throws(() => planPostgres(OPTIONS, catalog), /rolePrefix: expected role names used once, "stellaops_scanner"/);
    });
});
