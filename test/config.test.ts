/**
 * Config validation: every bad value fails with its key path and what was expected, and the
 * program registers nothing. Runs the real program (stacks/index.ts) under the recording mocks.
 */
import * as assert from "assert";
import { evaluateStack, resources } from "./harness";
import { parseStackConfig } from "../stacks/config";

const EXTERNAL_SECRETS = {
    "stellaops:postgresAdminPassword": "x",
    "stellaops:valkeyAdminPassword": "x",
    "stellaops:objectStoreAccessKey": "x",
    "stellaops:objectStoreSecretKey": "x",
};
const EXTERNAL = {
    "stellaops:profile": "external",
    "stellaops:postgres": { host: "db.internal" },
    "stellaops:valkey": { host: "valkey.internal" },
    "stellaops:objectStore": { endpoint: "https://s3.internal:9000" },
    ...EXTERNAL_SECRETS,
};
const DIGEST = "a".repeat(64);
const AIRGAP = {
    "stellaops:profile": "airgap",
    "stellaops:kubernetes": { mirrorRegistry: "mirror.local:5000" },
    "stellaops:images": {
        postgres: `mirror.local:5000/library/postgres@sha256:${DIGEST}`,
        valkey: `mirror.local:5000/valkey/valkey@sha256:${DIGEST}`,
        rustfs: `mirror.local:5000/rustfs/rustfs@sha256:${DIGEST}`,
        nats: `mirror.local:5000/library/nats@sha256:${DIGEST}`,
    },
};

interface BadCase {
    readonly name: string;
    readonly config: Record<string, unknown>;
    /** Every line the error must contain: the key path, then what was expected. */
    readonly expect: readonly [key: string, expected: RegExp][];
}

