/**
 * Valkey rotation on a real server (valkey-server, else redis-server 7): the passwords are the
 * ones the components' own two-slot logic picks (rotatedPasswords under mocks), with the random
 * provider played here (a new value when a RandomPassword's keepers change, the same one
 * otherwise). dev/airgap deliver the aclfile (aclFile) and the server loads it on start; external
 * applies ACL SETUSER through the dynamic provider with acceptedHashes. Window: both passwords
 * work after the rotation; the older one stops at the next rotation.
 */
import * as assert from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import type { Valkey } from "iovalkey";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../../components/catalog";
import { planRotation, RotationPlan } from "../../components/rotation";
import { aclUsersProvider, AclUsersInputs } from "../../components/valkey/acl-provider";
import { acceptedHashes, aclFile, Passwords, rotatedPasswords } from "../../components/valkey/credentials";
import { sha256Hex } from "../../components/valkey/render";
import { tempDir } from "../support/servers";
import { value } from "../harness";
import { connect, login, refusal, serverBinary, Server, startServer, testPlan } from "../valkey/support";
import { record } from "./support";

const plan = testPlan();
const instance = plan.instances[0];
const SCANNER = plan.services.find((s) => s.service === "scanner")!.user;
const rotation = (n: number) => planRotation({ services: { scanner: n } }, CATALOG);

/** The random provider, played: one value per (RandomPassword, keepers) pair. */
const issued = new Map<string, string>();
class Parent extends pulumi.ComponentResource {
    constructor() {
        super("test:rotation:Parent", "valkey", {}, {});
    }
}

/** Real current and previous passwords per user at `r`, as the components would hold them. */
async function generation(r: RotationPlan): Promise<{ passwords: Passwords; previous: Passwords; plain: Record<string, string[]> }> {
    let made!: ReturnType<typeof rotatedPasswords>;
    const rec = await record(() => (made = rotatedPasswords("valkey", plan, new Parent(), r)));
    const real = async (o: pulumi.Output<string>) => {
        const name = String(await value(o)).replace(/^mock-secret-/, "");
        const keepers = rec.resources.find((x) => x.name === name)!.rawInputs.keepers as { generation?: string } | undefined;
        const key = `${name}@${keepers?.generation ?? 0}`;
        if (!issued.has(key)) issued.set(key, randomBytes(16).toString("hex"));
        return issued.get(key)!;
    };
    const convert = async (m: Passwords) => Object.fromEntries(await Promise.all(Object.entries(m).map(async ([u, o]) => [u, await real(o)] as const)));
    const [cur, prev] = [await convert(made.passwords), await convert(made.previous)];
    const plain = Object.fromEntries(Object.entries(cur).map(([u, p]) => [u, prev[u] ? [p, prev[u]] : [p]]));
    const secret = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([u, p]) => [u, pulumi.secret(p)]));
    return { passwords: secret(cur), previous: secret(prev), plain };
}

