/** Pure NATS plan: accounts, limits and permissions from the (extended) catalog; every rule's problem named under `nats`. */
import * as assert from "assert";
import { CATALOG, Catalog, natsCapable } from "../../components/catalog";
import { extendCatalog } from "../../components/catalog-extend";
import { NATS_CLUSTER_SIZE, NatsOptions, natsServices, natsUsers, planNats, serverMemoryMb } from "../../components/nats/plan";
import { queueTransports } from "../../components/nats/transport";
import { PlanError } from "../../components/problems";
import { allowed } from "./subjects";

const MIB = 1024 * 1024;
const base: NatsOptions = { maxMemoryStoreMb: 256, maxFileStoreMb: 4096, volumeMb: 10240 };

/** A catalog with Evidence Locker added in config, with a stream outside its subject root. */
const extended: Catalog = extendCatalog({
    services: {
        evidencelocker: { valkey: ["cache"], queues: [], buckets: [], routed: true, nats: { subjects: "evidence", streams: [{ name: "EVIDENCE_JOBS", subject: "evidence.jobs", consumer: "evidence-workers" }, { name: "EVIDENCE_AUDIT", subject: "audit.evidence" }] } },
        packs: { valkey: ["cache"], queues: [], buckets: [], routed: true, nats: { subjects: "packs", streams: [] } },
    },
});

