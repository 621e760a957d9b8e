/**
 * ServiceSchemas under mocks: the resource graph follows the plan, stateful resources are
 * protected and retained, grants are replaced delete-first, and passwords and DSNs stay secret.
 */
import * as assert from "assert";
import { SCHEMAS } from "../../components/catalog";
import { planPostgres } from "../../components/postgres/plan";
import { ServiceSchemas, SERVICE_SCHEMAS_TYPE } from "../../components/postgres/service-schemas";
import { assertChildNamesPrefixed, byType, isSecret, resetResources, resources, RecordedResource, value } from "../harness";
import { npgsqlConnectionString } from "../../components/postgres/connection-string";
import { npgsqlToPg } from "./fixture";
import { OPTIONS } from "./plan.test";

const T = {
    database: "postgresql:index/database:Database",
    schema: "postgresql:index/schema:Schema",
    role: "postgresql:index/role:Role",
    grant: "postgresql:index/grant:Grant",
    defaults: "postgresql:index/defaultPrivileges:DefaultPrivileges",
    extension: "postgresql:index/extension:Extension",
    password: "random:index/randomPassword:RandomPassword",
    membership: "postgresql:index/grantRole:GrantRole",
};

describe("ServiceSchemas component (mocks)", () => {
    let all: readonly RecordedResource[];
    let component: ServiceSchemas;
    const plan = planPostgres(OPTIONS);

    before(async () => {
        resetResources();
        component = new ServiceSchemas("pg", { plan: planPostgres(OPTIONS), host: "db.internal", port: 5432, sslMode: "require" });
        await value(component.database);
        all = await resources();
    });

    it("registers exactly the plan's objects", () => {
        const count = (t: string) => byType(all, t).length;
        assert.strictEqual(count(SERVICE_SCHEMAS_TYPE), 1);
        assert.strictEqual(count(T.database), 1);
        assert.strictEqual(count(T.schema), plan.schemas.length + 1); // + the extensions schema
        assert.strictEqual(count(T.role), plan.roles.length);
        assert.strictEqual(count(T.grant), plan.grants.length);
        assert.strictEqual(count(T.defaults), plan.defaultPrivileges.length);
        assert.deepStrictEqual(byType(all, T.extension).map((e) => e.inputs.name).sort(), ["pg_trgm", "pgcrypto"]);
        assert.strictEqual(count(T.password), SCHEMAS.length + 1); // + the migrator
        assert.strictEqual(count(T.membership), plan.memberships.length);
    });

    it("names every child after its parent and parents every child", () => {
        assertChildNamesPrefixed(all);
        for (const r of all.filter((r) => r.type !== SERVICE_SCHEMAS_TYPE)) assert.strictEqual(r.parent, "pg", r.name);
    });

    it("protects and retains the database, every schema and every service login role (the migrator owns nothing)", () => {
        const stateful = [...byType(all, T.database), ...byType(all, T.schema), ...byType(all, T.role).filter((r) => r.inputs.login === true && r.inputs.inherit !== false)];
        assert.strictEqual(stateful.length, 1 + SCHEMAS.length + 1 + SCHEMAS.length);
        for (const r of stateful) assert.ok(r.protect && r.retainOnDelete, `${r.name} must be protected and retained`);
    });

    it("replaces grants, memberships and default privileges delete-first", () => {
        for (const r of [...byType(all, T.grant), ...byType(all, T.defaults), ...byType(all, T.membership)]) assert.ok(r.deleteBeforeReplace, r.name);
    });

    it("orders grants after the roles and schemas they name, through their inputs only", () => {
        const grant = all.find((r) => r.name === "pg-grant-scanner-service-schema")!;
        assert.deepStrictEqual(grant.dependsOn, []);
        assert.ok(grant.dependencies.includes("pg-role-scanner-service"));
        assert.ok(grant.dependencies.includes("pg-schema-scanner"));
        // independent services do not chain on each other
        assert.ok(!grant.dependencies.some((d) => d.includes("authority")));
    });

    it("sends every role password to the engine as a secret", () => {
        for (const r of byType(all, T.role).filter((r) => r.inputs.login === true)) {
            assert.deepStrictEqual(r.secretPaths, ["password"], r.name);
            assert.strictEqual(r.inputs.password, "[secret]");
        }
    });

    it("applies connection limit, statement_timeout and search_path to service roles", () => {
        const scanner = all.find((r) => r.name === "pg-role-scanner-service")!;
        assert.deepStrictEqual([scanner.inputs.connectionLimit, scanner.inputs.statementTimeout, scanner.inputs.searchPaths], [20, 30000, ["scanner", "extensions"]]);
    });

    it("outputs a secret DSN per owning service that carries its generated password", async () => {
        for (const spec of SCHEMAS) {
            const svc = component.services[spec.owner]!;
            assert.ok(await isSecret(svc.dsn), `${spec.owner} dsn must be secret`);
            assert.ok(await isSecret(svc.password), `${spec.owner} password must be secret`);
            const [dsn, password] = [await value<string>(svc.dsn), await value<string>(svc.password)];
            const url = new URL(dsn);
            assert.deepStrictEqual([url.username, decodeURIComponent(url.password), url.host, url.pathname, url.searchParams.get("sslmode")], [`stellaops_${spec.owner}`, password, "db.internal:5432", "/stellaops", "require"]);
        }
    });

    it("outputs a secret Npgsql connection string per service that parses to its role, password, schema and SSL mode", async () => {
        for (const spec of SCHEMAS) {
            const svc = component.services[spec.owner]!;
            assert.ok(await isSecret(svc.connectionString), `${spec.owner} connection string must be secret`);
            const cs = await value<string>(svc.connectionString);
            const parsed = npgsqlToPg(cs);
            assert.deepStrictEqual(
                [parsed.host, parsed.port, parsed.database, parsed.user, parsed.password, parsed.options, parsed.ssl],
                ["db.internal", 5432, "stellaops", `stellaops_${spec.owner}`, await value(svc.password), `-c search_path=${spec.name},extensions`, { rejectUnauthorized: false }],
            );
            assert.match(cs, new RegExp(`^Host=db\\.internal;Port=5432;Database=stellaops;Username=stellaops_${spec.owner};Password=[^;]+;Search Path=${spec.name},extensions;SSL Mode=Require$`));
        }
    });

    it("maps every libpq sslmode to Npgsql's SSL Mode and quotes values that need it", () => {
        const parts = { host: "h", port: 1, database: "d", username: "u", searchPath: ["s"] };
        const modes = Object.entries({ disable: "Disable", allow: "Allow", prefer: "Prefer", require: "Require", "verify-ca": "VerifyCA", "verify-full": "VerifyFull" });
        for (const [libpq, npgsql] of modes) assert.match(npgsqlConnectionString({ ...parts, password: "p", sslMode: libpq }), new RegExp(`;SSL Mode=${npgsql}$`));
        assert.throws(() => npgsqlConnectionString({ ...parts, password: "p", sslMode: "on" }), /^Error: sslMode: expected one of disable, allow/);
        const tricky = npgsqlConnectionString({ ...parts, password: 'a;b="c"', sslMode: "disable" });
        assert.strictEqual(npgsqlToPg(tricky).password, 'a;b="c"');
    });

    it("outputs the migrator: secret password and DSN, and per service a secret string that starts as that service", async () => {
        assert.strictEqual(component.migrator.role, "stellaops_migrator");
        for (const o of [component.migrator.password, component.migrator.dsn]) assert.ok(await isSecret(o));
        assert.deepStrictEqual(Object.keys(component.migrator.connectionStrings).sort(), SCHEMAS.map((s) => s.owner).sort());
        const scanner = component.migrator.connectionStrings.scanner;
        assert.ok(await isSecret(scanner));
        const parsed = npgsqlToPg(await value<string>(scanner));
        assert.deepStrictEqual([parsed.user, parsed.password, parsed.options], ["stellaops_migrator", await value(component.migrator.password), "-c role=stellaops_scanner -c search_path=scanner,extensions"]);
        const role = all.find((r) => r.name === "pg-role-migrator")!;
        assert.deepStrictEqual([role.inputs.login, role.inputs.inherit, role.secretPaths], [true, false, ["password"]]);
        assert.deepStrictEqual(component.limitations, []);
    });

    it("does not create the database when told it exists", async () => {
        resetResources();
        const c = new ServiceSchemas("pg2", { plan: planPostgres({ ...OPTIONS, createDatabase: false }), host: "h", port: 5432, sslMode: "disable" });
        assert.strictEqual(await value(c.database), "stellaops");
        assert.strictEqual(byType(await resources(), T.database).length, 0);
    });
});
