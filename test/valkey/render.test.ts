/**
 * Renderers: valkey.conf directives, aclfile lines (hashes only, never plaintext), the files
 * `npm run render` writes for one instance or a split pair, and the health-check command.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import { CATALOG } from "../../components/catalog";
import { ValkeyOptions, planValkey } from "../../components/valkey/plan";
import { CONTAINER_SETTINGS, aclLine, probeCommand, renderAclFile, renderValkeyConf, renderValkeyFiles } from "../../components/valkey/render";
import { defaultOptions } from "./support";

const defaults: ValkeyOptions = defaultOptions();
const plan = (o: Partial<ValkeyOptions> = {}) => planValkey({ ...defaults, ...o }, CATALOG);
const directives = (conf: string) => conf.split("\n").filter((l) => l && !l.startsWith("#"));
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("valkey render", () => {
    it("renders valkey.conf: protected mode, the aclfile, AOF everysec, maxmemory and the policy from the plan", () => {
        const p = plan({ maxmemoryMb: 768 });
        const d = directives(renderValkeyConf(p, p.instances[0]));
        for (const line of ["protected-mode yes", `aclfile ${CONTAINER_SETTINGS.aclDir}/users.acl`, "appendonly yes", "appendfsync everysec", "maxmemory 768mb", "maxmemory-policy volatile-lru", "port 6379", "enable-debug-command no", "enable-module-command no"]) {
            assert.ok(d.includes(line), `missing: ${line}`);
        }
        assert.ok(!d.some((l) => /^(user|requirepass|masterauth) /.test(l)), "no users or passwords in valkey.conf");
    });

    it("turns TLS on: plain port off, tls-port with the platform's certificate files", () => {
        const p = plan({ tls: true });
        const d = directives(renderValkeyConf(p, p.instances[0]));
        assert.ok(d.includes("port 0") && d.includes("tls-port 6379"));
        for (const f of ["tls-cert-file", "tls-key-file"]) assert.ok(d.some((l) => l.startsWith(`${f} ${CONTAINER_SETTINGS.tlsDir}/`)), f);
        assert.ok(d.includes("tls-auth-clients no"), "clients authenticate with ACL passwords");
        assert.ok(probeCommand(p).join(" ").includes("--tls"));
    });

    it("renders the split pair: coordination noeviction with AOF, cache allkeys-lru without persistence", () => {
        const p = plan({ split: true });
        const [coord, cache] = p.instances.map((i) => directives(renderValkeyConf(p, i)));
        assert.ok(coord.includes("maxmemory-policy noeviction") && coord.includes("appendonly yes"));
        assert.ok(cache.includes("maxmemory-policy allkeys-lru") && cache.includes("appendonly no") && cache.includes('save ""'));
    });

    it("writes the default user off with no password, other users on with #<sha256> only", () => {
        const p = plan();
        const instance = p.instances[0];
        const passwords = Object.fromEntries(p.passwordUsers.map((u) => [u.name, `pw-${u.key}-${"x".repeat(20)}`]));
        const hashes = Object.fromEntries(Object.entries(passwords).map(([u, pw]) => [u, sha(pw)]));
        const lines = renderAclFile(instance, hashes).trimEnd().split("\n");
        assert.equal(lines.length, instance.users.length);
        assert.match(lines[0], /^user default off resetpass /);
        assert.ok(!/[#>]|nopass/.test(lines[0]), "the default user has no way to log in");
        for (const [user, pw] of Object.entries(passwords)) {
            const line = lines.find((l) => l.startsWith(`user ${user} `))!;
            assert.ok(line.startsWith(`user ${user} on #${sha(pw)} `), user);
            assert.ok(!lines.join("\n").includes(pw), `plaintext of ${user}`);
        }
        assert.throws(() => aclLine(instance.users[1], "not-a-hash"), /expected 64 lowercase hex/);
    });

    it("without hashes renders every user off with no password: reviewable, loadable, opens nothing", () => {
        const p = plan();
        const files = renderValkeyFiles(p);
        assert.deepEqual(Object.keys(files).sort(), ["valkey/users.acl", "valkey/valkey.conf"]);
        for (const line of files["valkey/users.acl"].trimEnd().split("\n")) {
            assert.match(line, /^user \S+ off resetpass /);
            assert.ok(!line.includes("#") && !line.includes(" >") && !line.includes("nopass"), line);
        }
    });

    it("names the split files after their instances, and each conf names its own aclfile", () => {
        const files = renderValkeyFiles(plan({ split: true }));
        assert.deepEqual(Object.keys(files).sort(), ["valkey/users-cache.acl", "valkey/users-coordination.acl", "valkey/valkey-cache.conf", "valkey/valkey-coordination.conf"]);
        for (const key of ["coordination", "cache"]) {
            assert.deepEqual(directives(files[`valkey/valkey-${key}.conf`]).filter((l) => l.startsWith("aclfile ")), [`aclfile ${CONTAINER_SETTINGS.aclDir}/users-${key}.acl`]);
        }
    });

    it("health-checks as the probe user, never with a password on the command line", () => {
        const p = plan();
        const cmd = probeCommand(p).join(" ");
        assert.ok(cmd.includes(`--user ${p.probe}`) && cmd.includes("ping") && cmd.includes("PONG"));
        assert.ok(!/ -a |--pass/.test(cmd));
    });
});