describe("Valkey rotation on a real server", function () {
    this.timeout(60000);
    let bin: string;
    let server: Server | undefined;
    const clients: Valkey[] = [];
    const as = async (user: string, pw: string) => {
        const c = await login(server!.port, user, pw);
        clients.push(c);
        return c;
    };
    /** AUTH on a fresh connection: "OK" or the server's refusal (WRONGPASS). */
    const outcome = async (user: string, pw: string) => {
        const c = connect(server!.port);
        c.on("error", () => undefined);
        clients.push(c);
        await c.connect();
        return (await refusal(c.call("AUTH", user, pw))).replace(/^accepted: "OK"$/, "OK");
    };
    const gens: Awaited<ReturnType<typeof generation>>[] = [];

    before(async function () {
        bin = serverBinary(this);
        for (const n of [0, 1, 2]) gens.push(await generation(rotation(n)));
    });
    after(async () => {
        for (const c of clients) c.disconnect();
        await server?.stop();
        if (server) fs.rmSync(server.dir, { recursive: true, force: true });
    });

    it("picks the passwords as documented: a new one per rotation, the previous kept one rotation long", () => {
        const [p0, p1, p2] = gens.map((g) => g.plain[SCANNER]);
        assert.deepStrictEqual([p0.length, p1.length, p2.length], [1, 2, 2]);
        assert.deepStrictEqual([p1[1], p2[1]], [p0[0], p1[0]], "the previous password is the last current one");
        assert.ok(new Set([p0[0], p1[0], p2[0]]).size === 3, "each rotation brings a new password");
        const other = plan.services.find((s) => s.service === "policy")!.user;
        assert.deepStrictEqual(gens.map((g) => g.plain[other]), [gens[0].plain[other], gens[0].plain[other], gens[0].plain[other]], "other services untouched");
    });

    it("aclfile (dev, airgap): after the server loads the rotated file both passwords log in; after the next one the oldest is refused", async () => {
        const dir = tempDir("valkey-rotation");
        server = await startServer(bin, plan, instance, Object.fromEntries(Object.entries(gens[0].plain).map(([u, p]) => [u, p[0]])), dir);
        assert.strictEqual(await outcome(SCANNER, gens[0].plain[SCANNER][0]), "OK");
        const load = async (g: (typeof gens)[number]) => {
            fs.writeFileSync(server!.aclPath, await value<string>(aclFile(instance, g.passwords, g.previous)));
            // What a recreated container or restarted pod does: start with the new file.
            await server!.stop();
            await server!.restart();
        };
        await load(gens[1]);
        assert.match(fs.readFileSync(server.aclPath, "utf8"), new RegExp(`^user ${SCANNER} on #${sha256Hex(gens[1].plain[SCANNER][0])} #${sha256Hex(gens[0].plain[SCANNER][0])} `, "m"));
        for (const pw of gens[1].plain[SCANNER]) assert.strictEqual(await outcome(SCANNER, pw), "OK");
        await load(gens[2]);
        for (const pw of gens[2].plain[SCANNER]) assert.strictEqual(await outcome(SCANNER, pw), "OK");
        assert.match(await outcome(SCANNER, gens[0].plain[SCANNER][0]), /WRONGPASS/);
        await server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
        server = undefined;
    });

    it("external (ACL SETUSER): both passwords during the window, the oldest refused after the next rotation; open connections stay", async () => {
        const dir = tempDir("valkey-rotation-ext");
        const admin = { user: "admin", password: randomBytes(12).toString("hex") };
        // An existing server as its owners run it: the default user on, an admin for the provider.
        server = await startServer(bin, plan, { ...instance, users: [] }, {}, dir);
        fs.writeFileSync(server.aclPath, `user default on nopass ~* &* +@all\nuser ${admin.user} on #${sha256Hex(admin.password)} ~* &* +@all\n`);
        await server.stop();
        await server.restart();
        const services = instance.users.filter((u) => u.kind === "service");
        const inputs = async (g: (typeof gens)[number]): Promise<AclUsersInputs> => {
            const hashes = await value<Record<string, string[]>>(acceptedHashes(g.passwords, g.previous, services.map((u) => u.name)));
            const users = services.map((u) => ({ name: u.name, rules: [...u.rules], passwordHash: hashes[u.name][0], ...(hashes[u.name][1] && { previousHash: hashes[u.name][1] }) }));
            return { host: "127.0.0.1", port: server!.port, tls: false, adminUser: admin.user, adminPassword: admin.password, users, disableDefault: true };
        };
        const provider = aclUsersProvider as Required<typeof aclUsersProvider>;
        const [i0, i1, i2] = [await inputs(gens[0]), await inputs(gens[1]), await inputs(gens[2])];
        await provider.create(i0);
        const pooled = await as(SCANNER, gens[0].plain[SCANNER][0]);
        assert.strictEqual((await provider.diff("id", i0, i1)).changes, true);
        await provider.update("id", i0, i1);
        for (const pw of gens[1].plain[SCANNER]) assert.strictEqual(await outcome(SCANNER, pw), "OK");
        assert.strictEqual(await pooled.ping(), "PONG", "a connection opened before the rotation");
        assert.deepStrictEqual((await provider.read("id", i1)).props!.users.map((u) => u.name), i1.users.map((u) => u.name), "read sees both hashes");
        await provider.update("id", i1, i2);
        for (const pw of gens[2].plain[SCANNER]) assert.strictEqual(await outcome(SCANNER, pw), "OK");
        assert.match(await outcome(SCANNER, gens[0].plain[SCANNER][0]), /WRONGPASS/);
        assert.strictEqual(await pooled.ping(), "PONG", "still authenticated: ACL SETUSER checks passwords at AUTH only");
    });
});
