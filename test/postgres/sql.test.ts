/**
 * bootstrap.sql as text, per admin kind: what a managed admin's script leaves out and adds.
 * (That both scripts run, twice, with the same result: postgres.real.test.ts.)
 */
import * as assert from "assert";
import { planPostgres } from "../../components/postgres/plan";
import { renderBootstrapSql } from "../../components/postgres/sql";
import { OPTIONS } from "./plan.test";

describe("bootstrap.sql rendering", () => {
    const superuser = renderBootstrapSql(planPostgres(OPTIONS));
    const managed = renderBootstrapSql(planPostgres({ ...OPTIONS, adminSuperuser: false }));

    it("spells out NOSUPERUSER, NOREPLICATION and NOBYPASSRLS only for a superuser", () => {
        assert.match(superuser, /^ALTER ROLE stellaops_scanner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 20;$/m);
        assert.match(managed, /^ALTER ROLE stellaops_scanner WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT 20;$/m);
        assert.doesNotMatch(managed, /NOSUPERUSER|NOREPLICATION|NOBYPASSRLS/);
        assert.match(managed, /rolsuper OR rolreplication OR rolbypassrls\)\) THEN/, "a managed admin asserts the attributes instead");
    });

    it("makes the migrator NOINHERIT and a member of each service role", () => {
        assert.match(superuser, /^ALTER ROLE stellaops_migrator WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT /m);
        assert.match(superuser, /^GRANT stellaops_scanner TO stellaops_migrator;$/m);
        assert.strictEqual((superuser.match(/^GRANT stellaops_[a-z]+ TO stellaops_migrator;$/gm) ?? []).length, 8);
    });

    it("has a managed admin hold the owner and service roles inside one transaction and give them back", () => {
        const body = managed.slice(managed.indexOf("\\connect stellaops"));
        const [begin, take, schema, giveBack, commit] = ["BEGIN;", "GRANT %I TO CURRENT_USER", "CREATE SCHEMA IF NOT EXISTS scanner AUTHORIZATION", "REVOKE %I FROM CURRENT_USER", "COMMIT;"].map((s) => body.indexOf(s));
        assert.ok(begin >= 0 && begin < take && take < schema && schema < giveBack && giveBack < commit, "BEGIN, take, schemas, give back, COMMIT");
        assert.doesNotMatch(superuser, /CURRENT_USER/);
        assert.match(managed, /^-- Not a superuser \(owner-membership\): /m);
    });

    it("grants each service CONNECT and CREATE on the database", () => {
        assert.match(superuser, /^GRANT CONNECT, CREATE ON DATABASE stellaops TO stellaops_scanner;$/m);
        assert.match(superuser, /^GRANT CONNECT ON DATABASE stellaops TO stellaops_migrator;$/m);
    });
});
