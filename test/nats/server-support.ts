/**
 * Real nats-servers for the tests: the newest installed binary, bcrypt hashes made here (as the
 * RandomPassword's bcryptHash would be), the rendered config on a local layout, free loopback
 * ports, a temp dir, and a process that is always stopped.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hashSync } from "bcryptjs";
import { connect, ConnectionOptions, NatsConnection } from "nats";
import { CATALOG } from "../../components/catalog";
import { LocalLayoutOptions, localLayout, NatsServerLayout } from "../../components/nats/layout";
import { NatsOptions, NatsPlan, natsUsers, planNats } from "../../components/nats/plan";
import { renderNatsConf } from "../../components/nats/render";
import { freePort, Proc, requireBinary, startProcess, tempDir, waitFor } from "../support/servers";

/** NATS_SERVER_BIN, then where `go install github.com/nats-io/nats-server/v2@<version>` puts it, then PATH (Debian's 2.9 in /usr/sbin). */
export function requireNatsServer(ctx: Mocha.Context): string {
    const gopath = process.env.GOPATH ?? path.join(os.homedir(), "go");
    return requireBinary(ctx, "nats-server", [process.env.NATS_SERVER_BIN ?? "", "/usr/local/bin/nats-server", path.join(gopath, "bin", "nats-server"), "/usr/sbin/nats-server"].filter(Boolean));
}

export function natsVersion(bin: string): string {
    return spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
}

/** `nats-server -t`: exit status and output for a config file and environment. */
export function checkConfig(bin: string, file: string, env: NodeJS.ProcessEnv = {}): { ok: boolean; output: string } {
    const r = spawnSync(bin, ["-t", "-c", file], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** A random password per plan user and its bcrypt hash (cost 4: the tests need speed, not strength). */
export function testCredentials(plan: NatsPlan): { passwords: Record<string, string>; hashes: Record<string, string> } {
    const passwords = Object.fromEntries(natsUsers(plan).map((u) => [u.user, crypto.randomBytes(16).toString("hex")]));
    return { passwords, hashes: Object.fromEntries(Object.entries(passwords).map(([u, p]) => [u, hashSync(p, 4)])) };
}

export interface RunningNats {
    readonly proc: Proc;
    readonly port: number;
    readonly monitor: string;
    connectAs(user: string, password: string, opts?: Partial<ConnectionOptions>): Promise<NatsConnection>;
    stop(): Promise<void>;
}

/** Starts `nats-server <args>` (as documented: `-c <file>` and maybe `-sd <dir>`) and waits until JetStream is healthy. */
export async function runNats(bin: string, args: readonly string[], layout: Pick<NatsServerLayout, "clientPort" | "monitorPort">, env: NodeJS.ProcessEnv = {}, healthPath = "/healthz?js-enabled-only=true"): Promise<RunningNats> {
    const proc = startProcess(bin, args, { env });
    const monitor = `http://127.0.0.1:${layout.monitorPort}`;
    try {
        await waitFor("nats-server health", async () => {
            if (proc.child.exitCode !== null) throw new Error("exited");
            return (await fetch(`${monitor}${healthPath}`)).ok;
        }, 20000);
    } catch (err) {
        await proc.stop();
        throw new Error(`${(err as Error).message}\n${proc.output()}`);
    }
    return {
        proc,
        port: layout.clientPort,
        monitor,
        connectAs: (user, pass, opts = {}) => connect({ servers: `127.0.0.1:${layout.clientPort}`, user, pass, reconnect: false, timeout: 5000, ...opts }),
        stop: () => proc.stop(),
    };
}

export interface NatsTestServer extends RunningNats {
    readonly bin: string;
    readonly dir: string;
    readonly plan: NatsPlan;
    readonly layout: NatsServerLayout;
    /** Plaintext password per user (test-only) and its bcrypt hash. */
    readonly passwords: Readonly<Record<string, string>>;
    readonly hashes: Readonly<Record<string, string>>;
    /** The config the server runs: hashes inline, as Pulumi deploys it. */
    readonly confFile: string;
    /** Connects as a plan user with its own password. */
    login(user: string, password?: string): Promise<NatsConnection>;
}

/** One server from the rendered config (hashes inline) in a temp dir with free loopback ports. */
export async function startNats(bin: string, options: NatsOptions, layoutOptions: LocalLayoutOptions = {}): Promise<NatsTestServer> {
    const dir = tempDir("nats");
    const plan = planNats(options, CATALOG);
    const layout = localLayout(plan, { dataDir: dir, clientPort: await freePort(), monitorPort: await freePort(), ...layoutOptions });
    const { passwords, hashes } = testCredentials(plan);
    const confFile = path.join(dir, "nats-server.conf");
    fs.writeFileSync(confFile, renderNatsConf(plan, layout, hashes));
    let running: RunningNats;
    try {
        running = await runNats(bin, ["-c", confFile], layout);
    } catch (err) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw err;
    }
    return {
        ...running,
        bin,
        dir,
        plan,
        layout,
        passwords,
        hashes,
        confFile,
        login: (user, password) => running.connectAs(user, password ?? passwords[user]),
        async stop() {
            await running.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
