/**
 * A real nats-server for the tests: the newest installed binary, bcrypt hashes made here (as the
 * RandomPassword's bcryptHash would be), the rendered config, a free loopback port, a temp dir.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hashSync } from "bcryptjs";
import { connect, NatsConnection } from "nats";
import { NatsPlan, NatsPlanOptions, natsUsers, planNats } from "../../components/nats/plan";
import { renderNatsConf } from "../../components/nats/render";
import { freePort, Proc, requireBinary, startProcess, tempDir, waitFor } from "../support/servers";

/** NATS_SERVER_BIN, then where `go install github.com/nats-io/nats-server/v2@<version>` puts it, then PATH (Debian's 2.9). */
export function requireNatsServer(ctx: Mocha.Context): string {
    const gopath = process.env.GOPATH ?? path.join(os.homedir(), "go");
    return requireBinary(ctx, "nats-server", [process.env.NATS_SERVER_BIN ?? "", "/usr/local/bin/nats-server", path.join(gopath, "bin", "nats-server")].filter(Boolean));
}

export function natsVersion(bin: string): string {
    return spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
}

/** `nats-server -t`: exit status and output for a config file and environment. */
export function checkConfig(bin: string, file: string, env: NodeJS.ProcessEnv = {}): { ok: boolean; output: string } {
    const r = spawnSync(bin, ["-t", "-c", file], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export interface NatsTestServer {
    readonly bin: string;
    readonly dir: string;
    readonly plan: NatsPlan;
    readonly port: number;
    readonly monitor: string;
    /** Plaintext password per user (test-only) and its bcrypt hash. */
    readonly passwords: Readonly<Record<string, string>>;
    readonly hashes: Readonly<Record<string, string>>;
    /** The config the server runs: hashes inline, as Pulumi deploys it. */
    readonly confFile: string;
    connectAs(user: string, password?: string): Promise<NatsConnection>;
    stop(): Promise<void>;
}

export async function startNats(bin: string, options: Omit<NatsPlanOptions, "serverName" | "listenHost" | "clientPort" | "monitorPort" | "storeDir">): Promise<NatsTestServer> {
    const dir = tempDir("nats");
    const port = await freePort();
    const monitorPort = await freePort();
    const plan = planNats({ ...options, serverName: "stellaops-test", listenHost: "127.0.0.1", clientPort: port, monitorPort, storeDir: path.join(dir, "store") });
    const passwords = Object.fromEntries(natsUsers(plan).map((u) => [u.user, crypto.randomBytes(16).toString("hex")]));
    const hashes = Object.fromEntries(Object.entries(passwords).map(([u, p]) => [u, hashSync(p, 10)]));
    const confFile = path.join(dir, "nats-server.conf");
    fs.writeFileSync(confFile, renderNatsConf(plan, hashes));
    const proc: Proc = startProcess(bin, ["-c", confFile]);
    const monitor = `http://127.0.0.1:${monitorPort}`;
    const stop = async () => {
        await proc.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitFor("nats-server health", async () => (await fetch(`${monitor}${plan.healthPath}`)).ok, 15000);
    } catch (err) {
        await stop();
        throw new Error(`${(err as Error).message}\n${proc.output()}`);
    }
    return {
        bin,
        dir,
        plan,
        port,
        monitor,
        passwords,
        hashes,
        confFile,
        connectAs: (user, password) => connect({ servers: `127.0.0.1:${port}`, user, pass: password ?? passwords[user], reconnect: false, timeout: 5000 }),
        stop,
    };
}
