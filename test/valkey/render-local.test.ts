/**
 * Rendered files for a run outside a container: absolute data and aclfile paths from options, a
 * port per instance, the data directories to create, and the offline hashed aclfile from a
 * stack's outputs (only hashes out, malformed or hidden logins refused with the output path).
 */
import * as assert from "assert";
import { createHash } from "crypto";
import { hashesFromStackOutputs, localSettings, renderValkeyLocal } from "../../components/valkey/render-local";
import { stackOutputs, testPlan } from "./support";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const directives = (conf: string) => conf.split("\n").filter((l) => l && !l.startsWith("#"));

describe("valkey render for local runs", () => {
    it("points the conf at the data dir, the aclfile beside it and the given port", () => {
        const p = testPlan();
        const { files, dataDirs } = renderValkeyLocal(p, { confDir: "/srv/out/valkey", dataDir: "/var/lib/stellaops", port: 7000 });
        assert.deepEqual(Object.keys(files).sort(), ["valkey/users.acl", "valkey/valkey.conf"]);
        const d = directives(files["valkey/valkey.conf"]);
        for (const line of ["port 7000", "bind 127.0.0.1", "aclfile /srv/out/valkey/users.acl", "dir /var/lib/stellaops/valkey"]) assert.ok(d.includes(line), `missing ${line}`);
        assert.deepEqual(dataDirs, ["/var/lib/stellaops/valkey"]);
    });

    it("split: a port, a data dir and an aclfile of its own per instance", () => {
        const p = testPlan({ split: true });
        const { files, dataDirs } = renderValkeyLocal(p, { confDir: "/o/valkey" });
        const conf = (name: string) => directives(files[`valkey/${name}.conf`]);
        assert.ok(conf("valkey-coordination").includes("aclfile /o/valkey/users-coordination.acl") && conf("valkey-coordination").includes("port 6379"));
        assert.ok(conf("valkey-cache").includes("aclfile /o/valkey/users-cache.acl") && conf("valkey-cache").includes("port 6380"));
        assert.deepEqual(dataDirs, ["/o/valkey/data/valkey-coordination", "/o/valkey/data/valkey-cache"], "two AOFs never share a directory");
        assert.ok(files["valkey/users-cache.acl"] && files["valkey/users-coordination.acl"]);
    });

    it("refuses relative paths: redis-server would resolve them from wherever it was started", () => {
        const p = testPlan();
        assert.throws(() => localSettings(p, p.instances[0], { confDir: "out/valkey" }), /confDir: expected an absolute path/);
        assert.throws(() => localSettings(p, p.instances[0], { confDir: "/o", dataDir: "data" }), /dataDir: expected an absolute path/);
    });

    it("hashes the logins of `pulumi stack output --show-secrets --json`: services and operator on, the rest off", () => {
        const p = testPlan();
        const outputs = stackOutputs(p, (u) => `pw-of-${u}`);
        const hashes = hashesFromStackOutputs(JSON.parse(JSON.stringify(outputs)), p);
        assert.deepEqual(Object.keys(hashes).sort(), [...p.services.map((s) => s.user), p.operator].sort());
        for (const [user, hash] of Object.entries(hashes)) assert.equal(hash, sha(`pw-of-${user}`));
        const acl = renderValkeyLocal(p, { confDir: "/o/valkey" }, hashes).files["valkey/users.acl"];
        for (const s of p.services) assert.ok(acl.includes(`user ${s.user} on #${sha(`pw-of-${s.user}`)} `), s.user);
        assert.match(acl, new RegExp(`^user ${p.probe} off resetpass `, "m"), "the probe's password is no output: it stays off");
        assert.ok(!acl.includes("pw-of-"), "no plaintext");
    });

    it("refuses outputs without secrets, of another stack, or of another shape, naming the output", () => {
        const p = testPlan();
        const good = stackOutputs(p, () => "pw");
        const withScanner = (valkey: unknown) => ({ ...good, services: { ...(good.services as object), scanner: { valkey } } });
        assert.throws(() => hashesFromStackOutputs(withScanner({ user: "stellaops-scanner", password: "[secret]" }), p), /^Error: services\.scanner\.valkey\.password: expected the password \(run pulumi stack output with --show-secrets\)/);
        assert.throws(() => hashesFromStackOutputs(withScanner({ user: "prod-scanner", password: "pw" }), p), /^Error: services\.scanner\.valkey\.user: expected stellaops-scanner/);
        assert.throws(() => hashesFromStackOutputs(withScanner({ user: "stellaops-scanner" }), p), /services\.scanner\.valkey: expected \{ user, password \} strings/);
        assert.throws(() => hashesFromStackOutputs("not json", p), /expected the JSON object/);
        assert.deepEqual(hashesFromStackOutputs({}, p), {}, "no logins: every user stays off");
    });
});
