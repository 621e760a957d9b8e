/**
 * NATS rotation on a real nats-server, measured rather than assumed: a user cannot be listed
 * twice, so there is no overlap. When the server loads the config with the new bcrypt hash, it
 * closes the rotated user's open connections (Authorization Violation) and refuses the old
 * password; the new one logs in; other users are not touched. The window is therefore the time
 * between the server loading the new config and the service reconnecting with its new
 * password: rotate one service at a time and restart it right after `pulumi up`.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";
import { hashSync } from "bcryptjs";
import type { NatsConnection } from "nats";
import { renderNatsConf } from "../../components/nats/render";
import { checkConfig, NatsTestServer, requireNatsServer, startNats } from "../nats/server-support";

describe("NATS rotation on a real nats-server: no overlap, a short window", function () {
    this.timeout(60000);
    let server: NatsTestServer | undefined;
    let bin: string;
    const open: NatsConnection[] = [];

    before(async function () {
        bin = requireNatsServer(this);
        server = await startNats(bin, { maxMemoryStoreMb: 64, maxFileStoreMb: 256 });
    });
    after(async () => {
        for (const c of open) await c.close().catch(() => undefined);
        await server?.stop();
    });

    it("refuses a user listed twice (the old and the new password side by side)", () => {
        const s = server!;
        const file = path.join(s.dir, "twice.conf");
        const conf = renderNatsConf(s.plan, s.layout, s.hashes);
        const user = s.plan.accounts[0].user;
        // The account's users list with a second entry for the same user.
        fs.writeFileSync(file, conf.replace(/(users: \[)/, `$1\n        { user: "${user}", password: "${hashSync("other", 4)}" },`));
        const r = checkConfig(bin, file);
        assert.ok(!r.ok && /Duplicate user/i.test(r.output), r.output);
    });

    it("on reload with a new hash: the user's open connection is closed, its old password refused, the new one accepted; others keep theirs", async () => {
        const s = server!;
        const [rotated, other] = [s.plan.accounts[0].user, s.plan.accounts[1].user];
        const before = await s.login(rotated);
        const bystander = await s.login(other);
        open.push(before, bystander);
        const closed = before.closed();
        const fresh = randomBytes(16).toString("hex");
        fs.writeFileSync(s.confFile, renderNatsConf(s.plan, s.layout, { ...s.hashes, [rotated]: hashSync(fresh, 4) }));
        s.proc.child.kill("SIGHUP"); // what `nats-server --signal reload` sends
        const why = await Promise.race([closed.then((e) => (e ? e.message : "closed")), new Promise<string>((r) => setTimeout(() => r("still open"), 5000))]);
        assert.match(why, /Authorization Violation/i);
        await assert.rejects(s.login(rotated), /AUTHORIZATION_VIOLATION|Authorization/i);
        const after = await s.login(rotated, fresh);
        open.push(after);
        assert.ok(!bystander.isClosed(), "another user's connection stays");
        await bystander.flush();
    });
});
