/**
 * Rendered artifacts that run as documented (issue 16): the files written the way the render CLI
 * writes them for a local run, with the aclfile hashed offline from the stack's outputs, then
 * `redis-server <out>/valkey/valkey.conf` started from another working directory, and a service
 * logging in with the password from those outputs. One instance and the split pair.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Valkey } from "iovalkey";
import type { ValkeyPlan } from "../../components/valkey/plan";
import { hashesFromStackOutputs, renderValkeyLocal } from "../../components/valkey/render-local";
import { Proc, freePort, portOpen, startProcess, tempDir, waitFor } from "../support/servers";
import { consecutivePorts, login, refusal, serverBinary, stackOutputs, testPasswords, testPlan } from "./support";

/** As the render CLI does it: data dirs first, then every file under --out. */
function writeLikeTheCli(out: string, plan: ValkeyPlan, port: number, outputsJson: string): void {
    const { files, dataDirs } = renderValkeyLocal(plan, { confDir: path.join(out, "valkey"), port }, hashesFromStackOutputs(JSON.parse(outputsJson), plan));
    for (const d of dataDirs) fs.mkdirSync(d, { recursive: true });
    for (const [rel, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
        fs.writeFileSync(path.join(out, rel), content, { mode: rel.endsWith(".acl") ? 0o600 : 0o644 });
    }
}

describe("valkey rendered artifacts: redis-server <out>/valkey/valkey.conf as documented", function () {
    const procs: Proc[] = [];
    const dirs: string[] = [];
    const clients: Valkey[] = [];
    let bin: string;

    before(function () {
        bin = serverBinary(this);
    });

    after(async () => {
        for (const c of clients) c.disconnect();
        for (const p of procs) await p.stop();
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    /** Starts the server exactly as README says, from a working directory that is not the render output. */
    async function run(conf: string, port: number): Promise<Proc> {
        const proc = startProcess(bin, [conf], { cwd: os.tmpdir() });
        procs.push(proc);
        await waitFor(`${conf} on ${port}`, async () => {
            if (proc.child.exitCode !== null) throw new Error(`exited ${proc.child.exitCode}: ${proc.output()}`);
            return portOpen(port);
        }, 15000);
        return proc;
    }

    it("one instance: starts from the rendered conf, the service logs in with the password from the stack outputs", async () => {
        const plan = testPlan();
        const pw = testPasswords(plan);
        const out = tempDir("valkey-render");
        dirs.push(out);
        const port = await freePort();
        writeLikeTheCli(out, plan, port, JSON.stringify(stackOutputs(plan, (u) => pw[u])));
        await run(path.join(out, "valkey", "valkey.conf"), port);

        const scanner = plan.services.find((s) => s.service === "scanner")!;
        const c = await login(port, scanner.user, pw[scanner.user]);
        clients.push(c);
        assert.equal(await c.call("XGROUP", "CREATE", scanner.queues[0].stream, scanner.queues[0].group, "$", "MKSTREAM"), "OK");
        assert.match(await refusal(c.get("concelier:cache:t:k")), /^NOPERM/);
        assert.ok(fs.existsSync(path.join(out, "valkey", "data", "valkey", "appendonlydir")), "the AOF is in the rendered data dir");
        const op = await login(port, plan.operator, pw[plan.operator]);
        clients.push(op);
        assert.equal(await op.call("ACL", "WHOAMI"), plan.operator);
    });

    it("split: both confs start, each with its own aclfile and data dir", async () => {
        const plan = testPlan({ split: true });
        const pw = testPasswords(plan);
        const out = tempDir("valkey-render-split");
        dirs.push(out);
        const port = await consecutivePorts(2);
        writeLikeTheCli(out, plan, port, JSON.stringify(stackOutputs(plan, (u) => pw[u])));
        await run(path.join(out, "valkey", "valkey-coordination.conf"), port);
        await run(path.join(out, "valkey", "valkey-cache.conf"), port + 1);

        const authority = plan.services.find((s) => s.service === "authority")!;
        const coord = await login(port, authority.user, pw[authority.user]);
        const cache = await login(port + 1, authority.user, pw[authority.user]);
        clients.push(coord, cache);
        assert.equal(await coord.call("SET", `${authority.prefixes.dpop}n1`, "1", "NX", "EX", 60), "OK");
        assert.equal(await cache.call("SET", `${authority.prefixes.cache}t:k`, "v", "EX", 60), "OK");
        assert.match(await refusal(cache.call("SET", `${authority.prefixes.dpop}n1`, "1", "EX", 60)), /^NOPERM/, "the cache instance loaded users-cache.acl");
    });
});
