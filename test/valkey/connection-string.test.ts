/**
 * StackExchange.Redis configuration strings: the exact form (server or Sentinels), the option
 * names StackExchange.Redis documents, values it could not parse refused, and the Output helper
 * secret because the string holds the password.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { STACKEXCHANGE_RESTRICTED, parseStackExchangeConfiguration, stackExchangeConfiguration } from "../../components/valkey/connection-string";
import { serviceConfigurations, stackExchangeSecret } from "../../components/valkey/credentials";
import { planValkeyHa } from "../../components/valkey/ha-plan";
import { isSecret, value } from "../harness";
import { testPlan } from "./support";

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

    it("gives every service its strings: its instances' endpoints, or the Sentinels with each instance's master name", async () => {
        const plan = testPlan({ split: true });
        const passwords = Object.fromEntries(plan.passwordUsers.map((u) => [u.name, pulumi.secret(`pw-${u.key}`)]));
        const direct = serviceConfigurations(plan, passwords, false, { endpoints: { coordination: { host: "valkey-coordination", port: 6379 }, cache: { host: "valkey-cache", port: 6379 } } });
        assert.deepEqual(Object.keys(direct), plan.services.map((s) => s.service));
        assert.ok((await value<string>(direct.scanner.configuration)).startsWith("valkey-coordination:6379,user=stellaops-scanner,password=pw-scanner,"));
        assert.ok((await value<string>(direct.scanner.cacheConfiguration)).startsWith("valkey-cache:6379,user=stellaops-scanner,"));
        const ha = planValkeyHa(plan);
        const sentinels = [0, 1, 2].map((i) => ({ host: pulumi.output(`valkey-sentinel-${i}.valkey-sentinel.ns.svc.cluster.local`), port: 26379 }));
        const viaSentinel = serviceConfigurations(ha, passwords, false, { sentinels, masters: { coordination: "valkey-coordination", cache: "valkey-cache" } });
        const { endpoints, options } = parseStackExchangeConfiguration(await value<string>(viaSentinel.notify.cacheConfiguration));
        assert.deepEqual([endpoints.length, options.serviceName, options.user], [3, "valkey-cache", "stellaops-notify"]);
        assert.ok(await isSecret(viaSentinel.notify.configuration));
    });
});
