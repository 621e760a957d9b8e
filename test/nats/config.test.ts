/** `stellaops:nats` config: off by default in every stack file; bad input named by key. */
import * as assert from "assert";
import * as fs from "fs";
import { natsServices } from "../../components/nats/plan";
import { ConfigError, parseStackConfig, StackConfig } from "../../stacks/config";
import { natsRenderFiles, queueTransport } from "../../stacks/layers/nats";
import { ROOT } from "../../tools/offline/stack-file";
import { stackConfig } from "../../tools/render";

const stackFiles = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f));

const dev = (nats: Record<string, unknown>): StackConfig => parseStackConfig({ profile: "dev", nats });
const enabled = { enabled: true, maxMemoryStoreMb: 256, maxFileStoreMb: 4096 };

/** The ConfigError lines for a nats section. */
function problems(nats: Record<string, unknown>): string[] {
    try {
        dev(nats);
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return [...err.problems];
    }
    return assert.fail("expected a ConfigError");
}

describe("nats config", () => {
    it("is off by default: defaults and every stack file give no NATS file and the valkey transport", () => {
        const cfg = parseStackConfig({ profile: "dev" });
        assert.strictEqual(cfg.nats.enabled, false);
        assert.strictEqual(queueTransport(cfg), "valkey");
        assert.deepStrictEqual(natsRenderFiles(cfg), {});
        let checked = 0;
        for (const file of stackFiles) {
            const stack = file.slice("Pulumi.".length, -".yaml".length);
            let cfg: StackConfig;
            try {
                cfg = stackConfig(stack);
            } catch (err) {
                // A stack file that needs secrets it does not carry is the per-stack tests' business.
                if (err instanceof ConfigError && err.problems.every((p) => p.includes("expected a secret"))) continue;
                throw err;
            }
            assert.strictEqual(cfg.nats.enabled, false, stack);
            assert.strictEqual(queueTransport(cfg), "valkey", stack);
            assert.deepStrictEqual(natsRenderFiles(cfg), {}, stack);
            checked++;
        }
        assert.ok(checked > 0, `no stack file checked among ${stackFiles.join(", ") || "none"}`);
    });

    it("switches the queue transport to nats only when enabled and chosen", () => {
        assert.strictEqual(queueTransport(dev(enabled)), "valkey");
        assert.strictEqual(queueTransport(dev({ ...enabled, queueTransport: "nats" })), "nats");
        assert.strictEqual(queueTransport({ nats: { ...dev(enabled).nats, enabled: false, queueTransport: "nats" } }), "valkey");
    });

    it("renders nats/nats-server.conf with environment references once enabled", () => {
        const files = natsRenderFiles(dev(enabled));
        assert.deepStrictEqual(Object.keys(files), ["nats/nats-server.conf"]);
        assert.ok(files["nats/nats-server.conf"]!.includes("password: $SCANNER_PASSWORD_BCRYPT"));
    });

    const bad: [string, Record<string, unknown>, string[]][] = [
        ["enabled without limits", { enabled: true }, ["stellaops:nats.maxMemoryStoreMb: expected the JetStream memory-store limit in MiB when nats.enabled is true", "stellaops:nats.maxFileStoreMb: expected the JetStream file-store limit in MiB when nats.enabled is true"]],
        ["a file store larger than the volume", { ...enabled, maxFileStoreMb: 20480, storageSize: "16Gi" }, ["stellaops:nats.maxFileStoreMb: expected at most the size of the store volume (nats.storageSize, 16384 MiB)"]],
        ["an unknown service in accounts", { ...enabled, accounts: { scanner: {}, scaner: {} } }, [`stellaops:nats.accounts.scaner: expected a service with NATS subjects in the catalog (one of ${natsServices().join(", ")})`]],
        ["a catalog service without NATS in accounts, even while off", { accounts: { authority: {} } }, ["stellaops:nats.accounts.authority: expected a service with NATS subjects"]],
        ["an unknown limit", { ...enabled, accounts: { scanner: { maxFile: 10 } } }, ["stellaops:nats.accounts.scanner.maxFile: unknown key"]],
        ["limits for a service without streams", { ...enabled, accounts: { notify: { maxFileMb: 10 } } }, ["stellaops:nats.accounts.notify: expected no JetStream limits"]],
        ["account limits above the server's", { ...enabled, accounts: { scanner: { maxMemoryMb: 200 }, scheduler: { maxMemoryMb: 100 } } }, ["stellaops:nats.accounts.scheduler.maxMemoryMb: expected account maxMemoryMb values adding up to at most maxMemoryStoreMb (256 MiB)"]],
        ["the nats transport while disabled", { queueTransport: "nats" }, ["stellaops:nats.queueTransport: expected valkey while nats.enabled is false"]],
        ["the nats transport without every NATS service", { ...enabled, queueTransport: "nats", accounts: { scanner: {} } }, ["stellaops:nats.accounts.scheduler: expected an account for scheduler", "stellaops:nats.accounts.notify: expected an account for notify"]],
        ["a zero limit", { ...enabled, maxMemoryStoreMb: 0 }, ["stellaops:nats.maxMemoryStoreMb: expected an integer >= 1"]],
    ];
    for (const [what, nats, expected] of bad) {
        it(`refuses ${what}, naming the key`, () => {
            const got = problems(nats);
            for (const e of expected) assert.ok(got.some((p) => p.startsWith(e)), `missing "${e}" in:\n${got.join("\n")}`);
            assert.strictEqual(got.length, expected.length, got.join("\n"));
        });
    }

    it("refuses NATS on aws (profile rule) and external without a host", () => {
        const aws = { profile: "aws", aws: { region: "eu-west-1", vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-01234567", "subnet-89abcdef"], allowedCidrs: ["10.0.0.0/16"] }, nats: enabled };
        assert.throws(() => parseStackConfig(aws), /stellaops:nats.enabled: expected false/);
        const external = { profile: "external", postgres: { host: "db" }, valkey: { host: "kv" }, objectStore: { endpoint: "https://s3.internal" }, nats: enabled };
        assert.throws(() => parseStackConfig(external), /stellaops:nats.host: expected the host of the existing NATS server/);
    });
});
