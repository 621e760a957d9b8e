/**
 * The queue transport per service: with `queueTransport: nats`, only the services that have NATS
 * streams move (Scanner, Scheduler, and any service added in config with streams); the others,
 * Notify among them, stay on Valkey. With NATS off the transport is valkey for everyone.
 */
import { Catalog, ServiceName, natsCapable } from "../catalog";
import type { QueueTransport } from "./options";

/** Transport of each catalog service, in catalog order. */
export function queueTransports(catalog: Catalog, transport: QueueTransport): Readonly<Record<ServiceName, QueueTransport>> {
    return Object.fromEntries(catalog.services.map((s) => [s.name, transport === "nats" && natsCapable(s) ? "nats" : "valkey"]));
}
