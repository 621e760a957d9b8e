/**
 * The external profile's dynamic provider against a real server that already exists (default
 * user on, an admin user): create, diff, update, read (drift) and delete, persisted by ACL SAVE
 * or, without an aclfile, CONFIG REWRITE.
 */
import * as assert from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Valkey } from "iovalkey";
import { AclUsersInputs, aclUsersProvider } from "../../components/valkey/acl-provider";
import { sha256Hex } from "../../components/valkey/render";
import { Proc, freePort, portOpen, startProcess, tempDir, waitFor } from "../support/servers";
import { connect, login, refusal, serverBinary, testPlan } from "./support";

const provider = aclUsersProvider as Required<typeof aclUsersProvider>;
const ADMIN = "admin";

interface Existing {
    readonly port: number;
    readonly dir: string;
    readonly proc: Proc;
}

/** An existing server as someone else runs it: default user on without password, plus an admin; users in an aclfile or in the config file. */
async function existingServer(bin: string, adminPassword: string, withAclFile: boolean): Promise<Existing> {
    const port = await freePort();
    const dir = tempDir("valkey-ext");
    const users = [`user default on nopass ~* &* +@all`, `user ${ADMIN} on #${sha256Hex(adminPassword)} ~* &* +@all`];
    const conf = [`port ${port}`, "bind 127.0.0.1", `dir ${dir}`, "appendonly yes"];
    if (withAclFile) {
        fs.writeFileSync(path.join(dir, "users.acl"), `${users.join("\n")}\n`);
        conf.push(`aclfile ${path.join(dir, "users.acl")}`);
    } else conf.push(...users);
    fs.writeFileSync(path.join(dir, "valkey.conf"), `${conf.join("\n")}\n`);
    const proc = startProcess(bin, [path.join(dir, "valkey.conf")], { cwd: dir });
    await waitFor(`server on ${port}`, () => portOpen(port), 15000);
    return { port, dir, proc };
}

