/**
 * Helpers for tests that run real servers: free loopback ports, temp dirs, binaries that must
 * exist under CI, child processes that are always stopped.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `stellaops-${prefix}-`));
}

/** First existing path among candidates or on PATH; undefined when absent. */
export function findBinary(name: string, candidates: readonly string[] = []): string | undefined {
    for (const c of candidates) if (fs.existsSync(c)) return c;
    const which = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    const found = which.stdout.trim();
    return which.status === 0 && found ? found : undefined;
}

/**
 * Returns the binary or, when absent: under CI=true throws (a missing server is a failure),
 * otherwise skips the calling mocha suite/test.
 */
export function requireBinary(ctx: Mocha.Context, name: string, candidates: readonly string[] = []): string {
    const found = findBinary(name, candidates);
    if (found) return found;
    if (process.env.CI === "true") throw new Error(`${name} is not installed; CI must install it (see .ci/run)`);
    ctx.skip();
}

export interface Proc {
    readonly child: ChildProcess;
    readonly output: () => string;
    stop(): Promise<void>;
}

/** Starts a long-running server process, capturing its output for failure messages. */
export interface StartOptions {
    readonly cwd?: string;
    readonly env?: NodeJS.ProcessEnv;
    /** Run as this OS user (servers such as PostgreSQL refuse root). */
    readonly uid?: number;
    readonly gid?: number;
    /** Signal that stops the server promptly (default SIGTERM). */
    readonly stopSignal?: NodeJS.Signals;
}

export function startProcess(cmd: string, args: readonly string[], opts: StartOptions = {}): Proc {
    const child = spawn(cmd, [...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"], uid: opts.uid, gid: opts.gid });
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    return {
        child,
        output: () => out,
        async stop() {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill(opts.stopSignal ?? "SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
            await exited;
            clearTimeout(timer);
        },
    };
}

/** Polls until `check` resolves truthy, or throws after `timeoutMs` with the last error. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
        try {
            if (await check()) return;
        } catch (err) {
            last = err;
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export async function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
    return new Promise((resolve) => {
        const sock = net.connect(port, host);
        sock.once("connect", () => {
            sock.destroy();
            resolve(true);
        });
        sock.once("error", () => resolve(false));
    });
}