describe("nats plan", () => {
    it("gives an account only to services with streams: scanner and scheduler, never notify", () => {
        const plan = planNats(base, CATALOG);
        assert.deepStrictEqual(plan.accounts.map((a) => [a.service, a.account, a.user]), [["scanner", "SCANNER", "scanner"], ["scheduler", "SCHEDULER", "scheduler"]]);
        assert.deepStrictEqual(natsServices(CATALOG), ["scanner", "scheduler"]);
        assert.deepStrictEqual(natsUsers(plan).map((u) => u.user), ["operator", "scanner", "scheduler"]);
        assert.deepStrictEqual(plan.system, { account: "SYS", user: "operator", passwordVar: "SYS_PASSWORD_BCRYPT" });
    });

    it("carries the documented streams, subjects and durable consumers unchanged", () => {
        const byService = Object.fromEntries(planNats(base, CATALOG).accounts.map((a) => [a.service, a.streams.map((s) => [s.name, s.subject, s.consumer ?? null])]));
        assert.deepStrictEqual(byService, {
            scanner: [["SCANNER_JOBS", "scanner.jobs", "scanner-workers"], ["SCANNER_JOBS_DEAD", "scanner.jobs.dead", null]],
            scheduler: [
                ["SCHEDULER_PLANNER", "scheduler.planner", "scheduler-planners"],
                ["SCHEDULER_PLANNER_DEAD", "scheduler.planner.dead", null],
                ["SCHEDULER_RUNNER", "scheduler.runner", "scheduler-runners"],
                ["SCHEDULER_RUNNER_DEAD", "scheduler.runner.dead", null],
            ],
        });
    });

    it("gives a service added in config with streams an account; one with an empty stream list stays on Valkey", () => {
        const plan = planNats(base, extended);
        assert.deepStrictEqual(plan.accounts.map((a) => a.service), ["scanner", "scheduler", "evidencelocker"]);
        const ev = plan.accounts[2];
        assert.ok(allowed(ev.publish, "audit.evidence") && allowed(ev.subscribe, "audit.evidence"), "a stream subject outside the root is granted");
        assert.ok(!allowed(ev.publish, "audit.other"));
        assert.strictEqual(ev.jetstream.maxStreams, 2);
        assert.deepStrictEqual(queueTransports(extended, "nats"), { ...queueTransports(CATALOG, "nats"), evidencelocker: "nats", packs: "valkey" });
    });

    it("moves only services with streams to nats; everyone stays on valkey otherwise", () => {
        const nats = queueTransports(CATALOG, "nats");
        for (const s of CATALOG.services) assert.strictEqual(nats[s.name], natsCapable(s) ? "nats" : "valkey", s.name);
        assert.strictEqual(nats.notify, "valkey");
        assert.deepStrictEqual(Object.values(queueTransports(CATALOG, "valkey")), CATALOG.services.map(() => "valkey"));
    });

    it("splits the server limits evenly; counts every replica in a cluster", () => {
        const single = planNats(base, CATALOG);
        for (const a of single.accounts) {
            assert.deepStrictEqual(a.jetstream, { maxMemoryBytes: 128 * MIB, maxFileBytes: 2048 * MIB, maxStreams: a.streams.length, maxConsumers: undefined });
        }
        assert.deepStrictEqual(single.jetstream, { maxMemoryBytes: 256 * MIB, maxFileBytes: 4096 * MIB });
        assert.strictEqual(single.streamReplicas, 1);
        assert.strictEqual(single.cluster, undefined);
        const ha = planNats({ ...base, cluster: true }, CATALOG);
        assert.deepStrictEqual(ha.jetstream, single.jetstream, "per-server limits do not change");
        for (const a of ha.accounts) assert.strictEqual(a.jetstream.maxFileBytes, 2048 * MIB * NATS_CLUSTER_SIZE, a.service);
        assert.strictEqual(ha.streamReplicas, 3);
        assert.deepStrictEqual(ha.cluster, { name: "stellaops", size: 3, routeUser: "route", passwordVar: "NATS_ROUTE_PASSWORD", routeVars: ["NATS_ROUTE_0", "NATS_ROUTE_1", "NATS_ROUTE_2"] });
    });

    it("keeps explicit account limits and shares the rest; plans only the accounts listed", () => {
        const plan = planNats({ ...base, accounts: { scanner: { maxFileMb: 1000, maxConsumers: 8 }, scheduler: {} } }, CATALOG);
        assert.deepStrictEqual([plan.accounts[0].jetstream.maxFileBytes, plan.accounts[0].jetstream.maxConsumers], [1000 * MIB, 8]);
        assert.strictEqual(plan.accounts[1].jetstream.maxFileBytes, (4096 - 1000) * MIB);
        const only = planNats({ ...base, accounts: { scanner: {} } }, CATALOG);
        assert.deepStrictEqual(only.accounts.map((a) => [a.service, a.jetstream.maxFileBytes]), [["scanner", 4096 * MIB]]);
    });

    it("lets each user reach its own subjects and the JetStream API of its own streams, nothing else", () => {
        const plan = planNats(base, CATALOG);
        const api = (s: string, c = "w") => [`$JS.API.STREAM.CREATE.${s}`, `$JS.API.STREAM.UPDATE.${s}`, `$JS.API.STREAM.INFO.${s}`, `$JS.API.CONSUMER.CREATE.${s}.${c}`, `$JS.API.CONSUMER.CREATE.${s}.${c}.x.y`, `$JS.API.CONSUMER.DURABLE.CREATE.${s}.${c}`, `$JS.API.CONSUMER.INFO.${s}.${c}`, `$JS.API.CONSUMER.MSG.NEXT.${s}.${c}`, `$JS.ACK.${s}.${c}.1.2.3.4.0`, `$JS.API.STREAM.MSG.GET.${s}`];
        for (const a of plan.accounts) {
            for (const s of a.streams) {
                assert.ok(allowed(a.publish, s.subject), `${a.service} publishes ${s.subject}`);
                for (const subject of api(s.name, s.consumer)) assert.ok(allowed(a.publish, subject), `${a.service} may publish ${subject}`);
                for (const subject of [`$JS.API.STREAM.DELETE.${s.name}`, `$JS.API.STREAM.PURGE.${s.name}`, `$JS.API.CONSUMER.DELETE.${s.name}.w`, `$JS.API.STREAM.MSG.DELETE.${s.name}`]) {
                    assert.ok(!allowed(a.publish, subject), `${a.service} must not publish ${subject}`);
                }
            }
            for (const other of plan.accounts.filter((o) => o !== a)) {
                for (const s of other.streams) {
                    assert.ok(!allowed(a.publish, s.subject) && !allowed(a.subscribe, s.subject), `${a.service} vs ${s.subject}`);
                    for (const subject of api(s.name)) assert.ok(!allowed(a.publish, subject), `${a.service} vs ${subject}`);
                }
            }
            for (const subject of ["$JS.API.STREAM.CREATE.ANYTHING", "$SYS.REQ.SERVER.PING", "$JS.API.ACCOUNT.PURGE.X", "_INBOX.x"]) assert.ok(!allowed(a.publish, subject), `${a.service}: ${subject}`);
            assert.ok(!allowed(a.subscribe, "$JS.EVENT.ADVISORY.X") && !allowed(a.subscribe, "other.x") && allowed(a.subscribe, "_INBOX.abc"), a.service);
        }
    });

    it("sizes the container from the memory store", () => {
        assert.strictEqual(serverMemoryMb(planNats(base, CATALOG)), 256 + 256);
    });

    const bad: [string, NatsOptions, Catalog, [string, RegExp][]][] = [
        ["no limits", { volumeMb: 100 }, CATALOG, [["maxMemoryStoreMb", /^expected the JetStream memory-store limit in MiB when nats.enabled is true$/], ["maxFileStoreMb", /^expected the JetStream file-store limit/]]],
        ["a zero limit", { ...base, maxMemoryStoreMb: 0 }, CATALOG, [["maxMemoryStoreMb", /^expected an integer >= 1/]]],
        ["a file store larger than the volume", { ...base, maxFileStoreMb: 10241 }, CATALOG, [["maxFileStoreMb", /^expected at most the size of the store volume \(nats.storageSize, 10240 MiB\)/]]],
        ["notify in accounts (no streams)", { ...base, accounts: { notify: {} } }, CATALOG, [["accounts.notify", /^expected a service with NATS streams in the catalog \(one of scanner, scheduler\): notify has none, so it stays on Valkey$/]]],
        ["an unknown service", { ...base, accounts: { scaner: {} } }, CATALOG, [["accounts.scaner", /^expected a service with NATS streams in the catalog \(one of scanner, scheduler\)$/]]],
        ["a config service without streams", { ...base, accounts: { packs: {} } }, extended, [["accounts.packs", /packs has none/]]],
        ["no accounts", { ...base, accounts: {} }, CATALOG, [["accounts", /^expected at least one of scanner, scheduler$/]]],
        ["the nats transport without every service with streams", { ...base, queueTransport: "nats", accounts: { scanner: {} } }, extended, [["accounts.scheduler", /^expected an account for scheduler: queueTransport nats/], ["accounts.evidencelocker", /^expected an account for evidencelocker/]]],
        ["account limits above the server's", { ...base, accounts: { scanner: { maxFileMb: 3000 }, scheduler: { maxFileMb: 2000 } } }, CATALOG, [["accounts.scheduler.maxFileMb", /^expected account maxFileMb values adding up to at most maxFileStoreMb \(4096 MiB\) \(the accounts set add up to 5000 MiB\)/]]],
        ["nothing left for the others", { ...base, accounts: { scanner: { maxMemoryMb: 256 }, scheduler: {} } }, CATALOG, [["accounts.scanner.maxMemoryMb", /with at least 1 MiB for each account without one/]]],
        ["less than 1 MiB per account", { ...base, maxMemoryStoreMb: 1 }, CATALOG, [["maxMemoryStoreMb", /^expected at least 2 MiB: 1 MiB for each of the 2 accounts/]]],
    ];
    for (const [what, opts, catalog, expected] of bad) {
        it(`refuses ${what}, naming the field under nats`, () => {
            assert.throws(
                () => planNats(opts, catalog),
                (err: unknown) => {
                    assert.ok(err instanceof PlanError, String(err));
                    assert.strictEqual(err.section, "nats");
                    assert.deepStrictEqual(err.problems.map((p) => p.path.join(".")), expected.map(([path]) => path), err.message);
                    expected.forEach(([, message], i) => assert.match(err.problems[i].message, message));
                    assert.ok(err.message.includes(`nats.${expected[0][0]}: `), err.message);
                    return true;
                },
            );
        });
    }

    it("refuses a service named like the system account's user", () => {
        const sys = extendCatalog({ services: { operator: { valkey: ["cache"], queues: [], buckets: [], routed: true, nats: { subjects: "op", streams: [{ name: "OP", subject: "op.jobs" }] } } } });
        assert.throws(() => planNats(base, sys), /nats\.accounts\.operator: expected a service name other than sys or operator/);
    });
});
