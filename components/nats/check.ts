/**
 * Every rule of the NATS options that needs the catalog (or nothing else), in one place:
 * required limits, the file store fitting its volume, accounts keyed by services with streams,
 * limits adding up, and the nats transport having an account for every service it moves.
 * Paths are relative to the `nats` config section.
 */
import { Catalog, natsCapable } from "../catalog";
import { Problem, Problems } from "../problems";
import type { NatsOptions } from "./options";

/** Account and user names the system account uses: no service may take them. */
const RESERVED = ["sys", "operator"];

function limitsRequired(opts: NatsOptions, p: Problems): boolean {
    let ok = true;
    for (const key of ["maxMemoryStoreMb", "maxFileStoreMb"] as const) {
        const v = opts[key];
        const what = key === "maxMemoryStoreMb" ? "memory" : "file";
        if (v === undefined) ok = p.need(false, [key], `expected the JetStream ${what}-store limit in MiB when nats.enabled is true`, v) && ok;
        else ok = p.need(Number.isInteger(v) && v >= 1, [key], "expected an integer >= 1 (MiB)", v) && ok;
    }
    return ok;
}

function accountKeys(opts: NatsOptions, catalog: Catalog, p: Problems): void {
    const capable = catalog.services.filter(natsCapable).map((s) => s.name);
    const accounts = opts.accounts;
    if (accounts) p.need(Object.keys(accounts).length > 0, ["accounts"], `expected at least one of ${capable.join(", ")}`, accounts);
    for (const name of Object.keys(accounts ?? {})) {
        const known = catalog.services.some((s) => s.name === name);
        p.need(capable.includes(name), ["accounts", name], `expected a service with NATS streams in the catalog (one of ${capable.join(", ")})${known ? `: ${name} has none, so it stays on Valkey` : ""}`, name);
    }
    for (const name of capable.filter((n) => RESERVED.includes(n) && (!accounts || n in accounts))) {
        p.need(false, ["accounts", name], `expected a service name other than ${RESERVED.join(" or ")} (the system account's)`, name);
    }
    if (opts.queueTransport === "nats" && accounts) {
        for (const s of capable.filter((n) => !(n in accounts))) {
            p.need(false, ["accounts", s], `expected an account for ${s}: queueTransport nats moves its queues to NATS`, undefined);
        }
    }
}

function limitsAddUp(opts: NatsOptions, catalog: Catalog, p: Problems): void {
    const accounts = opts.accounts ?? {};
    const owners = catalog.services.filter(natsCapable).map((s) => s.name).filter((s) => !opts.accounts || s in accounts);
    for (const [field, serverKey] of [["maxMemoryMb", "maxMemoryStoreMb"], ["maxFileMb", "maxFileStoreMb"]] as const) {
        const server = opts[serverKey]!;
        const explicit = owners.filter((s) => accounts[s]?.[field] !== undefined);
        const sum = explicit.reduce((n, s) => n + accounts[s]![field]!, 0);
        const left = owners.length - explicit.length;
        if (explicit.length === 0) {
            p.need(left <= server, [serverKey], `expected at least ${left} MiB: 1 MiB for each of the ${left} accounts`, server);
        } else if (sum > server || (left > 0 && Math.floor((server - sum) / left) < 1)) {
            const last = explicit[explicit.length - 1];
            const rest = left > 0 ? ` with at least 1 MiB for each account without one` : "";
            p.need(false, ["accounts", last, field], `expected account ${field} values adding up to at most ${serverKey} (${server} MiB)${rest} (the accounts set add up to ${sum} MiB)`, accounts[last]![field]);
        }
    }
}

/** Problems with the options, located by field path under `nats`; empty when the plan can be built. */
export function natsProblems(opts: NatsOptions, catalog: Catalog): Problem[] {
    const p = new Problems();
    const limitsOk = limitsRequired(opts, p);
    if (limitsOk && opts.volumeMb !== undefined) {
        p.need(opts.maxFileStoreMb! <= opts.volumeMb, ["maxFileStoreMb"], `expected at most the size of the store volume (nats.storageSize, ${opts.volumeMb} MiB): the file store must fit on it`, opts.maxFileStoreMb);
    }
    accountKeys(opts, catalog, p);
    if (limitsOk && p.list.every((x) => x.path[0] !== "accounts")) limitsAddUp(opts, catalog, p);
    return p.list;
}
