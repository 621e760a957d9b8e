/**
 * Pure NATS JetStream plan: catalog + options in, server settings, accounts, users and their
 * permissions out. No Pulumi import; the renderer and every platform component read this plan,
 * so what `nats-server -t` accepts in the tests is what the stack deploys.
 */
import { CATALOG, Catalog, NatsStream, ServiceName } from "../catalog";

const MIB = 1024 * 1024;

/** JetStream limits of one service account, in MiB. */
export interface NatsAccountLimits {
    /** Memory-store limit; default: an even share of what the server has left. */
    readonly maxMemoryMb?: number;
    /** File-store limit; default: an even share of what the server has left. */
    readonly maxFileMb?: number;
    /** Consumers across the account's streams; unset means unlimited. */
    readonly maxConsumers?: number;
}

export interface NatsPlanOptions {
    /** server_name; stable so the JetStream store keeps its identity. */
    readonly serverName: string;
    /** Server-wide JetStream memory-store limit in MiB. */
    readonly maxMemoryStoreMb: number;
    /** Server-wide JetStream file-store limit in MiB. */
    readonly maxFileStoreMb: number;
    /** Size of the volume the store lives on, in MiB; the file store must fit on it. */
    readonly volumeMb?: number;
    /** Services that get an account, with optional limits; unset: every service with NATS subjects. */
    readonly accounts?: Readonly<Record<string, NatsAccountLimits>>;
    /** TLS on the client port, with certificate files under `tlsDir`. */
    readonly tls: boolean;
    readonly listenHost?: string;
    readonly clientPort?: number;
    readonly monitorPort?: number;
    /** Directory JetStream keeps its store in (the mounted volume). */
    readonly storeDir?: string;
    readonly tlsDir?: string;
}

export interface JetStreamAccountLimits {
    readonly maxMemoryBytes: number;
    readonly maxFileBytes: number;
    readonly maxStreams: number;
    readonly maxConsumers?: number;
}

export interface NatsUserPlan {
    /** Account name in nats-server.conf. */
    readonly account: string;
    readonly user: string;
    /** Environment variable the offline render references for this user's bcrypt hash. */
    readonly passwordVar: string;
}

export interface NatsAccountPlan extends NatsUserPlan {
    readonly service: ServiceName;
    /** Subject root the service owns: it may use `<subjects>.>` only. */
    readonly subjects: string;
    readonly streams: readonly NatsStream[];
    readonly publish: readonly string[];
    readonly subscribe: readonly string[];
    /** Absent: the account has no JetStream (a service that owns no streams). */
    readonly jetstream?: JetStreamAccountLimits;
}

export interface NatsPlan {
    readonly serverName: string;
    readonly listenHost: string;
    readonly clientPort: number;
    readonly monitorPort: number;
    readonly jetstream: { readonly storeDir: string; readonly maxMemoryBytes: number; readonly maxFileBytes: number };
    /** The system account and its operator user. */
    readonly system: NatsUserPlan;
    readonly accounts: readonly NatsAccountPlan[];
    readonly tls?: { readonly certFile: string; readonly keyFile: string };
    /** Monitoring path that answers 200 once JetStream is enabled. */
    readonly healthPath: string;
}

/** A problem with the options, located by field path, worded "expected ...". */
export interface NatsProblem {
    readonly path: readonly (string | number)[];
    readonly message: string;
    readonly input: unknown;
}

export const NATS_HEALTH_PATH = "/healthz?js-enabled-only=true";

/** Services the catalog gives NATS subjects to, in catalog order. */
export function natsServices(catalog: Catalog = CATALOG): ServiceName[] {
    return catalog.services.filter((s) => s.nats).map((s) => s.name);
}

function natsSpec(name: string, catalog: Catalog) {
    return catalog.services.find((s) => s.name === name)?.nats;
}

