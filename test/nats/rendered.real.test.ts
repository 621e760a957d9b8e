/**
 * The rendered files started the way docs/nats.md says, on free loopback ports:
 *   1. `render --data-dir <dir>` then `nats-server -c <out>/nats/nats-server.conf`, hashes in the environment;
 *   2. a render without a data dir, then `nats-server -c <out>/nats/nats-server.conf -sd <dir>`;
 *   3. hashes from `pulumi stack output --show-secrets --json`, then `nats-server -c ...` with no environment;
 * each time a service logs in with its password and uses its stream. Also: `-sd` with a store_dir refused.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { hashSync } from "bcryptjs";
import { AckPolicy, NatsConnection } from "nats";
import { CATALOG } from "../../components/catalog";
import { localLayout, NatsServerLayout } from "../../components/nats/layout";
import { natsUsers, planNats } from "../../components/nats/plan";
import { NATS_CONF_FILE, renderNatsFiles } from "../../components/nats/render";
import { natsHashesFromStackOutputs } from "../../components/nats/stack-outputs";
import { freePort, tempDir } from "../support/servers";
import { requireNatsServer, runNats, RunningNats, testCredentials } from "./server-support";

const plan = planNats({ maxMemoryStoreMb: 32, maxFileStoreMb: 128 }, CATALOG);
const { passwords, hashes } = testCredentials(plan);
/** What the operator exports for the offline form: each hash, quoted. */
const hashEnv = Object.fromEntries(natsUsers(plan).map((u) => [u.passwordVar, JSON.stringify(hashes[u.user])]));

/** Writes the render into `out` as `npm run render` does; returns the config path. */
function render(out: string, layout: NatsServerLayout, h?: Record<string, string>): string {
    const files = renderNatsFiles(plan, layout, h);
    for (const [rel, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
        fs.writeFileSync(path.join(out, rel), content);
    }
    return path.join(out, NATS_CONF_FILE);
}

/** Scanner's first steps: log in, create SCANNER_JOBS, publish a job, read it back. */
async function scannerWorks(server: RunningNats, password = passwords.scanner): Promise<void> {
    const nc: NatsConnection = await server.connectAs("scanner", password);
    try {
        const jsm = await nc.jetstreamManager();
        const jobs = plan.accounts[0].streams[0];
        await jsm.streams.add({ name: jobs.name, subjects: [jobs.subject] });
        await jsm.consumers.add(jobs.name, { durable_name: jobs.consumer, ack_policy: AckPolicy.Explicit });
        await nc.jetstream().publish(jobs.subject, new TextEncoder().encode("job-1"));
        const m = await (await nc.jetstream().consumers.get(jobs.name, jobs.consumer)).next({ expires: 5000 });
        assert.strictEqual(m?.string(), "job-1");
        assert.ok(await m!.ackAck());
    } finally {
        await nc.close();
    }
}

describe("nats-server started from the rendered files as documented", function () {
    this.timeout(60000);
    let bin: string;
    let dir: string;
    const running: RunningNats[] = [];
    const ports = async () => ({ clientPort: await freePort(), monitorPort: await freePort() });

    before(function () {
        bin = requireNatsServer(this);
        dir = tempDir("nats-rendered");
    });
    afterEach(async () => {
        for (const s of running.splice(0)) await s.stop();
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    it("render with a data dir, then `nats-server -c <out>/nats/nats-server.conf`, hashes from the environment", async () => {
        const data = path.join(dir, "data-1");
        const layout = localLayout(plan, { dataDir: data, ...(await ports()) });
        const conf = render(path.join(dir, "out-1"), layout);
        const server = await runNats(bin, ["-c", conf], layout, hashEnv);
        running.push(server);
        await scannerWorks(server);
        assert.ok(fs.existsSync(path.join(data, "nats", "jetstream", "SCANNER", "streams", "SCANNER_JOBS")), "the store is under <data dir>/nats");
    });

    it("render without a data dir, then `nats-server -c <conf> -sd <dir>`; -sd next to a store_dir is refused", async () => {
        const store = path.join(dir, "store-2");
        const layout = localLayout(plan, await ports());
        const conf = render(path.join(dir, "out-2"), layout);
        const server = await runNats(bin, ["-c", conf, "-sd", store], layout, hashEnv);
        running.push(server);
        await scannerWorks(server);
        assert.ok(fs.existsSync(path.join(store, "jetstream", "SCANNER")), "the store is where -sd says");
        const withDir = render(path.join(dir, "out-2b"), localLayout(plan, { dataDir: path.join(dir, "data-2b") }));
        const r = spawnSync(bin, ["-t", "-c", withDir, "-sd", store], { encoding: "utf8", env: { ...process.env, ...hashEnv } });
        assert.ok(r.status !== 0 && `${r.stdout}${r.stderr}`.includes("Duplicate 'store_dir'"), `${r.stdout}${r.stderr}`);
    });

    it("render with hashes from the stack outputs, then `nats-server -c ...` with no password environment", async () => {
        const outputs = {
            services: Object.fromEntries(plan.accounts.map((a) => [a.service, { nats: { url: "nats://nats:4222", user: a.user, password: passwords[a.user], streams: a.streams } }])),
            nats: { operator: { user: plan.system.user, password: passwords[plan.system.user] } },
        };
        const json = JSON.parse(JSON.stringify(outputs)); // as read from `pulumi stack output --show-secrets --json`
        const layout = localLayout(plan, { dataDir: path.join(dir, "data-3"), ...(await ports()) });
        const conf = render(path.join(dir, "out-3"), layout, { ...natsHashesFromStackOutputs(plan, json, (p) => hashSync(p, 4)) });
        assert.ok(!fs.readFileSync(conf, "utf8").includes(passwords.scanner), "no password in the file");
        const server = await runNats(bin, ["-c", conf], layout);
        running.push(server);
        await scannerWorks(server);
        await assert.rejects(server.connectAs("scanner", passwords.scheduler), /Authorization Violation/i);
    });
});
