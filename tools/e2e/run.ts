/**
 * `npm run e2e`: a real Pulumi engine run (tools/engine) of the external profile's PostgreSQL and
 * Valkey access against servers started here, once per PostgreSQL version the layer deploys
 * (test/support/postgres.ts PG_VERSIONS) and per admin: a superuser, and a managed-service admin
 * (LOGIN CREATEROLE CREATEDB, provider `superuser: false`, `postgres.adminIsSuperuser: false`).
 * Then the airgap profile's stack files (single and ha topology) through the upstream Kubernetes
 * provider against a local control plane with kwok nodes (airgap.ts).
 * Exits non-zero on the first failed assertion. A missing Go toolchain or server binary fails
 * under CI=true and skips otherwise. `E2E_ADMIN=managed`, `STELLAOPS_PG_VERSIONS=17` and
 * `E2E_ONLY=external|airgap|airgap-ha` narrow it locally (airgap runs both topologies).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PostgresPlan } from "../../components/postgres/plan";
import { parseStackConfig } from "../../stacks/config";
import { planStack } from "../../stacks/plans";
import { ADMIN_KINDS, AdminKind, PgServer, PgVersion, pgVersions } from "../../test/support/postgres";
import { Outputs, check, compareLiveState, privilegeMatrix, readOnlyRoles, valkeyIsolation } from "./checks";
import { adoptScenario } from "./adopt";
import { AIRGAP_STACKS, airgapScenario } from "./airgap";
import { destroy } from "./destroy";
import { E2eError, Project, locateEngine } from "./engine";
import { ValkeyServer, startPg, startValkey } from "./servers";
import { currentScenario, setScenario, show, step, timings } from "./steps";

interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: string[];
}

async function main(): Promise<void> {
    const total = Date.now();
    const bin = await step("locate/build engine (tools/engine/build.sh)", locateEngine);
    console.log(`        engine: ${bin}`);
    const admins = ADMIN_KINDS.filter((a) => process.env.CI === "true" || !process.env.E2E_ADMIN || process.env.E2E_ADMIN === a);
    const only = process.env.CI === "true" ? undefined : process.env.E2E_ONLY;
    if (!only || only === "external") for (const version of pgVersions()) for (const admin of admins) await runScenario(bin, version, admin);
    for (const stack of AIRGAP_STACKS) if (!only || only === stack || (only === "airgap" && stack.startsWith("airgap"))) await airgapScenario(bin, stack);
    setScenario("");
    timings.push(["total", Date.now() - total]);
    console.log("\n| step | wall time |\n| --- | --- |");
    for (const [name, ms] of timings) console.log(`| ${name} | ${(ms / 1000).toFixed(1)} s |`);
    console.log("\ne2e: OK");
}

async function runScenario(bin: string, version: PgVersion, admin: AdminKind): Promise<void> {
    setScenario(`pg${version}/${admin}`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "stellaops-e2e-"));
    let pg: PgServer | undefined;
    let vk: ValkeyServer | undefined;
    const project = new Project(bin, work);
    const cleanup = async () => {
        project.current?.kill("SIGKILL");
        await Promise.all([pg?.stop(), vk?.stop()]);
        if (process.env.KEEP === "1") console.log(`kept ${work}`);
        else fs.rmSync(work, { recursive: true, force: true });
    };
    // Servers are children of this process: stop them when CI or a person interrupts the run.
    const onSignal = (sig: NodeJS.Signals) => {
        console.error(`\ne2e: interrupted (${sig}), stopping servers`);
        void cleanup().finally(() => process.exit(130));
    };
    process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
    try {
        const started = await step("start postgres + redis-server", () => Promise.allSettled([startPg(version, admin), startValkey()]));
        if (started[0].status === "fulfilled") pg = started[0].value;
        if (started[1].status === "fulfilled") vk = started[1].value;
        for (const r of started) if (r.status === "rejected") throw r.reason;
        console.log(`        postgres ${version} 127.0.0.1:${pg!.port} (admin ${pg!.admin.user}, ${admin}), valkey 127.0.0.1:${vk!.port}, work dir ${work}`);
        // First: taking over what bootstrap.sql made, on the same servers under other names (docs/operations.md, Adopt).
        await adoptScenario(bin, work, pg!, vk!);
        await run(project, pg!, vk!);
    } finally {
        process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
        await cleanup();
    }
}

async function run(project: Project, pg: PgServer, vk: ValkeyServer): Promise<void> {
    const superuser = pg.admin.kind === "superuser";
    const pgConfig = { host: "127.0.0.1", port: pg.port, adminUser: pg.admin.user, adminIsSuperuser: superuser, sslMode: "disable" };
    const plain: Record<string, string | number> = {
        "stellaops:profile": "external",
        ...Object.fromEntries(Object.entries(pgConfig).map(([k, v]) => [`stellaops:postgres.${k}`, typeof v === "boolean" ? String(v) : v])),
        "stellaops:valkey.host": "127.0.0.1",
        "stellaops:valkey.port": vk.port,
        "stellaops:valkey.adminUser": vk.adminUser,
        // Required by config validation; the object storage layer is not deployed here.
        "stellaops:objectStore.endpoint": "http://127.0.0.1:9",
    };
    const secrets = { "stellaops:postgresAdminPassword": pg.admin.password, "stellaops:valkeyAdminPassword": vk.adminPassword, "stellaops:objectStoreAccessKey": "unused-access-key", "stellaops:objectStoreSecretKey": "unused-secret-key" };
    await step("stack init + config", () => project.init(plain, secrets));
    // The same config and plan as the program computes, for the mocked comparison.
    const raw = { profile: "external", postgres: pgConfig, valkey: { host: "127.0.0.1", port: vk.port, adminUser: vk.adminUser }, objectStore: { endpoint: "http://127.0.0.1:9" } };
    const cfg = parseStackConfig(raw, new Set(["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"]));
    const plan: PostgresPlan = planStack(cfg).postgres;
    check(plan.adminSuperuser === superuser, `the plan knows the admin is ${superuser ? "" : "not "}a superuser (postgres.adminIsSuperuser wired into planPostgres's adminSuperuser)`);
    const prefix = cfg.postgres.rolePrefix;

    // With its preview: on a fresh stack the Valkey users are still unknown then.
    const up1 = await step("pulumi up (create)", () => project.ok(["up", "--yes"]));
    show(up1.stdout);
    const out = JSON.parse((await project.ok(["stack", "output", "--show-secrets", "--json"])).stdout) as Outputs;
    check(out.tsNode.transpileOnly, `the program ran under ts-node transpile-only, got ${JSON.stringify(out.tsNode)}`);
    const services = Object.keys(out.postgres);
    check(services.length === plan.services.length && Object.keys(out.valkey).length > 0, `outputs for ${plan.services.length} PostgreSQL services and the Valkey users, got ${services.join(",")}`);

    const lines = await step("live state == ServiceSchemas under mocks", () => compareLiveState(pg, plan, prefix));
    console.log(`        ${lines} lines of roles, memberships, owners, grants and default privileges agree`);
    const n = await step("privilege matrix (engine-created roles)", () => privilegeMatrix(pg, out));
    const r = await step("read-only roles (default privileges)", () => readOnlyRoles(pg, out, prefix));
    const v = await step("valkey ACL isolation", () => valkeyIsolation(vk.port, out));
    console.log(`        ${n} PostgreSQL checks, ${r} read-only checks, ${v} Valkey checks passed`);
    if (!superuser) await step("admin holds no owner or service role after up", () => adminHoldsNothing(pg));

    const up2 = await step("pulumi up (no changes)", () => project.ok(["up", "--yes", "--expect-no-changes"]));
    show(up2.stdout);
    check(!/^\s+[~+-]\s*\d+ to|\d+ (created|updated|deleted|replaced)/m.test(up2.stdout), "second up reports no changes");

    // connectionLimit: exactly the service roles and the migrator are updated in place.
    await project.ok(["config", "set", "--path", "stellaops:postgres.connectionLimit", "7"]);
    const preview = await step("pulumi preview --diff --json (connectionLimit 20 -> 7)", () => project.ok(["preview", "--diff", "--json"]));
    const steps = (JSON.parse(preview.stdout).steps as PreviewStep[]).filter((s) => s.op !== "same");
    const limited = plan.roles.filter((x) => x.connectionLimit > 0);
    const roleUpdates = steps.filter((s) => s.op === "update" && s.urn.includes("postgresql:index/role:Role::") && (s.diffReasons ?? []).join() === "connectionLimit");
    const updated = roleUpdates.map((s) => s.urn.split("::").pop()!).sort();
    const expected = limited.map((x) => `postgres-access-role-${x.key}`).sort();
    check(steps.length === limited.length && updated.join() === expected.join(), `preview: expected exactly the ${limited.length} service and migrator Roles updated in place (connectionLimit), got ${JSON.stringify(steps.map((s) => [s.op, s.urn.split("::").pop(), s.diffReasons]))}`);
    console.log(`        preview: ${steps.length} steps, all "update" on [connectionLimit]`);
    show((await step("pulumi up (connectionLimit)", () => project.ok(["up", "--yes"]))).stdout);
    const su = await pg.connect();
    try {
        const limits = (await su.query(`SELECT rolname, rolconnlimit FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1`, [plan.roles.map((x) => x.name)])).rows;
        const names = new Set(limited.map((x) => x.name));
        for (const l of limits) check(l.rolconnlimit === (names.has(l.rolname) ? 7 : -1), `${l.rolname} rolconnlimit ${l.rolconnlimit}`);
        check(limits.length === plan.roles.length, "every planned role exists");
        console.log(`        rolconnlimit: 7 on ${names.size} login roles, -1 on the other ${limits.length - names.size}`);
    } finally {
        await su.end();
    }
    if (!superuser) await step("admin holds no owner or service role after the change", () => adminHoldsNothing(pg));
    await step("state files: no plaintext secret", () => checkState(project, out, pg, vk));
    await destroy(project, out, pg, plan, vk);
}

/** A managed admin ends up with only PostgreSQL 16's ADMIN-only creator memberships (and its own group). */
async function adminHoldsNothing(pg: PgServer): Promise<void> {
    const su = await pg.connect();
    try {
        const { rows } = await su.query(`SELECT pg_get_userbyid(roleid) AS r FROM pg_auth_members WHERE member = $1::regrole AND (inherit_option OR set_option)`, [pg.admin.user]);
        check(rows.map((x) => x.r).join() === "managed_superuser", `the admin gave back every role it held, still usable: ${rows.map((x) => x.r).join(",")}`);
    } finally {
        await su.end();
    }
}

function checkState(project: Project, out: Outputs, pg: PgServer, vk: ValkeyServer): void {
    const secrets = [...Object.values(out.postgres).map((s) => s.password), ...Object.values(out.valkey).map((s) => s.password), pg.admin.password, vk.adminPassword];
    const files = project.stateFiles();
    let ciphertexts = 0;
    for (const f of files) {
        const text = fs.readFileSync(f, "utf8");
        for (const s of secrets) check(!text.includes(s), `${f} contains a generated password in plaintext`);
        ciphertexts += (text.match(/"ciphertext"/g) ?? []).length;
    }
    check(ciphertexts > 0, "state holds ciphertext (secure) values");
    console.log(`        ${files.length} backend files, ${secrets.length} secrets absent, ${ciphertexts} ciphertext values`);
}

main().catch((err: unknown) => {
    const missing = err instanceof E2eError && /not installed|go is not on PATH|need Go/.test(err.message);
    if (missing && process.env.CI !== "true") {
        console.error(`e2e: SKIPPED: ${err.message}`);
        return;
    }
    console.error(`\ne2e: FAILED (${currentScenario()}): ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
});