const CASES: BadCase[] = [
    { name: "missing profile", config: {}, expect: [["stellaops:profile", /expected one of dev, airgap, aws, external, got nothing/]] },
    { name: "unknown profile", config: { "stellaops:profile": "prod" }, expect: [["stellaops:profile", /expected one of .* got "prod"/]] },
    { name: "negative connection limit", config: { "stellaops:profile": "dev", "stellaops:postgres": { connectionLimit: -3 } }, expect: [["stellaops:postgres.connectionLimit", /expected an integer from 1 to 10000, got -3/]] },
    { name: "fractional statement timeout", config: { "stellaops:profile": "dev", "stellaops:postgres": { statementTimeoutMs: 1.5 } }, expect: [["stellaops:postgres.statementTimeoutMs", /expected an integer >= 1, got 1.5/]] },
    { name: "database not an identifier", config: { "stellaops:profile": "dev", "stellaops:postgres": { database: "Stella-Ops" } }, expect: [["stellaops:postgres.database", /expected a lowercase SQL identifier/]] },
    { name: "schema name not an identifier", config: { "stellaops:profile": "dev", "stellaops:postgres": { schemaNames: { vuln: "vuln;drop" } } }, expect: [["stellaops:postgres.schemaNames.vuln", /expected a lowercase SQL identifier/]] },
    { name: "duplicate schemas", config: { "stellaops:profile": "dev", "stellaops:postgres": { schemaNames: { vex: "scanner" } } }, expect: [["stellaops:postgres.schemaNames.vex", /expected a schema name used once, "scanner" is also used by scanner/]] },
    { name: "schema that is not in the catalog", config: { "stellaops:profile": "dev", "stellaops:postgres": { schemaNames: { billing: "billing" } } }, expect: [["stellaops:postgres.schemaNames.billing", /unknown key/]] },
    { name: "role prefix not an identifier", config: { "stellaops:profile": "dev", "stellaops:postgres": { rolePrefix: "9ops" } }, expect: [["stellaops:postgres.rolePrefix", /expected a lowercase identifier prefix/]] },
    { name: "duplicate extension", config: { "stellaops:profile": "dev", "stellaops:postgres": { extensions: ["pgcrypto", "pgcrypto"] } }, expect: [["stellaops:postgres.extensions[1]", /expected each extension once/]] },
    { name: "unknown key (typo)", config: { "stellaops:profile": "dev", "stellaops:postgres": { conectionLimit: 5 } }, expect: [["stellaops:postgres.conectionLimit", /unknown key/]] },
    { name: "unknown top-level key", config: { "stellaops:profile": "dev", "stellaops:postgress": { database: "x" } }, expect: [["stellaops:postgress", /unknown key/]] },
    { name: "DSN host with a scheme", config: { ...EXTERNAL, "stellaops:postgres": { host: "postgres://db.internal" } }, expect: [["stellaops:postgres.host", /expected a host name or IP address without scheme/]] },
    { name: "host with a port", config: { ...EXTERNAL, "stellaops:postgres": { host: "db.internal:5432" } }, expect: [["stellaops:postgres.host", /without scheme, port or path/]] },
    { name: "port out of range", config: { ...EXTERNAL, "stellaops:postgres": { host: "db.internal", port: 70000 } }, expect: [["stellaops:postgres.port", /expected an integer from 1 to 65535, got 70000/]] },
    { name: "external without hosts", config: { "stellaops:profile": "external", ...EXTERNAL_SECRETS }, expect: [["stellaops:postgres.host", /expected the host of the existing PostgreSQL server/], ["stellaops:valkey.host", /expected the host/], ["stellaops:objectStore.endpoint", /expected the URL/]] },
    { name: "external without the admin password secret", config: { ...EXTERNAL, "stellaops:postgresAdminPassword": undefined }, expect: [["stellaops:postgresAdminPassword", /expected a secret \(pulumi config set --secret/]] },
    { name: "airgap without a mirror", config: { "stellaops:profile": "airgap" }, expect: [["stellaops:kubernetes.mirrorRegistry", /expected the mirror registry host/], ["stellaops:images.postgres", /expected <mirror registry>\/<repository>@sha256/]] },
    { name: "airgap image by tag", config: { ...AIRGAP, "stellaops:images": { ...AIRGAP["stellaops:images"], valkey: "mirror.local:5000/valkey/valkey:8.1" } }, expect: [["stellaops:images.valkey", /expected mirror.local:5000\/<repository>@sha256:<64 hex>/]] },
    { name: "airgap image from a public registry", config: { ...AIRGAP, "stellaops:images": { ...AIRGAP["stellaops:images"], postgres: `docker.io/library/postgres@sha256:${DIGEST}` } }, expect: [["stellaops:images.postgres", /pulls only from the mirror/]] },
    { name: "airgap mirror that is a public registry", config: { ...AIRGAP, "stellaops:kubernetes": { mirrorRegistry: "quay.io" } }, expect: [["stellaops:kubernetes.mirrorRegistry", /expected a private mirror registry/]] },
    { name: "aws without network settings", config: { "stellaops:profile": "aws" }, expect: [["stellaops:aws.region", /expected an AWS region/], ["stellaops:aws.vpcId", /expected the VPC id/], ["stellaops:aws.subnetIds", /at least two private subnet ids/]] },
    { name: "aws with a malformed subnet", config: { "stellaops:profile": "aws", "stellaops:aws": { region: "eu-west-1", vpcId: "vpc-0abc12345", subnetIds: ["subnet-1", "x"], allowedCidrs: ["10.0.0.0/16"] } }, expect: [["stellaops:aws.subnetIds[0]", /expected a subnet id/]] },
    { name: "unpinned dev image", config: { "stellaops:profile": "dev", "stellaops:images": { postgres: "postgres:latest" } }, expect: [["stellaops:images.postgres", /expected a pinned image reference/]] },
    { name: "dev ports bound to a non-address", config: { "stellaops:profile": "dev", "stellaops:docker": { bindAddress: "localhost" } }, expect: [["stellaops:docker.bindAddress", /expected an IPv4 address/]] },
];

describe("stack config validation", () => {
    it("has a corpus of at least 15 bad configurations", () => assert.ok(CASES.length >= 15));

    for (const c of CASES) {
        it(`rejects ${c.name}, naming the key, registering nothing`, async () => {
            const secrets = Object.keys(c.config).filter((k) => k in EXTERNAL_SECRETS);
            await assert.rejects(evaluateStack("validation", { bare: true, overrides: c.config, secretOverrides: secrets }), (err: Error) => {
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

    it("accepts each profile's minimal valid config and applies defaults", () => {
        const dev = parseStackConfig({ profile: "dev" });
        assert.strictEqual(dev.nats.enabled, false);
        assert.strictEqual(dev.docker.bindAddress, "127.0.0.1");
        assert.deepStrictEqual(dev.postgres.extensions, ["pgcrypto", "pg_trgm"]);
        const ext = parseStackConfig(
            { profile: "external", postgres: { host: "10.0.0.5" }, valkey: { host: "valkey" }, objectStore: { endpoint: "https://s3.internal" } },
            new Set(["postgresAdminPassword", "valkeyAdminPassword", "objectStoreAccessKey", "objectStoreSecretKey"] as const),
        );
        assert.strictEqual(ext.postgres.host, "10.0.0.5");
    });
});