/** Every rule on the options; `stacks/config/nats.ts` reports the same problems as config errors. */
export function checkNatsOptions(opts: NatsPlanOptions, catalog: Catalog = CATALOG): NatsProblem[] {
    const problems: NatsProblem[] = [];
    const add = (path: (string | number)[], message: string, input: unknown) => problems.push({ path, message, input });
    const known = natsServices(catalog);
    if (!(Number.isInteger(opts.maxMemoryStoreMb) && opts.maxMemoryStoreMb >= 1)) add(["maxMemoryStoreMb"], "expected an integer >= 1 (MiB) when NATS is enabled", opts.maxMemoryStoreMb);
    if (!(Number.isInteger(opts.maxFileStoreMb) && opts.maxFileStoreMb >= 1)) add(["maxFileStoreMb"], "expected an integer >= 1 (MiB) when NATS is enabled", opts.maxFileStoreMb);
    if (opts.volumeMb !== undefined && opts.maxFileStoreMb > opts.volumeMb) {
        add(["maxFileStoreMb"], `expected at most the size of the store volume (nats.storageSize, ${opts.volumeMb} MiB): the file store must fit on it`, opts.maxFileStoreMb);
    }
    const accounts = opts.accounts ?? {};
    if (opts.accounts && Object.keys(accounts).length === 0) add(["accounts"], `expected at least one of ${known.join(", ")}`, opts.accounts);
    for (const [name, limits] of Object.entries(accounts)) {
        const spec = natsSpec(name, catalog);
        if (!spec) {
            add(["accounts", name], `expected a service with NATS subjects in the catalog (one of ${known.join(", ")})`, name);
            continue;
        }
        if (spec.streams.length === 0 && (limits.maxMemoryMb !== undefined || limits.maxFileMb !== undefined || limits.maxConsumers !== undefined)) {
            add(["accounts", name], `expected no JetStream limits: ${name} owns no streams in the catalog`, limits);
        }
    }
    if (problems.some((p) => p.path.length === 1 && p.path[0] !== "accounts" && p.message.startsWith("expected an integer"))) return problems;
    // Explicit account limits may not add up to more than the server holds.
    const owners = accountServices(opts, catalog).filter((s) => natsSpec(s, catalog)!.streams.length > 0);
    for (const [field, server, serverKey] of [["maxMemoryMb", opts.maxMemoryStoreMb, "maxMemoryStoreMb"], ["maxFileMb", opts.maxFileStoreMb, "maxFileStoreMb"]] as const) {
        const explicit = owners.filter((s) => accounts[s]?.[field] !== undefined);
        const sum = explicit.reduce((n, s) => n + accounts[s]![field]!, 0);
        const left = owners.length - explicit.length;
        if (explicit.length === 0 && left > server) {
            add([serverKey], `expected at least ${left} MiB: 1 MiB for each of the ${left} accounts with streams`, server);
        } else if (sum > server || (left > 0 && Math.floor((server - sum) / left) < 1)) {
            const last = explicit[explicit.length - 1];
            add(["accounts", last, field], `expected account ${field} values adding up to at most ${serverKey} (${server} MiB) with at least 1 MiB for each account without one (the accounts set add up to ${sum} MiB)`, accounts[last]?.[field]);
        }
    }
    return problems;
}

function accountServices(opts: NatsPlanOptions, catalog: Catalog): ServiceName[] {
    const all = natsServices(catalog);
    return opts.accounts ? all.filter((s) => s in opts.accounts!) : all;
}

