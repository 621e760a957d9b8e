/**
 * Config validation: every case of the corpus fails with its key path and what was expected, and
 * the program registers nothing. Runs the real program (stacks/index.ts) under the recording mocks.
 */
import * as assert from "assert";
import { evaluateStack, resources } from "../harness";
import { parseStackConfig } from "../../stacks/config";
import { planStack } from "../../stacks/plans";
import { PROFILE_NAMES } from "../../stacks/profiles";
import { AIRGAP, AWS, CASES, DEV, EXTERNAL, EXTERNAL_SECRETS, ROTATION_ACCEPTED } from "./cases";

describe("stack config validation", () => {
    it("has a corpus of at least 60 bad configurations over every profile", () => {
        assert.ok(CASES.length >= 60, `${CASES.length} cases`);
        for (const p of PROFILE_NAMES) {
            const n = CASES.filter((c) => c.config["stellaops:profile"] === p).length;
            assert.ok(n >= 8, `profile ${p}: ${n} cases, expected at least 8`);
        }
    });

    for (const c of CASES) {
        it(`rejects ${c.name}, naming the key, registering nothing`, async () => {
            const secrets = c.secrets ?? Object.keys(c.config).filter((k) => EXTERNAL_SECRETS.includes(k));
            await assert.rejects(evaluateStack("validation", { bare: true, overrides: c.config, secretOverrides: [...secrets] }), (err: Error) => {
                for (const [key, expected] of c.expect) {
                    const line = err.message.split("\n").find((l) => l.trim().startsWith(`${key}:`));
                    assert.ok(line, `no line for ${key} in:\n${err.message}`);
                    assert.match(line, expected);
                }
                return true;
            });
            assert.deepStrictEqual((await resources()).map((r) => `${r.type} ${r.name}`), []);
        });
    }

    it("accepts each profile's minimal config and registers its resources", async () => {
        for (const config of [DEV, AIRGAP, AWS, EXTERNAL]) {
            const ev = await evaluateStack("validation", { bare: true, overrides: config, secretOverrides: Object.keys(config).filter((k) => EXTERNAL_SECRETS.includes(k)) });
            assert.ok(ev.resources.length > 50, `${config["stellaops:profile"]}: ${ev.resources.length} resources`);
        }
    });

    for (const c of ROTATION_ACCEPTED) {
        it(`accepts ${c.name}, planning the rotation once`, async () => {
            const secrets = Object.keys(c.config).filter((k) => EXTERNAL_SECRETS.includes(k));
            const raw = Object.fromEntries(Object.entries(c.config).filter(([k]) => !secrets.includes(k)).map(([k, v]) => [k.slice("stellaops:".length), v]));
            const plans = planStack(parseStackConfig(raw, new Set(secrets.map((k) => k.slice("stellaops:".length))) as never));
            assert.deepStrictEqual(plans.rotation, c.rotation);
            const ev = await evaluateStack("validation", { bare: true, overrides: c.config, secretOverrides: secrets });
            assert.ok(ev.resources.length > 50, `${ev.resources.length} resources`);
        });
    }

    it("types what a profile requires: the external host is a string once parsed", () => {
        const ext = parseStackConfig(
            { profile: "external", postgres: { host: "10.0.0.5" }, valkey: { host: "valkey" }, objectStore: { endpoint: "https://s3.internal" } },
            new Set(["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"] as const),
        );
        assert.strictEqual(ext.profile, "external");
        if (ext.profile === "external") assert.strictEqual(ext.postgres.host.toUpperCase(), "10.0.0.5");
        const dev = parseStackConfig({ profile: "dev" });
        assert.strictEqual(dev.nats.enabled, false);
        assert.ok(!("sslMode" in dev.postgres), "dev has no sslMode key at all");
    });
});
