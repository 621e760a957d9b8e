/**
 * `npm run render`: per stack, the artifacts real servers consume, from the stack file alone
 * (no secret is resolved), and NATS only when enabled.
 */
import * as assert from "assert";
import { parseStackConfig } from "../stacks/config";
import { STACKS } from "../tools/snapshots";
import { renderStack, stackConfig } from "../tools/render";

describe("npm run render", () => {
    for (const stack of STACKS) {
        it(`${stack}: bootstrap.sql, the Valkey files and buckets.json, no NATS file, no secret`, () => {
            const files = renderStack(stackConfig(stack));
            assert.deepStrictEqual(Object.keys(files).sort(), ["objectstore/buckets.json", "postgres/bootstrap.sql", "valkey/users.acl", "valkey/valkey.conf"]);
            const all = Object.values(files).join("\n");
            assert.ok(!/placeholder|mock-secret|PASSWORD '/.test(all), "no secret or placeholder in rendered files");
            assert.match(files["postgres/bootstrap.sql"], /:'authority_password'/, "passwords only as psql variables");
            assert.ok(files["valkey/users.acl"].split("\n").filter((l) => l.startsWith("user ")).every((l) => / off /.test(l) && !/>/.test(l)), "no password in the offline aclfile");
        });
    }

    it("adds nats/nats-server.conf only when NATS is enabled, with hashes referenced, never passwords", () => {
        const cfg = parseStackConfig({ profile: "dev", nats: { enabled: true, maxMemoryStoreMb: 64, maxFileStoreMb: 1024 } });
        const conf = renderStack(cfg)["nats/nats-server.conf"];
        assert.ok(conf, "nats-server.conf rendered");
        assert.match(conf, /\$SCANNER_PASSWORD_BCRYPT/);
        assert.strictEqual(renderStack(parseStackConfig({ profile: "dev" }))["nats/nats-server.conf"], undefined);
    });
});