/** Subjects a service's user may publish to: its own subject root and its own streams' JetStream API. */
export function publishSubjects(subjects: string, streams: readonly string[]): string[] {
    if (streams.length === 0) return [`${subjects}.>`];
    const api = streams.flatMap((s) => [
        `$JS.API.STREAM.*.${s}`, // CREATE, UPDATE, DELETE, INFO, PURGE
        `$JS.API.STREAM.MSG.*.${s}`,
        `$JS.API.DIRECT.GET.${s}`,
        `$JS.API.DIRECT.GET.${s}.>`,
        `$JS.API.CONSUMER.*.${s}`, // legacy CREATE, NAMES, LIST
        `$JS.API.CONSUMER.*.${s}.>`, // CREATE with name, INFO, DELETE, PAUSE
        `$JS.API.CONSUMER.DURABLE.CREATE.${s}.>`,
        `$JS.API.CONSUMER.MSG.NEXT.${s}.>`,
        `$JS.ACK.${s}.>`,
        `$JS.FC.${s}.>`,
    ]);
    // Account info and stream listings only show the service's own account.
    return [`${subjects}.>`, "$JS.API.INFO", "$JS.API.STREAM.NAMES", "$JS.API.STREAM.LIST", ...api];
}

/** Builds the plan; throws naming every bad field. */
export function planNats(opts: NatsPlanOptions, catalog: Catalog = CATALOG): NatsPlan {
    const problems = checkNatsOptions(opts, catalog);
    if (problems.length > 0) throw new Error(`invalid NATS options:\n  ${problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("\n  ")}`);
    const accounts = opts.accounts ?? {};
    const services = accountServices(opts, catalog);
    const owners = services.filter((s) => natsSpec(s, catalog)!.streams.length > 0);
    const share = (field: "maxMemoryMb" | "maxFileMb", server: number): number => {
        const explicit = owners.filter((s) => accounts[s]?.[field] !== undefined);
        const used = explicit.reduce((n, s) => n + accounts[s]![field]!, 0);
        return Math.floor((server - used) / Math.max(1, owners.length - explicit.length));
    };
    const memShare = share("maxMemoryMb", opts.maxMemoryStoreMb);
    const fileShare = share("maxFileMb", opts.maxFileStoreMb);
    const tlsDir = opts.tlsDir ?? "/etc/nats/tls";
    return {
        serverName: opts.serverName,
        listenHost: opts.listenHost ?? "0.0.0.0",
        clientPort: opts.clientPort ?? 4222,
        monitorPort: opts.monitorPort ?? 8222,
        jetstream: { storeDir: opts.storeDir ?? "/data", maxMemoryBytes: opts.maxMemoryStoreMb * MIB, maxFileBytes: opts.maxFileStoreMb * MIB },
        system: { account: "SYS", user: "operator", passwordVar: "SYS_PASSWORD_BCRYPT" },
        accounts: services.map((service): NatsAccountPlan => {
            const spec = natsSpec(service, catalog)!;
            const limits = accounts[service] ?? {};
            return {
                service,
                account: service.toUpperCase(),
                user: service,
                passwordVar: `${service.toUpperCase()}_PASSWORD_BCRYPT`,
                subjects: spec.subjects,
                streams: spec.streams,
                publish: publishSubjects(spec.subjects, spec.streams),
                // Replies to requests and JetStream API answers arrive on inboxes.
                subscribe: [`${spec.subjects}.>`, "_INBOX.>"],
                jetstream:
                    spec.streams.length === 0
                        ? undefined
                        : {
                              maxMemoryBytes: (limits.maxMemoryMb ?? memShare) * MIB,
                              maxFileBytes: (limits.maxFileMb ?? fileShare) * MIB,
                              maxStreams: spec.streams.length,
                              maxConsumers: limits.maxConsumers,
                          },
            };
        }),
        tls: opts.tls ? { certFile: `${tlsDir}/tls.crt`, keyFile: `${tlsDir}/tls.key` } : undefined,
        healthPath: NATS_HEALTH_PATH,
    };
}

/** Every user the server knows: the operator first, then one per service account. */
export function natsUsers(plan: NatsPlan): NatsUserPlan[] {
    return [plan.system, ...plan.accounts];
}

/** Container memory limit in MiB: the memory store plus headroom for the Go runtime and connections. */
export function serverMemoryMb(plan: NatsPlan): number {
    return Math.ceil(plan.jetstream.maxMemoryBytes / MIB) + 256;
}
