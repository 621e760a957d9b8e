/** nats-server.conf rendering on each layout: plan values in, no plaintext password, env references named. */
import * as assert from "assert";
import * as path from "path";
import { CATALOG } from "../../components/catalog";
import { containerLayout, localLayout, routeEnvironment } from "../../components/nats/layout";
import { natsUsers, planNats, NatsOptions } from "../../components/nats/plan";
import { NATS_CONF_FILE, renderNatsAccounts, renderNatsConf, renderNatsFiles } from "../../components/nats/render";
import { natsHashesFromStackOutputs } from "../../components/nats/stack-outputs";

const base: NatsOptions = { maxMemoryStoreMb: 256, maxFileStoreMb: 4096, volumeMb: 10240 };
const plan = planNats(base, CATALOG);
const ha = planNats({ ...base, cluster: true }, CATALOG);
const pod = containerLayout(plan, "nats");
const users = natsUsers(plan);
const hashes = Object.fromEntries(users.map((u, i) => [u.user, `$2a$10$${String(i).repeat(53)}`]));
/** Settings only: comments may explain what is absent. */
const settings = (conf: string) => conf.replace(/#.*$/gm, "");

describe("nats render", () => {
    it("writes only nats/nats-server.conf", () => {
        assert.deepStrictEqual(Object.keys(renderNatsFiles(plan, pod)), [NATS_CONF_FILE]);
        assert.strictEqual(NATS_CONF_FILE, "nats/nats-server.conf");
    });

    it("references one environment variable per user without hashes, and names them in the header", () => {
        const conf = renderNatsConf(plan, pod);
        for (const u of users) assert.ok(conf.includes(`password: $${u.passwordVar}`), u.user);
        assert.strictEqual(settings(conf).match(/password: \S+/g)!.length, users.length);
        assert.ok(!/password: "/.test(conf), "no literal password");
        assert.ok(conf.includes("# Reads from the environment (each value quoted, see docs/nats.md): SYS_PASSWORD_BCRYPT, SCANNER_PASSWORD_BCRYPT, SCHEDULER_PASSWORD_BCRYPT."));
    });

    it("inlines exactly the given bcrypt hashes, and nothing else differs from the offline render", () => {
        const inline = renderNatsAccounts(plan, hashes);
        let substituted = renderNatsAccounts(plan);
        for (const u of users) substituted = substituted.replace(`$${u.passwordVar}`, JSON.stringify(hashes[u.user]));
        assert.strictEqual(inline, substituted);
        assert.ok(renderNatsConf(plan, pod, hashes).endsWith(inline));
        assert.ok(!/_PASSWORD_BCRYPT/.test(renderNatsConf(plan, pod, hashes)));
    });

    it("refuses a password that is not a bcrypt hash, and a missing hash", () => {
        assert.throws(() => renderNatsConf(plan, pod, { ...hashes, scanner: "hunter2-plaintext" }), /NATS user "scanner" is not a bcrypt hash: expected \$2a\$<cost>\$/);
        const { scheduler: _omitted, ...partial } = hashes;
        assert.throws(() => renderNatsConf(plan, pod, partial), /no bcrypt hash for NATS user "scheduler"/);
    });

    it("carries the store, ports and limits, server-wide and per account; no account for notify", () => {
        const conf = renderNatsConf(plan, pod);
        for (const line of ['server_name: "nats"', 'listen: "0.0.0.0:4222"', 'http: "0.0.0.0:8222"', 'store_dir: "/data"', `max_memory_store: ${256 * 1024 * 1024} `, `max_file_store: ${4096 * 1024 * 1024} `, 'system_account: "SYS"']) {
            assert.ok(conf.includes(line), line);
        }
        for (const a of plan.accounts) {
            const block = conf.slice(conf.indexOf(`  ${a.account} {`), conf.indexOf(`user: "${a.user}"`));
            assert.ok(block.includes(`max_mem: ${a.jetstream.maxMemoryBytes} `) && block.includes(`max_file: ${a.jetstream.maxFileBytes} `), a.account);
            assert.ok(block.includes(`max_streams: ${a.streams.length}  # ${a.streams.map((s) => s.name).join(", ")}`), a.account);
        }
        assert.ok(!/NOTIFY|"notify"/.test(conf), "notify has no account");
    });

    it("renders a local run: data dir, loopback and ports from options, or no store_dir for -sd", () => {
        const local = renderNatsConf(plan, localLayout(plan, { dataDir: "rel/data", clientPort: 14222, monitorPort: 18222 }));
        assert.ok(local.includes(`store_dir: ${JSON.stringify(path.resolve("rel/data", "nats"))}`), "absolute store under the data dir");
        assert.ok(local.includes('listen: "127.0.0.1:14222"') && local.includes('http: "127.0.0.1:18222"'));
        const bare = renderNatsConf(plan, localLayout(plan));
        assert.ok(!settings(bare).includes("store_dir") && bare.includes("# no store_dir: give it with -sd <dir>"));
        assert.ok(bare.includes('listen: "127.0.0.1:4222"'));
    });

    it("has no default user, no anonymous access, no cluster, no include, no responses to others' requests", () => {
        const conf = settings(renderNatsConf(plan, pod, hashes));
        for (const forbidden of ["no_auth_user", "authorization", "cluster", "routes", "include", "$G", "allow_responses"]) assert.ok(!conf.includes(forbidden), `conf mentions ${forbidden}`);
        assert.deepStrictEqual(conf.match(/user: "[^"]+"/g)!, users.map((u) => `user: "${u.user}"`));
    });

    it("renders a cluster member: name from POD_NAME, routes and route password from the environment only", () => {
        const layout = containerLayout(ha, "nats");
        const conf = renderNatsConf(ha, layout, hashes);
        assert.ok(conf.includes("server_name: $POD_NAME"));
        assert.ok(conf.includes('cluster {\n  name: "stellaops"\n  listen: "0.0.0.0:6222"'));
        assert.ok(conf.includes('authorization { user: "route", password: $NATS_ROUTE_PASSWORD }'));
        assert.ok(conf.includes("routes: [ $NATS_ROUTE_0, $NATS_ROUTE_1, $NATS_ROUTE_2 ]"));
        assert.ok(conf.includes("# Reads from the environment (each value quoted, see docs/nats.md): POD_NAME, NATS_ROUTE_PASSWORD, NATS_ROUTE_0, NATS_ROUTE_1, NATS_ROUTE_2."));
        assert.throws(() => renderNatsConf(ha, { ...layout, clusterPort: undefined }), /expected layout.clusterPort/);
        const env = routeEnvironment(ha, ["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"], "p@ss");
        assert.deepStrictEqual(env, { NATS_ROUTE_PASSWORD: '"p@ss"', NATS_ROUTE_0: '"nats-route://route:p%40ss@127.0.0.1:1"', NATS_ROUTE_1: '"nats-route://route:p%40ss@127.0.0.1:2"', NATS_ROUTE_2: '"nats-route://route:p%40ss@127.0.0.1:3"' });
    });

    it("adds a TLS block only when TLS is on, from the layout's directory", () => {
        assert.ok(!renderNatsConf(plan, pod).includes("tls {"));
        const tls = renderNatsConf(planNats({ ...base, tls: true }, CATALOG), { ...pod, tlsDir: "/tls" });
        assert.ok(tls.includes('tls {\n  cert_file: "/tls/tls.crt"\n  key_file: "/tls/tls.key"'));
    });
});

describe("nats hashes from stack outputs", () => {
    const outputs = {
        services: { scanner: { nats: { user: "scanner", password: "pw-scanner", url: "nats://x:4222" } }, scheduler: { nats: { user: "scheduler", password: "pw-scheduler" } }, notify: { valkey: {} } },
        nats: { operator: { user: "operator", password: "pw-operator" } },
    };
    const fake = (pw: string) => `$2a$04$${pw.padEnd(53, "x")}`;

    it("hashes each user's password from `pulumi stack output --show-secrets --json`", () => {
        const h = natsHashesFromStackOutputs(plan, outputs, fake);
        assert.deepStrictEqual(h, { operator: fake("pw-operator"), scanner: fake("pw-scanner"), scheduler: fake("pw-scheduler") });
        assert.ok(renderNatsConf(plan, pod, h).includes(`password: "${fake("pw-scanner")}"`));
    });

    it("names every missing, hidden or mismatching entry", () => {
        const broken = { services: { scanner: { nats: { user: "scanner", password: "[secret]" } }, scheduler: { nats: { user: "sched", password: "" } }, notify: { nats: { user: "notify", password: "x" } } } };
        assert.throws(
            () => natsHashesFromStackOutputs(plan, broken, fake),
            (err: Error) => {
                const lines = err.message.split("\n").slice(1).map((l) => l.trim());
                assert.deepStrictEqual(lines, [
                    "nats.operator: expected { user, password } (is NATS enabled and the stack up to date?)",
                    "services.scanner.nats.password: expected the password: run pulumi stack output with --show-secrets",
                    'services.scheduler.nats.user: expected "scheduler", got "sched"',
                    "services.scheduler.nats.password: expected a non-empty string",
                    "services.notify.nats: expected no NATS credentials: notify has no account in this config (deploy the config first)",
                ]);
                return true;
            },
        );
    });
});
