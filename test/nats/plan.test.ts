/** Pure NATS plan: accounts, limits and permissions derived from the catalog; bad options named. */
import * as assert from "assert";
import { CATALOG, Catalog, NATS_STREAMS } from "../../components/catalog";
import { NatsPlanOptions, natsServices, natsUsers, planNats, serverMemoryMb } from "../../components/nats/plan";
import { allowed } from "./subjects";

const MIB = 1024 * 1024;
const base: NatsPlanOptions = { serverName: "nats", maxMemoryStoreMb: 256, maxFileStoreMb: 4096, volumeMb: 10240, tls: false };
const withNats = CATALOG.services.filter((s) => s.nats);
const owners = withNats.filter((s) => s.nats!.streams.length > 0);

describe("nats plan", () => {
    it("gives every catalog service with NATS subjects its own account and user, and nobody else", () => {
        const plan = planNats(base);
        assert.deepStrictEqual(
            plan.accounts.map((a) => [a.service, a.user, a.subjects, a.streams]),
            withNats.map((s) => [s.name, s.name, s.nats!.subjects, s.nats!.streams]),
        );
        assert.deepStrictEqual(natsServices(), withNats.map((s) => s.name));
        assert.strictEqual(new Set(plan.accounts.map((a) => a.account)).size, plan.accounts.length, "accounts are distinct");
        assert.ok(!plan.accounts.some((a) => a.account === plan.system.account), "the system account is nobody's service account");
        assert.deepStrictEqual(natsUsers(plan).map((u) => u.user), ["operator", ...withNats.map((s) => s.name)]);
    });

    it("covers every catalog stream exactly once", () => {
        const planned = planNats(base).accounts.flatMap((a) => a.streams);
        assert.deepStrictEqual([...planned].sort(), [...NATS_STREAMS].sort());
    });

    it("splits the server limits evenly among stream owners; services without streams get no JetStream", () => {
        const plan = planNats(base);
        for (const a of plan.accounts) {
            const spec = withNats.find((s) => s.name === a.service)!.nats!;
            if (spec.streams.length === 0) {
                assert.strictEqual(a.jetstream, undefined, a.service);
                continue;
            }
            assert.deepStrictEqual(a.jetstream, {
                maxMemoryBytes: Math.floor(256 / owners.length) * MIB,
                maxFileBytes: Math.floor(4096 / owners.length) * MIB,
                maxStreams: spec.streams.length,
                maxConsumers: undefined,
            });
        }
        const sum = plan.accounts.reduce((n, a) => n + (a.jetstream?.maxFileBytes ?? 0), 0);
        assert.ok(sum <= plan.jetstream.maxFileBytes);
        assert.deepStrictEqual(plan.jetstream, { storeDir: "/data", maxMemoryBytes: 256 * MIB, maxFileBytes: 4096 * MIB });
    });

    it("keeps explicit account limits and shares the rest", () => {
        const [first, ...rest] = owners.map((s) => s.name);
        const plan = planNats({ ...base, accounts: { ...Object.fromEntries(withNats.map((s) => [s.name, {}])), [first]: { maxFileMb: 1000, maxConsumers: 8 } } });
        const a = plan.accounts.find((x) => x.service === first)!;
        assert.strictEqual(a.jetstream!.maxFileBytes, 1000 * MIB);
        assert.strictEqual(a.jetstream!.maxConsumers, 8);
        for (const r of rest) assert.strictEqual(plan.accounts.find((x) => x.service === r)!.jetstream!.maxFileBytes, Math.floor((4096 - 1000) / rest.length) * MIB);
    });

    it("plans only the accounts listed", () => {
        const plan = planNats({ ...base, accounts: { [owners[0].name]: {} } });
        assert.deepStrictEqual(plan.accounts.map((a) => a.service), [owners[0].name]);
        assert.strictEqual(plan.accounts[0].jetstream!.maxFileBytes, 4096 * MIB);
    });

    it("lets each user publish and subscribe on its own subjects and its own streams only", () => {
        const plan = planNats(base);
        for (const a of plan.accounts) {
            assert.ok(allowed(a.publish, `${a.subjects}.jobs.created`) && allowed(a.subscribe, `${a.subjects}.jobs.created`), a.service);
            for (const s of a.streams) {
                for (const subject of [`$JS.API.STREAM.CREATE.${s}`, `$JS.API.STREAM.INFO.${s}`, `$JS.API.CONSUMER.CREATE.${s}.worker.${a.subjects}.x`, `$JS.API.CONSUMER.DURABLE.CREATE.${s}.worker`, `$JS.API.CONSUMER.MSG.NEXT.${s}.worker`, `$JS.ACK.${s}.worker.1.1.1.1.0`]) {
                    assert.ok(allowed(a.publish, subject), `${a.service} may publish ${subject}`);
                }
            }
            for (const other of plan.accounts.filter((o) => o !== a)) {
                assert.ok(!allowed(a.publish, `${other.subjects}.jobs.created`) && !allowed(a.subscribe, `${other.subjects}.jobs.created`), `${a.service} vs ${other.service}`);
                for (const s of other.streams) assert.ok(!allowed(a.publish, `$JS.API.STREAM.CREATE.${s}`) && !allowed(a.publish, `$JS.ACK.${s}.w.1.1.1.1.0`), `${a.service} vs ${s}`);
            }
            assert.ok(!allowed(a.publish, "$JS.API.STREAM.CREATE.ANYTHING") && !allowed(a.publish, "$SYS.REQ.SERVER.PING") && !allowed(a.subscribe, ">"), a.service);
            if (a.streams.length === 0) assert.ok(!allowed(a.publish, "$JS.API.INFO"), `${a.service} has no JetStream API`);
        }
    });

    it("derives accounts from the catalog it is given", () => {
        const services = CATALOG.services.map((s) => (s.name === "gateway" ? { ...s, nats: { subjects: "gw", streams: ["SCANNER_JOBS" as const] } } : s));
        const catalog: Catalog = { ...CATALOG, services };
        const plan = planNats(base, catalog);
        assert.deepStrictEqual(plan.accounts.at(-1)!.publish.slice(0, 2), ["gw.>", "$JS.API.INFO"]);
        assert.strictEqual(plan.accounts.at(-1)!.account, "GATEWAY");
    });

    it("adds TLS files and sizes the container from the memory store", () => {
        assert.strictEqual(planNats(base).tls, undefined);
        assert.deepStrictEqual(planNats({ ...base, tls: true, tlsDir: "/tls" }).tls, { certFile: "/tls/tls.crt", keyFile: "/tls/tls.key" });
        assert.strictEqual(serverMemoryMb(planNats(base)), 256 + 256);
    });

    const bad: [string, Partial<NatsPlanOptions>, RegExp][] = [
        ["no memory limit", { maxMemoryStoreMb: 0 }, /maxMemoryStoreMb: expected an integer >= 1/],
        ["no file limit", { maxFileStoreMb: undefined as unknown as number }, /maxFileStoreMb: expected an integer >= 1/],
        ["file store larger than the volume", { maxFileStoreMb: 10241 }, /maxFileStoreMb: expected at most the size of the store volume \(nats.storageSize, 10240 MiB\)/],
        ["a service without NATS subjects", { accounts: { authority: {} } }, /accounts.authority: expected a service with NATS subjects in the catalog \(one of scanner, scheduler, notify\)/],
        ["an unknown service", { accounts: { scaner: {} } }, /accounts.scaner: expected a service with NATS subjects/],
        ["no accounts", { accounts: {} }, /accounts: expected at least one of scanner, scheduler, notify/],
        ["limits for a service without streams", { accounts: { notify: { maxFileMb: 10 } } }, /accounts.notify: expected no JetStream limits/],
        ["account limits above the server's", { accounts: { scanner: { maxFileMb: 3000 }, scheduler: { maxFileMb: 2000 } } }, /accounts.scheduler.maxFileMb: expected account maxFileMb values adding up to at most maxFileStoreMb \(4096 MiB\)/],
        ["less than 1 MiB per account", { maxMemoryStoreMb: 1 }, /maxMemoryStoreMb: expected at least 2 MiB: 1 MiB for each of the 2 accounts with streams/],
        ["nothing left for the others", { accounts: { scanner: { maxMemoryMb: 256 }, scheduler: {} } }, /accounts.scanner.maxMemoryMb: expected .* at least 1 MiB for each account without one/],
    ];
    for (const [what, opts, message] of bad) {
        it(`refuses ${what}, naming the field`, () => {
            assert.throws(() => planNats({ ...base, ...opts }), message);
        });
    }
});
