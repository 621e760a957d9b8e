/**
 * Real-server helpers for the Valkey tests: start valkey-server (or redis-server 7, same ACL
 * model) from rendered files on a free loopback port, and connect clients that fail fast.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { Valkey } from "iovalkey";
import { CATALOG, Catalog } from "../../components/catalog";
import { InstancePlan, PlanLimits, ValkeyOptions, ValkeyPlan, planValkey } from "../../components/valkey/plan";
import { aclfileName, renderAclFile, renderValkeyConf, sha256Hex } from "../../components/valkey/render";
import { parseStackConfig } from "../../stacks/config";
import { Proc, findBinary, freePort, portOpen, requireBinary, startProcess, waitFor } from "../support/servers";

/** valkey-server when installed, else redis-server 7 (Debian); under CI=true one must exist. */
export function serverBinary(ctx: Mocha.Context): string {
    return findBinary("valkey-server") ?? requireBinary(ctx, "redis-server", ["/usr/bin/redis-server"]);
}

/** The stack's default Valkey options (from the config schema of the dev profile). */
export function defaultOptions(): ValkeyOptions {
    return parseStackConfig({ profile: "dev" }).valkey as ValkeyOptions;
}

/** The stack's default Valkey options with test overrides, planned on `catalog` (default: StellaOps' own). */
export function testPlan(overrides: Partial<ValkeyOptions> = {}, limits: Partial<PlanLimits> = { maxmemoryFloorMb: 1 }, catalog: Catalog = CATALOG): ValkeyPlan {
    return planValkey({ ...defaultOptions(), ...overrides }, catalog, limits);
}

/** A random password per user the plan generates, as the stack would. */
export function testPasswords(plan: ValkeyPlan): Record<string, string> {
    return Object.fromEntries(plan.passwordUsers.map((u) => [u.name, randomBytes(16).toString("hex")]));
}

export interface Server {
    readonly port: number;
    readonly dir: string;
    readonly aclPath: string;
    proc: Proc;
    /** SIGKILL: no shutdown save, nothing flushed beyond what the server already wrote. */
    crash(): Promise<void>;
    restart(): Promise<void>;
    stop(): Promise<void>;
}

/** Writes valkey.conf and the aclfile (hashes only) into `dir` and starts the server. */
export async function startServer(bin: string, plan: ValkeyPlan, instance: InstancePlan, passwords: Record<string, string>, dir: string): Promise<Server> {
    const port = await freePort();
    const aclPath = path.join(dir, aclfileName(instance));
    const confPath = path.join(dir, "valkey.conf");
    const hashes = Object.fromEntries(Object.entries(passwords).map(([u, pw]) => [u, sha256Hex(pw)]));
    fs.writeFileSync(aclPath, renderAclFile(instance, hashes), { mode: 0o600 });
    fs.writeFileSync(confPath, renderValkeyConf(plan, instance, { port, bind: "127.0.0.1", dir, aclDir: dir, tlsDir: dir }));
    const launch = async (): Promise<Proc> => {
        const proc = startProcess(bin, [confPath], { cwd: dir });
        await waitFor(`${path.basename(bin)} on ${port}`, async () => {
            if (proc.child.exitCode !== null) throw new Error(`exited: ${proc.output()}`);
            return portOpen(port);
        }, 15000);
        return proc;
    };
    const server: Server = {
        port,
        dir,
        aclPath,
        proc: await launch(),
        async crash() {
            server.proc.child.kill("SIGKILL");
            await server.proc.stop();
        },
        async restart() {
            server.proc = await launch();
        },
        stop: () => server.proc.stop(),
    };
    return server;
}

/** A client that never retries or queues, so every refusal surfaces as a rejected promise. */
export function connect(port: number, user?: string, password?: string): Valkey {
    return new Valkey({ host: "127.0.0.1", port, username: user, password, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
}

export async function login(port: number, user: string, password: string): Promise<Valkey> {
    const c = connect(port, user, password);
    await c.connect();
    return c;
}

/** The rejection message of a command (fails the test when the command succeeds). */
export async function refusal(p: Promise<unknown>): Promise<string> {
    try {
        const v = await p;
        return `accepted: ${JSON.stringify(v)}`;
    } catch (err) {
        return (err as Error).message;
    }
}

/**
 * The rate-limit operation services use: a token bucket in one script. KEYS[1] is the bucket
 * (under `<service>:rl:`); ARGV: capacity, refill per second, now in ms, TTL in seconds.
 * Returns 1 when a token was taken. Time comes from the caller: TIME is not granted.
 */
export const TOKEN_BUCKET = `
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local cap, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = math.min(cap, (tonumber(b[1]) or cap) + (now - (tonumber(b[2]) or now)) / 1000 * rate)
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('EXPIRE', KEYS[1], ARGV[4])
return ok`;

/** What `pulumi stack output --show-secrets --json` prints for the Valkey part (plus unrelated outputs). */
export function stackOutputs(plan: ValkeyPlan, password: (user: string) => string): Record<string, unknown> {
    const services = Object.fromEntries(plan.services.map((s) => [s.service, { postgres: { dsn: "postgres://x" }, valkey: { url: "redis://valkey:6379", user: s.user, password: password(s.user), prefixes: s.prefixes } }]));
    return { profile: "dev", services, valkeyOperator: { user: plan.operator, password: password(plan.operator) } };
}

async function canListen(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const srv = net.createServer();
        srv.once("error", () => resolve(false));
        srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
}

/** The first of `n` consecutive free loopback ports (a split pair publishes on port and port + 1). */
export async function consecutivePorts(n: number): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt++) {
        const first = await freePort();
        let ok = first + n - 1 <= 65535;
        for (let k = 1; ok && k < n; k++) ok = await canListen(first + k);
        if (ok) return first;
    }
    throw new Error(`no ${n} consecutive free ports on 127.0.0.1`);
}

/** Catalog services in order, for tables. */
export const SERVICES = CATALOG.services;
