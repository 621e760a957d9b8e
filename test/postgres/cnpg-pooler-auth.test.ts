/**
 * Tier 2: CnpgPoolerAuth under the recording mocks: the pooler's auth login (password secret,
 * the connection limit the pools add up to, no inherited rights), CONNECT on the StellaOps
 * database and USAGE on its schema public only, grants replaced delete-first, and the SECURITY
 * DEFINER lookup limited to the service logins.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { planCnpg } from "../../components/postgres/cnpg-plan";
import { CNPG_POOLER_AUTH_TYPE, CnpgPoolerAuth } from "../../components/postgres/cnpg-pooler-auth";
import { assertChildNamesPrefixed, byType, findResource, resetResources, resources, value } from "../harness";
import { BASE, access } from "./cnpg-plan.test";

/* eslint-disable @typescript-eslint/no-explicit-any */
describe("CnpgPoolerAuth (mocks)", () => {
    const roles = access(30);
    const plan = planCnpg({ ...BASE, pooler: { instances: 3 } }, roles);

    async function deploy() {
        await resources();
        resetResources();
        const auth = new CnpgPoolerAuth("postgres-pooler-auth", { plan, access: roles, database: pulumi.output("stellaops"), password: "auth-pw" });
        return { auth, all: await resources() };
    }

    it("creates the auth login with a secret password, no inheritance, and the pools' total as its connection limit", async () => {
        const { all, auth } = await deploy();
        assertChildNamesPrefixed(all);
        assert.strictEqual(byType(all, CNPG_POOLER_AUTH_TYPE).length, 1);
        const role = findResource(all, "postgresql:index/role:Role", "postgres-pooler-auth-role");
        assert.deepStrictEqual([role.inputs.name, role.inputs.login, role.inputs.inherit, role.inputs.connectionLimit], ["stellaops_pooler_auth", true, false, 30]);
        assert.deepStrictEqual([role.inputs.password, role.rawInputs.password], ["[secret]", "auth-pw"]);
        assert.strictEqual(await value(auth.role), "stellaops_pooler_auth");
        assert.ok(role.protect && role.retainOnDelete, "a login like the services': dropping it would lock every service out of the pooler");
    });

    it("grants CONNECT on the StellaOps database and USAGE on its schema public, nothing else, replaced delete-first", async () => {
        const { all } = await deploy();
        const grants = byType(all, "postgresql:index/grant:Grant").map((g) => [g.name, g.inputs.objectType, g.inputs.schema ?? null, g.inputs.privileges, g.inputs.database, g.inputs.role, g.deleteBeforeReplace]);
        assert.deepStrictEqual(grants, [
            ["postgres-pooler-auth-connect", "database", null, ["CONNECT"], "stellaops", "stellaops_pooler_auth", true],
            ["postgres-pooler-auth-schema-public", "schema", "public", ["USAGE"], "stellaops", "stellaops_pooler_auth", true],
        ]);
    });

    it("defines the lookup as SECURITY DEFINER in public, answering only for the service logins", async () => {
        const { all, auth } = await deploy();
        const fn = findResource(all, "postgresql:index/function:Function", "postgres-pooler-auth-lookup");
        assert.deepStrictEqual([fn.inputs.name, fn.inputs.schema, fn.inputs.database, fn.inputs.securityDefiner, fn.inputs.returns], ["stellaops_pooler_lookup", "public", "stellaops", true, "TABLE(usename name, passwd text)"]);
        assert.deepStrictEqual(fn.inputs.args, [{ name: "uname", type: "text" }]);
        const body = fn.inputs.body as string;
        const listed = [...body.matchAll(/'([a-z0-9_]+)'/g)].map((m) => m[1]).sort();
        assert.deepStrictEqual(listed, roles.services.map((s) => s.role).sort());
        assert.strictEqual(await value(auth.lookupFunction), "public.stellaops_pooler_lookup");
        assert.strictEqual(plan.pooler.lookupFunction, fn.inputs.name, "the Pooler's authQuery calls this very function");
    });
});