describe("valkey external: ACL users dynamic provider on a real server", function () {
    const plan = testPlan();
    const services = plan.instances[0].users.filter((u) => u.kind === "service");
    const adminPassword = randomBytes(12).toString("hex");
    const passwords = Object.fromEntries(services.map((u) => [u.name, randomBytes(12).toString("hex")]));
    const servers: Existing[] = [];
    const clients: Valkey[] = [];
    let inputs: AclUsersInputs;
    let bin: string;
    const as = async (port: number, user: string, pw: string) => {
        const c = await login(port, user, pw);
        clients.push(c);
        return c;
    };
    const inputsFor = (port: number, pws: Record<string, string>, users = services): AclUsersInputs => ({
        host: "127.0.0.1",
        port,
        tls: false,
        adminUser: ADMIN,
        adminPassword,
        users: users.map((u) => ({ name: u.name, rules: [...u.rules], passwordHash: sha256Hex(pws[u.name]) })),
        disableDefault: true,
    });

    before(async function () {
        bin = serverBinary(this);
        servers.push(await existingServer(bin, adminPassword, true));
        inputs = inputsFor(servers[0].port, passwords);
    });

    after(async () => {
        for (const c of clients) c.disconnect();
        for (const s of servers) {
            await s.proc.stop();
            fs.rmSync(s.dir, { recursive: true, force: true });
        }
    });

    it("rejects inputs that would clobber the default or admin user, naming the property", async () => {
        const bad = { ...inputs, users: [{ name: ADMIN, rules: [], passwordHash: "x" }] };
        const { failures } = await provider.check(inputs, bad);
        assert.ok(failures!.length >= 2 && failures!.every((f) => f.property === "users" && f.reason.startsWith("expected")));
        assert.deepEqual((await provider.check(inputs, inputs)).failures, []);
    });

    it("previews with users still unknown (the engine's sentinel): no check failure, a change", async () => {
        const unknown = { ...inputs, users: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" as unknown as typeof inputs.users };
        assert.deepEqual((await provider.check({} as typeof inputs, unknown)).failures, []);
        assert.equal((await provider.diff("id", inputs, unknown)).changes, true);
    });

    it("create: applies every service user, turns the default user off and saves the aclfile", async () => {
        const port = servers[0].port;
        const { id } = await provider.create(inputs);
        assert.equal(id, `127.0.0.1:${port}`);
        for (const u of services) {
            const c = await as(port, u.name, passwords[u.name]);
            const own = plan.services.find((s) => s.user === u.name)!;
            const other = plan.services.find((s) => s.user !== u.name)!;
            assert.equal(await c.call("SET", `${own.prefixes.cache}t:k`, "v", "EX", 60), "OK");
            assert.match(await refusal(c.get(`${other.prefixes.cache}t:k`)), /^NOPERM/);
        }
        const anon = connect(port);
        clients.push(anon);
        await anon.connect();
        assert.match(await refusal(anon.ping()), /^NOAUTH/, "the default user is off");
        const saved = fs.readFileSync(path.join(servers[0].dir, "users.acl"), "utf8");
        for (const u of services) {
            assert.ok(saved.includes(`user ${u.name} on`) && saved.includes(sha256Hex(passwords[u.name])));
            assert.ok(!saved.includes(passwords[u.name]));
        }
    });

    it("diff: no change for equal inputs, an update for users and credentials, a replacement for another server", async () => {
        assert.equal((await provider.diff("id", inputs, inputs)).changes, false);
        const changedRules = { ...inputs, users: inputs.users.map((u, i) => (i === 0 ? { ...u, rules: [...u.rules, "-get"] } : u)) };
        assert.deepEqual(await provider.diff("id", inputs, changedRules), { changes: true, replaces: [], deleteBeforeReplace: false });
        assert.equal((await provider.diff("id", inputs, { ...inputs, adminPassword: "rotated" })).changes, true);
        assert.equal((await provider.diff("id", inputs, { ...inputs, users: [...inputs.users].reverse() })).changes, false, "order does not matter");
        assert.deepEqual((await provider.diff("id", inputs, { ...inputs, host: "valkey.internal" })).replaces, ["host"]);
    });

    it("update: deletes removed users, re-keys changed ones, writes nothing for unchanged ones", async () => {
        const port = servers[0].port;
        const [kept, rotated, removed] = services;
        const admin = await as(port, ADMIN, adminPassword);
        const setusers = async () => Number(/^cmdstat_acl\|setuser:calls=(\d+)/m.exec(await admin.info("commandstats"))?.[1] ?? 0);
        const before = await setusers();
        const next = { ...passwords, [rotated.name]: randomBytes(12).toString("hex") };
        const news = inputsFor(port, next, services.filter((u) => u !== removed));
        await provider.update("id", inputs, news);

        assert.equal((await setusers()) - before, 2, "one SETUSER for the re-keyed user, one keeping the default user off");
        assert.equal(await (await as(port, kept.name, passwords[kept.name])).ping(), "PONG");
        const probe = connect(port);
        clients.push(probe);
        await probe.connect();
        assert.match(await refusal(probe.call("AUTH", removed.name, passwords[removed.name])), /WRONGPASS/);
        assert.match(await refusal(probe.call("AUTH", rotated.name, passwords[rotated.name])), /WRONGPASS/, "the old password is gone");
        assert.equal(await probe.call("AUTH", rotated.name, next[rotated.name]), "OK");
        assert.ok(!fs.readFileSync(path.join(servers[0].dir, "users.acl"), "utf8").includes(`user ${removed.name} `), "the removal is saved");
        inputs = news;
        Object.assign(passwords, next);
    });

    it("read: drops a user removed by hand from state, and the next update restores it", async () => {
        const port = servers[0].port;
        const victim = inputs.users[0];
        const admin = await as(port, ADMIN, adminPassword);
        await admin.call("ACL", "DELUSER", victim.name);
        const read = await provider.read("id", inputs);
        assert.deepEqual(read.props!.users.map((u) => u.name), inputs.users.slice(1).map((u) => u.name));
        assert.equal((await provider.diff("id", read.props!, inputs)).changes, true);
        await provider.update("id", read.props!, inputs);
        assert.equal(await (await as(port, victim.name, passwords[victim.name])).ping(), "PONG");
    });

    it("delete: removes every managed user and saves", async () => {
        const port = servers[0].port;
        await provider.delete("id", inputs);
        const admin = await as(port, ADMIN, adminPassword);
        for (const u of inputs.users) assert.equal(await admin.call("ACL", "GETUSER", u.name), null);
        const saved = fs.readFileSync(path.join(servers[0].dir, "users.acl"), "utf8");
        for (const u of inputs.users) assert.ok(!saved.includes(`user ${u.name} `));
    });

    it("persists with CONFIG REWRITE when the server keeps its users in the config file", async () => {
        const s = await existingServer(bin, adminPassword, false);
        servers.push(s);
        await provider.create(inputsFor(s.port, passwords));
        const conf = fs.readFileSync(path.join(s.dir, "valkey.conf"), "utf8");
        for (const u of services) assert.ok(conf.includes(`user ${u.name} on`), `${u.name} rewritten into valkey.conf`);
    });
});
