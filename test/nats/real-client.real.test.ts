/**
 * The real-client tier for NATS (issue 13): on a real nats-server from the rendered config, each
 * service with streams works as StellaOps documents it, as its own user (streams and durable
 * consumers it creates itself, idempotent publish, pull, ack, nak, dead letters), and nothing
 * more: no other service's streams or subjects, no deleting its own, no stream it does not own,
 * no login at all for Notify, which stays on Valkey.
 */
import * as assert from "assert";
import { NatsConnection } from "nats";
import { NatsAccountPlan } from "../../components/nats/plan";
import { deadLetters, enqueue, errorCode, queuesOf, startUp, subscribeError, work } from "./service-client";
import { NatsTestServer, requireNatsServer, startNats } from "./server-support";

const DENIED = "PERMISSIONS_VIOLATION";

describe("StellaOps services on NATS (real client, real server)", function () {
    this.timeout(60000);
    let nats: NatsTestServer;
    const conns = new Map<string, NatsConnection>();
    const as = (service: string) => conns.get(service)!;

    before(async function () {
        nats = await startNats(requireNatsServer(this), { maxMemoryStoreMb: 64, maxFileStoreMb: 512, queueTransport: "nats" });
        for (const a of nats.plan.accounts) conns.set(a.service, await nats.login(a.user));
    });

    after(async () => {
        for (const nc of conns.values()) await nc.close().catch(() => undefined);
        await nats?.stop();
    });

    it("has accounts for exactly the services with streams: Scanner and Scheduler", () => {
        assert.deepStrictEqual([...conns.keys()], ["scanner", "scheduler"]);
    });

    it("refuses Notify any login: it has no NATS user", async () => {
        for (const pw of ["", "notify", nats.passwords.scanner, nats.passwords.operator]) {
            await assert.rejects(nats.login("notify", pw), /Authorization Violation/i, `notify with ${pw ? "a password" : "no password"}`);
        }
    });

    const account = (service: string): NatsAccountPlan => nats.plan.accounts.find((a) => a.service === service)!;

    for (const service of ["scanner", "scheduler"]) {
        describe(service, () => {
            it("creates its documented streams and durable consumers at start-up, again after a restart, and updates them", async () => {
                const a = account(service);
                await startUp(as(service), a.streams, nats.plan.streamReplicas, 24 * 3600);
                await startUp(as(service), a.streams, nats.plan.streamReplicas); // restart of a release with a longer max_age
                const jsm = await as(service).jetstreamManager();
                assert.deepStrictEqual((await jsm.streams.names().next()).sort(), a.streams.map((s) => s.name).sort(), "its own streams, and only those");
                for (const q of queuesOf(a.streams)) {
                    const c = await jsm.consumers.info(q.stream.name, q.stream.consumer);
                    assert.deepStrictEqual([c.config.durable_name, c.config.max_deliver], [q.stream.consumer, 3]);
                }
                const info = await jsm.streams.info(a.streams[0].name);
                assert.deepStrictEqual([info.config.subjects, info.config.max_age], [[a.streams[0].subject], 7 * 24 * 3600 * 1e9]);
            });

            it("publishes idempotently, pulls, acks, naks and moves what keeps failing to its _DEAD stream", async () => {
                for (const q of queuesOf(account(service).streams)) {
                    const jobs = [`${q.stream.name}-a`, "poison-1", `${q.stream.name}-b`];
                    await enqueue(as(service), q, jobs);
                    const result = await work(as(service), q);
                    assert.deepStrictEqual(result, { done: [jobs[0], jobs[2]], dead: ["poison-1"] }, q.stream.name);
                    assert.deepStrictEqual(await deadLetters(as(service), q), [{ job: "poison-1", deliveries: "3" }], `${q.dead.name} holds the dead letter`);
                    const jsm = await as(service).jetstreamManager();
                    const c = await jsm.consumers.info(q.stream.name, q.stream.consumer);
                    assert.deepStrictEqual([c.num_pending, c.num_ack_pending, c.num_redelivered], [0, 0, 0], `${q.stream.consumer}: nothing left`);
                }
            });

            it("cannot delete or purge its own streams, nor create one it does not own", async () => {
                const jsm = await as(service).jetstreamManager();
                const a = account(service);
                assert.strictEqual(await errorCode(jsm.streams.delete(a.streams[0].name)), DENIED, "delete");
                assert.strictEqual(await errorCode(jsm.streams.purge(a.streams[0].name)), DENIED, "purge");
                assert.strictEqual(await errorCode(jsm.streams.add({ name: `${a.account}_EXTRA`, subjects: [`${a.subjects}.extra`] })), DENIED, "an unlisted stream");
                const q = queuesOf(a.streams)[0];
                assert.strictEqual(await errorCode(jsm.consumers.delete(q.stream.name, q.stream.consumer)), DENIED, "delete its durable consumer");
            });
        });
    }

    describe("between services", () => {
        it("denies Scanner every Scheduler stream, subject and consumer, and the other way round", async () => {
            for (const [me, other] of [["scanner", "scheduler"], ["scheduler", "scanner"]]) {
                const nc = as(me);
                const jsm = await nc.jetstreamManager();
                for (const s of account(other).streams) {
                    assert.strictEqual(await errorCode(jsm.streams.add({ name: s.name, subjects: [`${account(me).subjects}.${s.name.toLowerCase()}`] })), DENIED, `${me} creates ${s.name}`);
                    assert.strictEqual(await errorCode(jsm.streams.info(s.name)), DENIED, `${me} reads ${s.name}`);
                    assert.strictEqual(await errorCode(nc.jetstream().publish(s.subject, new Uint8Array())), DENIED, `${me} publishes ${s.subject}`);
                    assert.strictEqual(await subscribeError(nc, s.subject), DENIED, `${me} subscribes ${s.subject}`);
                    if (s.consumer) {
                        assert.strictEqual(await errorCode(nc.jetstream().consumers.get(s.name, s.consumer)), DENIED, `${me} uses ${s.consumer}`);
                        assert.strictEqual(await errorCode(nc.request(`$JS.API.CONSUMER.MSG.NEXT.${s.name}.${s.consumer}`, new Uint8Array(), { timeout: 2000 })), DENIED, `${me} pulls ${s.consumer}`);
                    }
                }
                assert.strictEqual(await subscribeError(nc, ">"), DENIED, `${me} subscribes to everything`);
                // Account isolation: the other service's streams do not even exist from here.
                assert.ok(!(await jsm.streams.names().next()).some((n) => account(other).streams.some((s) => s.name === n)), `${me} sees none of ${other}'s streams`);
            }
        });
    });
});
