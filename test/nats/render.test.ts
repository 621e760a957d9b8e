/** nats-server.conf rendering: plan values in, no plaintext password, no default user. */
import * as assert from "assert";
import { natsUsers, planNats, NatsPlanOptions } from "../../components/nats/plan";
import { NATS_CONF_FILE, renderNatsAccounts, renderNatsConf, renderNatsFiles } from "../../components/nats/render";

const base: NatsPlanOptions = { serverName: "nats", maxMemoryStoreMb: 256, maxFileStoreMb: 4096, volumeMb: 10240, tls: false };
const plan = planNats(base);
const users = natsUsers(plan);
const hashes = Object.fromEntries(users.map((u, i) => [u.user, `$2a$10$${String(i).repeat(53)}`]));

describe("nats render", () => {
    it("writes only nats/nats-server.conf", () => {
        assert.deepStrictEqual(Object.keys(renderNatsFiles(plan)), [NATS_CONF_FILE]);
        assert.strictEqual(NATS_CONF_FILE, "nats/nats-server.conf");
    });

    it("references one environment variable per user when no hashes are given (npm run render)", () => {
        const conf = renderNatsConf(plan);
        for (const u of users) assert.ok(conf.includes(`password: $${u.passwordVar}`), u.user);
        assert.deepStrictEqual(conf.match(/password: \S+/g)!.length, users.length);
        assert.ok(!/password: "/.test(conf), "no literal password");
    });

    it("inlines exactly the given bcrypt hashes, and nothing else differs from the offline render", () => {
        const inline = renderNatsAccounts(plan, hashes);
        let substituted = renderNatsAccounts(plan);
        for (const u of users) substituted = substituted.replace(`$${u.passwordVar}`, JSON.stringify(hashes[u.user]));
        assert.strictEqual(inline, substituted);
        assert.ok(renderNatsConf(plan, hashes).endsWith(inline));
        assert.ok(!/_PASSWORD_BCRYPT/.test(renderNatsConf(plan, hashes)));
    });

    it("refuses a password that is not a bcrypt hash, and a missing hash", () => {
        assert.throws(() => renderNatsConf(plan, { ...hashes, scanner: "hunter2-plaintext" }), /NATS user "scanner" is not a bcrypt hash: expected \$2a\$<cost>\$/);
        const { notify: _omitted, ...partial } = hashes;
        assert.throws(() => renderNatsConf(plan, partial), /no bcrypt hash for NATS user "notify"/);
    });

    it("carries the JetStream store and limits, server-wide and per account, from the plan", () => {
        const conf = renderNatsConf(plan);
        assert.ok(conf.includes(`store_dir: "${plan.jetstream.storeDir}"`));
        assert.ok(conf.includes(`max_memory_store: ${plan.jetstream.maxMemoryBytes} `));
        assert.ok(conf.includes(`max_file_store: ${plan.jetstream.maxFileBytes} `));
        for (const a of plan.accounts) {
            const block = conf.slice(conf.indexOf(`  ${a.account} {`), conf.indexOf(`user: "${a.user}"`));
            if (!a.jetstream) {
                assert.ok(!block.includes("jetstream"), `${a.account} has no JetStream`);
                continue;
            }
            assert.ok(block.includes(`max_mem: ${a.jetstream.maxMemoryBytes} `) && block.includes(`max_file: ${a.jetstream.maxFileBytes} `), a.account);
            assert.ok(block.includes(`max_streams: ${a.jetstream.maxStreams} `), a.account);
        }
        assert.ok(conf.includes(`system_account: "${plan.system.account}"`));
        assert.ok(conf.includes(`http: "0.0.0.0:${plan.monitorPort}"`) && conf.includes(`listen: "0.0.0.0:${plan.clientPort}"`));
    });

    it("has no default user, no anonymous access, no cluster route credentials, no include", () => {
        // Settings only: comments may explain what is absent.
        const conf = renderNatsConf(plan, hashes).replace(/#.*$/gm, "");
        for (const forbidden of ["no_auth_user", "authorization", "cluster", "routes", "ruser", "T0pS3cr3t", "include", "$G"]) {
            assert.ok(!conf.includes(forbidden), `conf mentions ${forbidden}`);
        }
        const userLines = conf.match(/user: "[^"]+"/g)!;
        assert.deepStrictEqual(userLines, users.map((u) => `user: "${u.user}"`));
    });

    it("adds a TLS block only when TLS is on", () => {
        assert.ok(!renderNatsConf(plan).includes("tls {"));
        const tls = renderNatsConf(planNats({ ...base, tls: true }));
        assert.ok(tls.includes('tls {\n  cert_file: "/etc/nats/tls/tls.crt"\n  key_file: "/etc/nats/tls/tls.key"'));
    });
});
