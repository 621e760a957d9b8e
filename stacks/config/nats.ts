/**
 * `stellaops:nats`: the optional JetStream transport, absent from every stack unless enabled.
 * Limits that depend on the catalog (accounts, shares) are the NATS plan's business.
 */
import { z } from "zod";
import { bool, host, int, oneOf, port, quantity } from "./rules";

/** JetStream limits of one service's account (MiB); unset values share what the server has left. */
const accountLimits = z.strictObject({
    maxMemoryMb: int(1).optional(),
    maxFileMb: int(1).optional(),
    maxConsumers: int(1).optional(),
});

export const natsFields = {
    enabled: bool.default(false).describe("run (or, external, configure accounts on) NATS JetStream; off: no NATS resource, output or setting exists"),
    queueTransport: oneOf(["valkey", "nats"] as const).default("valkey").describe("queue transport of the services that have NATS streams (Scanner, Scheduler); the others stay on Valkey"),
    maxMemoryStoreMb: int(1).optional().describe("server-wide JetStream memory-store limit in MiB; required when enabled"),
    maxFileStoreMb: int(1).optional().describe("server-wide JetStream file-store limit in MiB; required when enabled, must fit in `storageSize`"),
    storageSize: quantity.default("10Gi").describe("JetStream store volume (airgap PVC; external: the existing server's store volume)"),
    accounts: z.record(z.string(), accountLimits).optional().describe("services that get an account, with optional `maxMemoryMb`/`maxFileMb`/`maxConsumers`; default every service with NATS streams"),
    tls: bool.default(false).describe("TLS on the client port (certificate and key from the natsTlsCert / natsTlsKey secrets)"),
    host: host.optional().describe("the existing server's host; required when enabled"),
    port: port.default(4222).describe("the existing server's client port"),
};
