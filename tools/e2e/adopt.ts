/**
 * The e2e's adoption scenario (README, "Adopt"): on the scenario's servers, a database is made
 * the way sites made theirs before Pulumi (bootstrap.sql applied by psql with the operator's own
 * passwords, Valkey ACL users loaded by hand), with services connected. A fresh stack of the
 * same program takes it over with tools/adopt (import, passwords kept as secrets), then:
 * `pulumi preview` shows no replacement, no deletion and no password change; `pulumi up`
 * changes no password (the old ones log in, the open sessions keep working); the live state is
 * the component's; a second `up` has nothing to do; no password is in plaintext in the state.
 * Names differ from the main scenario's (database, role and user prefixes), and its Valkey users
 * are removed at the end (the default user back on), so the main scenario starts as before.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Valkey } from "iovalkey";
import { Client } from "pg";
import { passwordVariable, renderBootstrapSql } from "../../components/postgres/sql";
import { sha256Hex } from "../../components/valkey/render";
import { parseStackConfig } from "../../stacks/config";
import { planStack } from "../../stacks/plans";
import type { SecretKey } from "../../stacks/profiles";
import type { PgServer } from "../../test/support/postgres";
import { adopt } from "../adopt/run";
import { check, compareLiveState } from "./checks";
import { Project, summaryLines } from "./engine";
import type { ValkeyServer } from "./servers";
import { show, step } from "./steps";

const SECRET_KEYS: ReadonlySet<SecretKey> = new Set(["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"]);

interface Step {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: string[];
}

function valkeyClient(port: number, user?: string, password?: string): Valkey {
    const c = new Valkey({ host: "127.0.0.1", port, username: user, password, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on("error", () => undefined);
    return c;
}

export async function adoptScenario(bin: string, work: string, pg: PgServer, vk: ValkeyServer): Promise<void> {
    const superuser = pg.admin.kind === "superuser";
    const postgres = { host: "127.0.0.1", port: pg.port, adminUser: pg.admin.user, adminIsSuperuser: superuser, sslMode: "disable", database: "adopted", rolePrefix: "adopted_" };
    const valkey = { host: "127.0.0.1", port: vk.port, adminUser: vk.adminUser, userPrefix: "adopted-" };
    const cfg = parseStackConfig({ profile: "external", postgres, valkey, objectStore: { endpoint: "http://127.0.0.1:9" } }, SECRET_KEYS);
    const plans = planStack(cfg);
    const logins = plans.postgres.roles.filter((r) => r.login);
    const vusers = plans.valkey.instances[0].users.filter((u) => u.kind === "service");
    const pw = () => randomBytes(12).toString("base64url");
    const existing = {
        postgres: Object.fromEntries(logins.map((r) => [passwordVariable(r).replace(/_password$/, ""), pw()])),
        valkey: Object.fromEntries(vusers.map((u) => [u.service!, pw()])),
    };
    const pgPassword = (r: (typeof logins)[number]) => existing.postgres[passwordVariable(r).replace(/_password$/, "")];

    // Before Pulumi: bootstrap.sql and hand-loaded ACL users, and the services connected.
    await step("adopt: bootstrap.sql + ACL users by hand", async () => {
        const file = path.join(work, "adopt-bootstrap.sql");
        fs.writeFileSync(file, renderBootstrapSql(plans.postgres));
        pg.psql(["-v", "ON_ERROR_STOP=1", ...logins.flatMap((r) => ["-v", `${passwordVariable(r)}=${pgPassword(r)}`]), "-d", "postgres", "-q", "-f", file], pg.admin);
        const admin = valkeyClient(vk.port, vk.adminUser, vk.adminPassword);
        await admin.connect();
        for (const u of vusers) await admin.call("ACL", "SETUSER", u.name, "reset", "on", `#${sha256Hex(existing.valkey[u.service!])}`, ...u.rules);
        admin.disconnect();
    });
    const sessions: Client[] = [];
    const pooled: Valkey[] = [];
    for (const r of logins) {
        const c = new Client({ host: "127.0.0.1", port: pg.port, user: r.name, password: pgPassword(r), database: plans.postgres.database });
        await c.connect();
        sessions.push(c);
    }
    for (const u of vusers) {
        const c = valkeyClient(vk.port, u.name, existing.valkey[u.service!]);
        await c.connect();
        pooled.push(c);
    }

    const project = new Project(bin, path.join(work, "adopt"));
    try {
        const plain = {
            "stellaops:profile": "external",
            ...Object.fromEntries(Object.entries(postgres).map(([k, v]) => [`stellaops:postgres.${k}`, typeof v === "boolean" ? String(v) : v])),
            ...Object.fromEntries(Object.entries(valkey).map(([k, v]) => [`stellaops:valkey.${k}`, v])),
            "stellaops:objectStore.endpoint": "http://127.0.0.1:9",
        };
        const secrets = { "stellaops:postgresAdminPassword": pg.admin.password, "stellaops:valkeyAdminPassword": vk.adminPassword, "stellaops:objectStoreAccessKey": "unused-access-key", "stellaops:objectStoreSecretKey": "unused-secret-key" };
        await step("adopt: stack init + config (fresh stack)", () => project.init(plain, secrets));
        const report = await step("adopt: tools/adopt (targeted providers, pulumi import, passwords as secrets)", () => adopt((args, input) => project.run(args, input), existing, plans.postgres.database));
        console.log(`        ${report.imported} resources imported under ${report.components} component shells, ${report.passwords} passwords kept, ${report.providers} provider(s)`);

        // Drift control: the migrator's password changed by hand after the import. The provider's
        // diff must see exactly that one (and `up` put the adopted one back), and no other.
        const migrator = plans.postgres.roles.find((r) => r.kind === "migrator")!;
        const su = await pg.connect({ user: pg.admin.user, password: pg.admin.password });
        await su.query(`ALTER ROLE ${migrator.name} PASSWORD '${pw()}'`).finally(() => su.end());
        const preview = await step("adopt: pulumi preview --diff --json", () => project.ok(["preview", "--diff", "--json"]));
        const steps = (JSON.parse(preview.stdout).steps as Step[]).filter((s) => s.op !== "same");
        const type = (s: Step) => s.urn.split("::")[2].split("$").pop()!;
        const drift = (s: Step) => s.op === "update" && s.urn.endsWith(`::postgres-access-role-${migrator.key}`) && (s.diffReasons ?? []).join() === "password";
        const forbidden = steps.filter((s) => s.op !== "create" && !drift(s));
        check(forbidden.length === 0, `after import: no replacement, deletion or update but the drifted migrator password (a password change is an update of a Role or a RandomPassword replacement), got ${JSON.stringify(forbidden.map((s) => [s.op, s.urn.split("::").pop(), s.diffReasons]))}`);
        check(steps.filter(drift).length === 1, "the password changed by hand shows as its Role's update on password");
        const created = new Map<string, number>();
        for (const s of steps.filter((x) => x.op === "create")) created.set(type(s), (created.get(type(s)) ?? 0) + 1);
        const recreatable = ["postgresql:index/grant:Grant", "postgresql:index/grantRole:GrantRole", "postgresql:index/defaultPrivileges:DefaultPrivileges", "pulumi-nodejs:dynamic/valkey:AclUsers"];
        check([...created.keys()].every((t) => recreatable.includes(t)), `only what re-applies idempotently is created, got ${[...created].join(", ")}`);
        console.log(`        preview: ${[...created].map(([t, n]) => `${n} ${t.split(":").pop()}`).join(", ")} to create; 1 update (${migrator.name}: password, changed by hand); nothing replaced or deleted`);

        show((await step("adopt: pulumi up", () => project.ok(["up", "--yes"]))).stdout);
        await step("adopt: the adopted passwords log in (the drifted one restored), sessions opened before still work", async () => {
            for (const [i, r] of logins.entries()) {
                const c = new Client({ host: "127.0.0.1", port: pg.port, user: r.name, password: pgPassword(r), database: plans.postgres.database });
                await c.connect();
                await c.end();
                check((await sessions[i].query("SELECT current_user AS u")).rows[0].u === r.name, `${r.name}'s open session`);
            }
            for (const [i, u] of vusers.entries()) {
                const c = valkeyClient(vk.port, u.name, existing.valkey[u.service!]);
                await c.connect();
                check((await c.ping()) === "PONG" && (await pooled[i].ping()) === "PONG", `${u.name}: its password and its open connection`);
                c.disconnect();
            }
        });
        const lines = await step("adopt: live state == ServiceSchemas under mocks", () => compareLiveState(pg, plans.postgres, cfg.postgres.rolePrefix));
        console.log(`        ${lines} lines agree; ${logins.length} roles and ${vusers.length} Valkey users kept their passwords`);
        const again = await step("adopt: pulumi up (no changes)", () => project.ok(["up", "--yes", "--expect-no-changes"]));
        check(summaryLines(again.stdout).every((l) => !/created|updated|deleted|replaced/.test(l)), "second up after adoption changes nothing");
        const secretsInState = [...Object.values(existing.postgres), ...Object.values(existing.valkey)];
        for (const f of project.stateFiles()) {
            const text = fs.readFileSync(f, "utf8");
            check(!secretsInState.some((s) => text.includes(s)), `${f} holds an adopted password in plaintext`);
        }
    } finally {
        for (const c of sessions) await c.end().catch(() => undefined);
        for (const c of pooled) c.disconnect();
        project.current?.kill("SIGKILL");
        // The main scenario counts the server's ACL users: leave it as it was (PostgreSQL objects differ by name).
        const admin = valkeyClient(vk.port, vk.adminUser, vk.adminPassword);
        await admin.connect();
        for (const u of vusers) await admin.call("ACL", "DELUSER", u.name);
        await admin.call("ACL", "SETUSER", "default", "on");
        await admin.call("ACL", "SAVE");
        admin.disconnect();
    }
}
