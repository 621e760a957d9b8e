import { z } from "zod";
import { checkNatsOptions, natsServices } from "../../components/nats/plan";
import { bool, host, int, mebibytes, oneOf, port, quantity } from "./rules";

/** JetStream limits of one service's account (MiB); unset values share what the server has left. */
const accountLimits = z.strictObject({
    maxMemoryMb: int(1).optional(),
    maxFileMb: int(1).optional(),
    maxConsumers: int(1).optional(),
});

/** `stellaops:nats`: optional JetStream transport; absent from every stack unless enabled. */
export const natsSection = z
    .strictObject({
        enabled: bool.default(false),
        /** Transport exported to services for queues; nats only takes effect when enabled. */
        queueTransport: oneOf(["valkey", "nats"] as const).default("valkey"),
        /** JetStream limits in MiB (server-wide); required when enabled. */
        maxMemoryStoreMb: int(1).optional(),
        maxFileStoreMb: int(1).optional(),
        /** Volume size for the JetStream store (dev/airgap); external: the existing server's store volume. */
        storageSize: quantity.default("10Gi"),
        /** Services that get an account (keys from the catalog's NATS services), with optional limits; unset: all of them. */
        accounts: z.record(z.string(), accountLimits).optional(),
        /** TLS on the client port (certificate and key from the natsTlsCert / natsTlsKey secrets). */
        tls: bool.default(false),
        /** external: the existing server. */
        host: host.optional(),
        port: port.default(4222),
    })
    .superRefine((nats, ctx) => {
        const issue = (path: (string | number)[], message: string, input: unknown) => ctx.addIssue({ code: "custom", path, message, input });
        const known = natsServices();
        // Typos in service names are reported even while NATS is off.
        for (const name of Object.keys(nats.accounts ?? {})) {
            if (!known.includes(name as never)) issue(["accounts", name], `expected a service with NATS subjects in the catalog (one of ${known.join(", ")})`, name);
        }
        if (!nats.enabled) {
            if (nats.queueTransport === "nats") issue(["queueTransport"], "expected valkey while nats.enabled is false (set nats.enabled: true to move queues to NATS)", nats.queueTransport);
            return;
        }
        if (nats.maxMemoryStoreMb === undefined || nats.maxFileStoreMb === undefined) {
            if (nats.maxMemoryStoreMb === undefined) issue(["maxMemoryStoreMb"], "expected the JetStream memory-store limit in MiB when nats.enabled is true", undefined);
            if (nats.maxFileStoreMb === undefined) issue(["maxFileStoreMb"], "expected the JetStream file-store limit in MiB when nats.enabled is true", undefined);
            return;
        }
        // Values that break the field rules are reported by them already.
        if (!(nats.maxMemoryStoreMb >= 1 && nats.maxFileStoreMb >= 1)) return;
        const problems = checkNatsOptions({
            serverName: "check",
            maxMemoryStoreMb: nats.maxMemoryStoreMb,
            maxFileStoreMb: nats.maxFileStoreMb,
            volumeMb: mebibytes(nats.storageSize),
            accounts: nats.accounts,
            tls: nats.tls,
        });
        // Unknown services were reported above.
        for (const p of problems) if (!(p.path[0] === "accounts" && p.path.length === 2 && !known.includes(p.path[1] as never))) issue([...p.path], p.message, p.input);
        if (nats.queueTransport === "nats" && nats.accounts) {
            for (const s of known.filter((n) => !(n in nats.accounts!))) {
                issue(["accounts", s], `expected an account for ${s}: queueTransport nats moves its queues and streams to NATS`, undefined);
            }
        }
    });

export type NatsConfig = z.infer<typeof natsSection>;
