/**
 * The ha start scripts run by a real sh, with valkey-cli, valkey-server and hostname replaced by
 * stubs: which role a member starts in (first start, restart after a failover, Sentinels that
 * answer garbage), and how a Sentinel rebuilds its conf from what its peers know.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { HaScriptNames, memberStartScript, sentinelStartScript } from "../../components/valkey/ha-scripts";
import { tempDir } from "../support/servers";

const NAMES: HaScriptNames & { members: string } = { members: "valkey", sentinels: "valkey-sentinel", sentinelCount: 3, port: 6379, sentinelPort: 26379, probeUser: "stellaops-probe" };
const DOMAIN = "ns.svc.cluster.local";
const STUBS: Record<string, string> = {
    // Answers from reply-<host> when that Sentinel "is up", else fails like a refused connection.
    "valkey-cli": 'while [ $# -gt 0 ]; do [ "$1" = -h ] && host="$2"; shift; done\n[ -f "$STUB/reply-$host" ] && cat "$STUB/reply-$host" || exit 1\n',
    "valkey-server": 'echo "$@" > "$STUB/exec"\n',
    hostname: 'echo "$HOSTNAME"\n',
};

function run(script: string, hostname: string, replies: Record<string, string> = {}): { exec: string; dir: string } {
    const dir = tempDir("valkey-ha-script");
    for (const [name, body] of Object.entries(STUBS)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}`, { mode: 0o755 });
    for (const [host, reply] of Object.entries(replies)) fs.writeFileSync(path.join(dir, `reply-${host}`), reply);
    const r = spawnSync("sh", ["-c", script.replace(/@DIR@/g, dir)], { encoding: "utf8", env: { PATH: `${dir}:${process.env.PATH}`, STUB: dir, HOSTNAME: hostname, POD_NAMESPACE: "ns" } });
    assert.equal(r.status, 0, r.stderr);
    return { exec: fs.readFileSync(path.join(dir, "exec"), "utf8").trim(), dir };
}

const member = (hostname: string, replies?: Record<string, string>) => {
    const { exec, dir } = run(memberStartScript(NAMES, "valkey", "/etc/valkey/valkey.conf"), hostname, replies);
    fs.rmSync(dir, { recursive: true, force: true });
    return exec;
};
const sentinelHost = (i: number) => `valkey-sentinel-${i}.valkey-sentinel.${DOMAIN}`;

describe("valkey ha start scripts", () => {
    it("parse as POSIX sh", () => {
        for (const s of [memberStartScript(NAMES, "valkey", "/c"), sentinelStartScript(NAMES, ["valkey"], 2, "/t", "/c")]) assert.equal(spawnSync("sh", ["-n"], { input: s }).status, 0);
    });

    it("first start: ordinal 0 is the primary, the others replicate from it, each announcing its stable name", () => {
        assert.equal(member("valkey-0"), `/etc/valkey/valkey.conf --replica-announce-ip valkey-0.valkey.${DOMAIN}`);
        assert.equal(member("valkey-2"), `/etc/valkey/valkey.conf --replica-announce-ip valkey-2.valkey.${DOMAIN} --replicaof valkey-0.valkey.${DOMAIN} 6379`);
    });

    it("after a failover: a restarted ordinal 0 rejoins as a replica of the primary the Sentinels name", () => {
        const replies = { [sentinelHost(1)]: `valkey-2.valkey.${DOMAIN}\n6379\n` };
        assert.equal(member("valkey-0", replies), `/etc/valkey/valkey.conf --replica-announce-ip valkey-0.valkey.${DOMAIN} --replicaof valkey-2.valkey.${DOMAIN} 6379`);
        assert.equal(member("valkey-2", replies), `/etc/valkey/valkey.conf --replica-announce-ip valkey-2.valkey.${DOMAIN}`, "the named primary starts as primary");
    });

    it("ignores Sentinel errors and empty answers instead of replicating from them", () => {
        const replies = { [sentinelHost(0)]: "NOAUTH Authentication required.\n", [sentinelHost(1)]: "\n", [sentinelHost(2)]: "ERR No such master with that name\n" };
        assert.equal(member("valkey-0", replies), `/etc/valkey/valkey.conf --replica-announce-ip valkey-0.valkey.${DOMAIN}`);
    });

    it("Sentinel: copies its conf where it can rewrite it, follows the primary its peers know, announces itself", () => {
        const template = "port 26379\nsentinel monitor valkey valkey-0.valkey.ns.svc.cluster.local 6379 2\nsentinel auth-user valkey stellaops-sentinel\n";
        const script = sentinelStartScript(NAMES, ["valkey"], 2, "@DIR@/template.conf", "@DIR@/sentinel.conf");
        const dir0 = tempDir("valkey-ha-template");
        fs.writeFileSync(path.join(dir0, "template.conf"), template);
        // Its own name answers something else: a Sentinel must never ask itself.
        const replies = { [sentinelHost(0)]: "self\n1\n", [sentinelHost(2)]: `valkey-1.valkey.${DOMAIN}\n6379\n` };
        const { exec, dir } = run(script.replace("cp @DIR@/template.conf", `cp ${dir0}/template.conf`), "valkey-sentinel-0", replies);
        assert.equal(exec, `${dir}/sentinel.conf --sentinel`);
        const conf = fs.readFileSync(path.join(dir, "sentinel.conf"), "utf8");
        assert.equal(conf, `port 26379\nsentinel monitor valkey valkey-1.valkey.${DOMAIN} 6379 2\nsentinel auth-user valkey stellaops-sentinel\nsentinel announce-ip valkey-sentinel-0.valkey-sentinel.${DOMAIN}\n`);
        assert.equal(fs.readFileSync(path.join(dir0, "template.conf"), "utf8"), template, "the template is left alone");
        for (const d of [dir, dir0]) fs.rmSync(d, { recursive: true, force: true });
    });
});
