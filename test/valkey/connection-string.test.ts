/**
 * StackExchange.Redis configuration strings: the exact form (server or Sentinels), the option
 * names StackExchange.Redis documents, values it could not parse refused, and the Output helper
 * secret because the string holds the password.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { STACKEXCHANGE_RESTRICTED, parseStackExchangeConfiguration, stackExchangeConfiguration } from "../../components/valkey/connection-string";
import { stackExchangeSecret } from "../../components/valkey/credentials";
import { isSecret, value } from "../harness";

const RESTRICTED = STACKEXCHANGE_RESTRICTED.join(",");

describe("valkey StackExchange.Redis configuration strings", () => {
    it("renders host:port,user=,password=,ssl=,abortConnect=false, then the command map a restricted ACL user needs", () => {
        const s = stackExchangeConfiguration({ endpoints: [{ host: "valkey.stellaops-deps.svc.cluster.local", port: 6379 }], user: "stellaops-notify", password: "pw0123456789", ssl: false });
        assert.equal(s, `valkey.stellaops-deps.svc.cluster.local:6379,user=stellaops-notify,password=pw0123456789,ssl=false,abortConnect=false,${RESTRICTED}`);
        assert.equal(stackExchangeConfiguration({ endpoints: [{ host: "h", port: 6380 }], user: "u", password: "p", ssl: true }).split(",")[3], "ssl=true");
    });

    it("turns off exactly the commands the ACL refuses during StackExchange.Redis's handshake, and keeps the tie-breaker and config channel off", () => {
        const { options } = parseStackExchangeConfiguration(stackExchangeConfiguration({ endpoints: [{ host: "h", port: 1 }], user: "u", password: "p", ssl: false }));
        assert.deepEqual(Object.keys(options).filter((k) => k.startsWith("$")), ["$INFO", "$CONFIG", "$CLUSTER"]);
        assert.ok(Object.entries(options).filter(([k]) => k.startsWith("$")).every(([, v]) => v === ""), "an empty value disables the command");
        assert.deepEqual([options.tiebreaker, options.configChannel], ["", ""]);
    });

    it("with Sentinel: every Sentinel endpoint and serviceName=<master>", () => {
        const sentinels = [0, 1, 2].map((i) => ({ host: `valkey-sentinel-${i}.valkey-sentinel.ns.svc.cluster.local`, port: 26379 }));
        const s = stackExchangeConfiguration({ endpoints: sentinels, user: "stellaops-scanner", password: "pw", ssl: false, serviceName: "valkey" });
        const { endpoints, options } = parseStackExchangeConfiguration(s);
        assert.deepEqual(endpoints, sentinels.map((e) => `${e.host}:26379`));
        assert.deepEqual([options.serviceName, options.user, options.password, options.abortConnect], ["valkey", "stellaops-scanner", "pw", "false"]);
        assert.ok(s.startsWith(`${endpoints.join(",")},serviceName=valkey,user=`), s);
    });

    it("refuses values a configuration string cannot carry, and no endpoints", () => {
        const ok = { endpoints: [{ host: "h", port: 6379 }], user: "u", password: "p", ssl: false };
        assert.throws(() => stackExchangeConfiguration({ ...ok, password: "a,b" }), /password: expected a non-empty value without commas/);
        assert.throws(() => stackExchangeConfiguration({ ...ok, user: "" }), /user: expected/);
        assert.throws(() => stackExchangeConfiguration({ ...ok, endpoints: [] }), /at least one/);
        assert.throws(() => stackExchangeConfiguration({ ...ok, endpoints: [{ host: "h", port: 0 }] }), /port from 1 to 65535/);
    });

    it("builds the string from Outputs as a secret, hosts from other resources included", async () => {
        const out = stackExchangeSecret({ endpoints: [{ host: pulumi.output("valkey.internal"), port: 6379 }], user: "stellaops-gateway", password: pulumi.secret("generated"), ssl: true });
        assert.ok(await isSecret(out), "it holds the password");
        assert.equal(await value(out), `valkey.internal:6379,user=stellaops-gateway,password=generated,ssl=true,abortConnect=false,${RESTRICTED}`);
        const plainPassword = stackExchangeSecret({ endpoints: [{ host: "h", port: 1 }], user: "u", password: "not-marked", ssl: false });
        assert.ok(await isSecret(plainPassword), "secret even when the password was not marked");
    });
});
