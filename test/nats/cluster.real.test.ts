/**
 * A 3-server JetStream cluster from the rendered configs on loopback (issue 19): the routes form
 * and refuse a server with the wrong route password; Scanner creates its R3 streams as itself;
 * SIGKILL of the stream leader loses no acknowledged job, the stream keeps accepting and serving,
 * permissions hold; the killed server comes back and catches up. The pods' own config and
 * environment (NatsCluster under mocks) pass `nats-server -t`.
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { connect, NatsConnection } from "nats";
import { CATALOG } from "../../components/catalog";
import { NatsCluster } from "../../components/nats/cluster";
import { localLayout, routeEnvironment } from "../../components/nats/layout";
import { planNats } from "../../components/nats/plan";
import { renderNatsConf } from "../../components/nats/render";
import { byType, resetResources, resources } from "../harness";
import { freePort, startProcess, waitFor } from "../support/servers";
import { clusterPodEnvironment, Member, startCluster } from "./cluster-support";
import { enqueue, errorCode, queuesOf, retrying, startUp, work } from "./service-client";
import { checkConfig, natsVersion, requireNatsServer, testCredentials } from "./server-support";

const plan = planNats({ maxMemoryStoreMb: 64, maxFileStoreMb: 256, cluster: true, queueTransport: "nats" }, CATALOG);
const { passwords, hashes } = testCredentials(plan);
const routePassword = crypto.randomBytes(16).toString("hex");
const scanner = plan.accounts.find((a) => a.service === "scanner")!;
const [jobs] = queuesOf(scanner.streams);

const json = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;
const healthy = async (m: Member) => (await fetch(`${m.monitor}/healthz`)).ok;
/** Distinct servers a member routes to (2.10+ pools several connections per peer). */
const peers = async (m: Member) => new Set((await json<{ routes?: { remote_id: string }[] }>(`${m.monitor}/routez`)).routes?.map((r) => r.remote_id)).size;

