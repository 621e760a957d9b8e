/**
 * `npm run e2e`: a real Pulumi engine run (tools/engine) of the external profile's PostgreSQL and
 * Valkey layers against servers started here. Exits non-zero on the first failed assertion.
 * A missing Go toolchain or server binary fails under CI=true and skips otherwise.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planPostgres } from "../../components/postgres/plan";
import { parseStackConfig } from "../../stacks/config";
import type { PgServer } from "../../test/support/postgres";
import { Outputs, aclUsers, check, compareLiveState, privilegeMatrix, readOnlyRoles, valkeyIsolation } from "./checks";
import { E2eError, Project, locateEngine, summaryLines, tail } from "./engine";
import { ValkeyServer, startPg, startValkey } from "./servers";

const timings: [string, number][] = [];

async function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const start = Date.now();
    const result = await fn();
    const ms = Date.now() - start;
    timings.push([name, ms]);
    console.log(`[e2e] ${name}: ${(ms / 1000).toFixed(1)} s`);
    return result;
}

const show = (text: string) => summaryLines(text).forEach((l) => console.log(`        ${l}`));

interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: string[];
}

async function main(): Promise<void> {
    const total = Date.now();
    const bin = await step("locate/build engine (tools/engine/build.sh)", locateEngine);
    console.log(`        engine: ${bin}`);
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
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
        process.once(sig, () => {
            console.error(`\ne2e: interrupted (${sig}), stopping servers`);
            void cleanup().finally(() => process.exit(130));
        });
    }
    try {
        const started = await step("start postgres + redis-server", () => Promise.allSettled([startPg(), startValkey()]));
        if (started[0].status === "fulfilled") pg = started[0].value;
        if (started[1].status === "fulfilled") vk = started[1].value;
        for (const r of started) if (r.status === "rejected") throw r.reason;
        console.log(`        postgres 127.0.0.1:${pg!.port}, valkey 127.0.0.1:${vk!.port}, work dir ${work}`);
        await run(project, pg!, vk!);
    } finally {
        await cleanup();
    }
    timings.push(["total", Date.now() - total]);
    console.log("\n| step | wall time |\n| --- | --- |");
    for (const [name, ms] of timings) console.log(`| ${name} | ${(ms / 1000).toFixed(1)} s |`);
    console.log("\ne2e: OK");
}

async function run(project: Project, pg: PgServer, vk: ValkeyServer): Promise<void> {
    const plain = {
        "stellaops:profile": "external",
        "stellaops:postgres.host": "127.0.0.1",
        "stellaops:postgres.port": pg.port,
        "stellaops:postgres.adminUser": pg.superuser,
        "stellaops:postgres.sslMode": "disable",
        "stellaops:valkey.host": "127.0.0.1",
        "stellaops:valkey.port": vk.port,
        "stellaops:valkey.adminUser": vk.adminUser,
        // Required by config validation; the object storage layer is not deployed here.
        "stellaops:objectStore.endpoint": "http://127.0.0.1:9",
    };
    const secrets = { "stellaops:postgresAdminPassword": pg.superPassword, "stellaops:valkeyAdminPassword": vk.adminPassword, "stellaops:objectStoreAccessKey": "unused-access-key", "stellaops:objectStoreSecretKey": "unused-secret-key" };
    await step("stack init + config", () => project.init(plain, secrets));
    // The same config as the program parses it, for the mocked comparison.
    const cfg = parseStackConfig({ profile: "external", postgres: { host: "127.0.0.1", port: pg.port, adminUser: pg.superuser, sslMode: "disable" }, valkey: { host: "127.0.0.1", port: vk.port, adminUser: vk.adminUser }, objectStore: { endpoint: "http://127.0.0.1:9" } }, new Set(["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"]));
    const db = cfg.postgres.database;
    const admin = await pg.connect({ database: "postgres" });
    admin.on("error", () => undefined); // the server going away on interrupt surfaces in queries
    const q = async (sql: string, database = db) => {
        const c = database === "postgres" ? admin : await pg.connect({ database });
        try {
            return (await c.query(sql)).rows;
        } finally {
            if (c !== admin) await c.end();
        }
    };
    try {
        // With its preview: on a fresh stack the Valkey users are still unknown then.
        const up1 = await step("pulumi up (create)", () => project.ok(["up", "--yes"]));
        show(up1.stdout);
        const out = JSON.parse((await project.ok(["stack", "output", "--show-secrets", "--json"])).stdout) as Outputs;
        check(out.tsNode.transpileOnly, `the program ran under ts-node transpile-only, got ${JSON.stringify(out.tsNode)}`);
        console.log(`        program compiled by ts-node: ${JSON.stringify(out.tsNode)}`);
        const services = Object.keys(out.postgres);
        check(services.length === 8 && Object.keys(out.valkey).length > 0, `outputs for 8 PostgreSQL services and the Valkey users, got ${services.join(",")}`);

        const lines = await step("live state == ServiceSchemas under mocks", () => compareLiveState(pg, cfg));
        console.log(`        ${lines} lines of roles, owners, grants and default privileges agree`);
        const n = await step("privilege matrix (engine-created roles)", () => privilegeMatrix(pg, out));
        const r = await step("read-only roles (default privileges)", () => readOnlyRoles(pg, out, cfg.postgres.rolePrefix));
        const v = await step("valkey ACL isolation", () => valkeyIsolation(vk.port, out));
        console.log(`        ${n} PostgreSQL checks, ${r} read-only checks, ${v} Valkey checks passed`);

        const up2 = await step("pulumi up (no changes)", () => project.ok(["up", "--yes", "--expect-no-changes"]));
        show(up2.stdout);
        check(!/^\s+[~+-]\s*\d+ to|\d+ (created|updated|deleted|replaced)/m.test(up2.stdout), "second up reports no changes");

        // connectionLimit: exactly the 8 service roles are updated in place.
        await project.ok(["config", "set", "--path", "stellaops:postgres.connectionLimit", "7"]);
        const preview = await step("pulumi preview --diff --json (connectionLimit 20 -> 7)", () => project.ok(["preview", "--diff", "--json"]));
        const steps = (JSON.parse(preview.stdout).steps as PreviewStep[]).filter((s) => s.op !== "same");
        const roleUpdates = steps.filter((s) => s.op === "update" && s.urn.includes("postgresql:index/role:Role::") && (s.diffReasons ?? []).join() === "connectionLimit");
        const updated = roleUpdates.map((s) => s.urn.split("::").pop()!).sort();
        const expected = planPostgres(cfg.postgres).roles.filter((x) => x.kind === "service").map((x) => `postgres-access-role-${x.key}`).sort();
        check(steps.length === 8 && updated.join() === expected.join(), `preview: expected exactly the 8 service Roles updated in place (connectionLimit), got ${JSON.stringify(steps.map((s) => [s.op, s.urn.split("::").pop(), s.diffReasons]))}`);
        console.log(`        preview: ${steps.length} steps, all "update" of ${updated.join(", ")} on [connectionLimit]`);
        const up3 = await step("pulumi up (connectionLimit)", () => project.ok(["up", "--yes"]));
        show(up3.stdout);
        const limits = await q(`SELECT rolname, rolconnlimit FROM pg_roles WHERE rolname LIKE '${cfg.postgres.rolePrefix}%' ORDER BY 1`, "postgres");
        const serviceRoles = new Set(Object.values(out.postgres).map((s) => s.role));
        for (const l of limits) check(l.rolconnlimit === (serviceRoles.has(l.rolname) ? 7 : -1), `${l.rolname} rolconnlimit ${l.rolconnlimit}`);
        console.log(`        rolconnlimit: 7 on ${serviceRoles.size} service roles, -1 on the other ${limits.length - serviceRoles.size}`);

        await step("state files: no plaintext secret", () => checkState(project, out, pg, vk));
        await destroy(project, out, q, cfg.postgres.rolePrefix, vk);
    } finally {
        await admin.end();
    }
}

function checkState(project: Project, out: Outputs, pg: PgServer, vk: ValkeyServer): void {
    const secrets = [...Object.values(out.postgres).map((s) => s.password), ...Object.values(out.valkey).map((s) => s.password), pg.superPassword, vk.adminPassword];
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

type Query = (sql: string, database?: string) => Promise<Record<string, unknown>[]>;

async function destroy(project: Project, out: Outputs, q: Query, prefix: string, vk: ValkeyServer): Promise<void> {
    const first = Object.values(out.postgres)[0];
    const rows = async () => Number((await q(`SELECT count(*) AS n FROM ${first.schema}.probe`))[0].n);
    const roles = async () => (await q(`SELECT rolname FROM pg_roles WHERE rolname LIKE '${prefix}%' ORDER BY 1`, "postgres")).map((r) => String(r.rolname));
    const schemas = async () => (await q(`SELECT nspname FROM pg_namespace WHERE nspname = ANY('{${Object.values(out.postgres).map((s) => s.schema).join(",")}}') ORDER BY 1`)).map((r) => String(r.nspname));
    const rolesBefore = await roles();
    const usersBefore = await aclUsers(vk.port, vk.adminUser, vk.adminPassword);
    check(rolesBefore.length === 24, `24 roles before destroy, got ${rolesBefore.length}`);
    const refused = await step("pulumi destroy (protected: must fail)", () => project.run(["destroy", "--yes"]));
    const lines = (refused.stdout + refused.stderr).split("\n");
    const at = lines.findIndex((l) => /protected/.test(l));
    check(refused.code !== 0 && at >= 0, `destroy must fail on protected resources, got exit ${refused.code}:\n${tail(refused.stdout + refused.stderr)}`);
    console.log(`        refused: ${lines.slice(Math.max(0, at - 1), at + 1).map((l) => l.trim()).join(" ")}`);
    check((await rows()) === 1, `rows in ${first.schema}.probe kept by the refused destroy`);
    check((await roles()).join() === rolesBefore.join(), `roles kept by the refused destroy, left: ${(await roles()).join(",")}`);
    check((await schemas()).length === 8, "schemas kept by the refused destroy");
    check((await aclUsers(vk.port, vk.adminUser, vk.adminPassword)).join() === usersBefore.join(), "Valkey users untouched by the refused destroy");

    await project.ok(["state", "unprotect", "--all", "--yes"]);
    const d = await step("pulumi destroy (after unprotect)", () => project.ok(["destroy", "--yes", "--skip-preview"]));
    show(d.stdout);
    const left = await roles();
    const serviceRoles = Object.values(out.postgres).map((s) => s.role).sort();
    const dbs = await q(`SELECT datname FROM pg_database WHERE datname = '${first.database}'`, "postgres");
    check(dbs.length === 1, `database ${first.database} kept (retainOnDelete)`);
    check((await schemas()).length === 8 && (await rows()) === 1, "the 8 schemas and their rows kept (retainOnDelete)");
    check(left.join() === serviceRoles.join(), `only the 8 service roles (retainOnDelete) are left; owner and read-only roles dropped; got ${left.join(",")}`);
    const owners = await q(`SELECT DISTINCT pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname = '${first.schema}'`);
    const [revoked] = await q(`SELECT (SELECT count(*) FROM pg_default_acl)::int AS defaults, (SELECT count(*) FROM pg_extension WHERE extname IN ('pgcrypto', 'pg_trgm'))::int AS exts,
        has_schema_privilege('${first.role}', '${first.schema}', 'USAGE') AS usage, has_database_privilege('${first.role}', '${first.database}', 'CONNECT') AS connect`);
    check(revoked.defaults === 0 && revoked.exts === 0 && revoked.usage === false && revoked.connect === false, `grants, default privileges and extensions removed by destroy, got ${JSON.stringify(revoked)}`);
    const users = await aclUsers(vk.port, vk.adminUser, vk.adminPassword);
    check(users.join() === ["default", vk.adminUser].sort().join(), `Valkey service users deleted, got ${users.join(",")}`);
    console.log(`        kept: database ${first.database}, 8 schemas with rows (${first.schema} now owned by ${owners[0]?.o}), ${left.length} service roles (no CONNECT/USAGE left); dropped: owner + read-only roles, grants, default privileges, extensions; Valkey users left: ${users.join(", ")}`);
}

main().catch((err: unknown) => {
    const missing = err instanceof E2eError && /not installed|go is not on PATH|need Go/.test(err.message);
    if (missing && process.env.CI !== "true") {
        console.error(`e2e: SKIPPED: ${err.message}`);
        return;
    }
    console.error(`\ne2e: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
});
