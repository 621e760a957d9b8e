/**
 * `npm run render`: per example stack, the artifacts real servers consume, from the stack file
 * alone (no secret resolved): bootstrap.sql with psql variables, the Valkey files with every
 * user off, buckets.json, NATS only when enabled, the backup job definition only where the
 * operator runs it (servers that exist).
 */
import * as assert from "assert";
import * as path from "path";
import { parseStackConfig } from "../../stacks/config";
import { planStack } from "../../stacks/plans";
import { EXAMPLE_STACKS, PROFILES } from "../../stacks/profiles";
import { renderStack, stackConfig } from "../../tools/render";

const OUT = path.join("/", "tmp", "render-test");

describe("npm run render", () => {
    for (const { stack, profile } of EXAMPLE_STACKS) {
        it(`${stack}: bootstrap.sql, the Valkey files, buckets.json, NATS only when on, no secret`, () => {
            const cfg = stackConfig(stack);
            const { files } = renderStack(cfg, planStack(cfg), { out: OUT });
            const names = Object.keys(files).sort();
            for (const f of ["objectstore/buckets.json", "postgres/bootstrap.sql", "valkey/users.acl", "valkey/valkey.conf"]) assert.ok(names.includes(f), `${stack}: ${f}`);
            assert.strictEqual(names.some((n) => n.startsWith("nats/")), cfg.nats.enabled, "a NATS file exactly when NATS is on");
            assert.strictEqual(names.some((n) => n.startsWith("backup/")), PROFILES[profile].servers === "existing", "backup job files only for servers the operator runs");
            const all = Object.values(files).join("\n");
            assert.ok(!/placeholder|mock-secret|PASSWORD '/.test(all), "no secret or placeholder in rendered files");
            assert.match(files["postgres/bootstrap.sql"], /:'authority_password'/, "passwords only as psql variables");
            assert.ok(files["valkey/users.acl"].split("\n").filter((l) => l.startsWith("user ")).every((l) => / off /.test(l) && !/ >/.test(l)), "no password in the offline aclfile");
            assert.match(files["valkey/valkey.conf"], new RegExp(`^aclfile ${OUT}/valkey/users.acl$`, "m"), "the conf points at the aclfile beside it");
        });
    }

    it("with split, each conf names its own aclfile", () => {
        const cfg = parseStackConfig({ profile: "dev", valkey: { split: true } });
        const { files } = renderStack(cfg, planStack(cfg), { out: OUT });
        assert.match(files["valkey/valkey-coordination.conf"], /^aclfile .*\/users-coordination\.acl$/m);
        assert.match(files["valkey/valkey-cache.conf"], /^aclfile .*\/users-cache\.acl$/m);
        assert.ok(files["valkey/users-coordination.acl"] && files["valkey/users-cache.acl"]);
    });

    it("adds nats/nats-server.conf only when NATS is enabled, with hashes referenced, never passwords", () => {
        const on = parseStackConfig({ profile: "dev", nats: { enabled: true, maxMemoryStoreMb: 64, maxFileStoreMb: 1024 } });
        const conf = renderStack(on, planStack(on), { out: OUT }).files["nats/nats-server.conf"];
        assert.ok(conf, "nats-server.conf rendered");
        assert.match(conf, /\$SCANNER_PASSWORD_BCRYPT/);
        assert.match(conf, new RegExp(`store_dir: "${OUT}/data/nats"`));
        const off = parseStackConfig({ profile: "dev" });
        assert.strictEqual(renderStack(off, planStack(off), { out: OUT }).files["nats/nats-server.conf"], undefined);
    });
});