describe("NATS JetStream cluster of three (real servers)", function () {
    this.timeout(120000);
    let bin: string;
    let members: Member[];
    let dir: string;
    let nc: NatsConnection;

    before(async function () {
        bin = requireNatsServer(this);
        console.log(`      ${natsVersion(bin)}`);
        ({ members, dir } = await startCluster(bin, plan, hashes, routePassword));
        // Formed: every server routes to the other two and reports the cluster (meta group, streams) healthy.
        await waitFor("the cluster to form", async () => (await Promise.all(members.map(async (m) => (await peers(m)) === 2 && (await healthy(m))))).every(Boolean), 60000);
        nc = await connect({ servers: members.map((m) => `127.0.0.1:${m.port}`), user: "scanner", pass: passwords.scanner, maxReconnectAttempts: -1, reconnectTimeWait: 200, timeout: 5000 });
    });

    after(async () => {
        await nc?.close().catch(() => undefined);
        for (const m of members ?? []) await m.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("authenticates routes: a server with the wrong route password cannot join", async () => {
        const layout = localLayout(plan, { dataDir: path.join(dir, "intruder"), serverName: "intruder", clientPort: await freePort(), monitorPort: await freePort(), clusterPort: await freePort() });
        const file = path.join(dir, "intruder.conf");
        fs.writeFileSync(file, renderNatsConf(plan, layout, hashes));
        const hosts = [members[0], members[1], members[0]].map((m) => `127.0.0.1:${m.layout.clusterPort}`);
        const intruder = startProcess(bin, ["-c", file], { env: routeEnvironment(plan, hosts, "wrong-password") });
        try {
            await waitFor("the intruder's refused routes", async () => /authorization violation/i.test(intruder.output()), 15000);
            assert.deepStrictEqual(await Promise.all(members.map(peers)), [2, 2, 2], "still three members, each routed to the other two");
        } finally {
            await intruder.stop();
        }
    });

    it("lets Scanner create its streams with 3 replicas, and no more", async () => {
        await startUp(nc, scanner.streams, plan.streamReplicas);
        const jsm = await nc.jetstreamManager();
        for (const s of scanner.streams) {
            const info = await jsm.streams.info(s.name);
            assert.strictEqual(info.config.num_replicas, 3, s.name);
            assert.strictEqual((info.cluster?.replicas ?? []).length, 2, `${s.name}: a leader and two replicas`);
        }
        const r5 = await jsm.streams.update(jobs.stream.name, { ...(await jsm.streams.info(jobs.stream.name)).config, num_replicas: 5 }).then(
            () => "accepted",
            (err: Error) => err.message,
        );
        assert.match(r5, /no suitable peers for placement/, "a stream cannot have more replicas than servers");
    });

    it("survives SIGKILL of the stream leader: acknowledged jobs kept, new jobs accepted and served, permissions intact", async () => {
        await enqueue(nc, jobs, ["job-1", "job-2", "poison-1"]);
        const jsm = await nc.jetstreamManager();
        const leaderName = (await jsm.streams.info(jobs.stream.name)).cluster!.leader!;
        const leader = members.find((m) => m.name === leaderName)!;
        leader.proc.child.kill("SIGKILL");
        await waitFor("the leader to die", async () => leader.proc.child.signalCode === "SIGKILL", 5000);
        // The stream and its durable consumer elect new leaders among the two left; the client reconnects to one of them.
        const t0 = Date.now();
        await waitFor("new stream and consumer leaders", async () => {
            const leaders = [(await jsm.streams.info(jobs.stream.name)).cluster?.leader, (await jsm.consumers.info(jobs.stream.name, jobs.stream.consumer)).cluster?.leader];
            return leaders.every((l) => l !== undefined && l !== leaderName);
        }, 30000);
        console.log(`      new leaders after ${Date.now() - t0} ms`);
        await waitFor("the stream to accept a job", async () => (await nc.jetstream().publish(jobs.stream.subject, new TextEncoder().encode("job-3"), { msgID: "after-kill" })).seq > 0, 30000);
        const result = await work(nc, jobs);
        assert.deepStrictEqual(result, { done: ["job-1", "job-2", "job-3"], dead: ["poison-1"] });
        const dead = await retrying(() => jsm.streams.info(jobs.dead.name));
        assert.strictEqual(dead.state.messages, 1, "the dead letter was stored with one server down");
        // Permissions hold on the survivors.
        assert.strictEqual(await errorCode(jsm.streams.add({ name: "SCHEDULER_PLANNER", subjects: ["scanner.planner"] })), "PERMISSIONS_VIOLATION");
        assert.strictEqual(await errorCode(jsm.streams.delete(jobs.stream.name)), "PERMISSIONS_VIOLATION");
        const alive = members.filter((m) => m !== leader);
        for (const m of alive) {
            await assert.rejects(connect({ servers: `127.0.0.1:${m.port}`, user: "notify", pass: passwords.scanner, reconnect: false }), /Authorization Violation/i);
            await assert.rejects(connect({ servers: `127.0.0.1:${m.port}`, user: "scanner", pass: "wrong", reconnect: false }), /Authorization Violation/i);
        }
        // The killed server comes back on its store and catches up (what the startup probe waits for).
        const back = await leader.restart();
        members[members.indexOf(leader)] = back;
        await waitFor("the restarted server to be healthy", () => healthy(back), 60000);
        // 2.9.10 may answer /healthz before its replica has the last messages: wait for them too.
        const replicaMessages = async () => {
            const jsz = await json<{ account_details?: { name: string; stream_detail?: { name: string; state: { messages: number } }[] }[] }>(`${back.monitor}/jsz?accounts=true&streams=true`);
            return jsz.account_details?.find((a) => a.name === "SCANNER")?.stream_detail?.find((s) => s.name === jobs.stream.name)?.state.messages;
        };
        await waitFor("its replica to hold every job", async () => (await replicaMessages()) === 4, 30000);
    });

    it("accepts the pods' config with the pods' environment (nats-server -t)", async () => {
        await resources();
        resetResources();
        new NatsCluster("check", { plan, namespace: "stellaops-deps", image: "mirror.local/nats@sha256:" + "c".repeat(64), storageSize: "1Gi", clients: { podLabel: { key: "k", value: "v" }, namespaces: ["stellaops"] } });
        const all = await resources();
        const conf = (all.find((r) => r.name === "check-files-0")!.rawInputs.stringData as Record<string, string>)["nats-server.conf"];
        const container = (byType(all, "kubernetes:apps/v1:StatefulSet")[0].rawInputs.spec as { template: { spec: { containers: { env: [] }[] } } }).template.spec.containers[0];
        const file = path.join(dir, "pod.conf");
        fs.writeFileSync(file, conf);
        const r = checkConfig(bin, file, clusterPodEnvironment(container.env, "nats-2", routePassword));
        assert.ok(r.ok, r.output);
        assert.ok(!checkConfig(bin, file, {}).ok, "without the pod's environment the config fails closed");
    });
});
