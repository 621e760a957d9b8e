/**
 * The locally built Pulumi engine (tools/engine/build.sh) and a throwaway project around
 * tools/e2e/program.ts: temp PULUMI_HOME, file backend, passphrase secrets, providers installed
 * from the bin dir into the temp plugin cache.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";

export const REPO = path.resolve(__dirname, "../..");
const PROGRAM = path.join(__dirname, "program.ts");
export const STACK = "e2e";

export class E2eError extends Error {}

/** Builds (or finds, in ms, when cached) the engine; a missing Go toolchain fails clearly. */
export function locateEngine(): string {
    const build = spawnSync(path.join(REPO, "tools/engine/build.sh"), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (build.status !== 0) {
        const hint = /go is not on PATH|need Go/.test(build.stderr) ? " (install Go >= 1.25.11: the engine is built from Go modules)" : "";
        throw new E2eError(`tools/engine/build.sh failed${hint}:\n${build.stderr.trim()}`);
    }
    const bin = build.stdout.trim().split("\n").pop()!;
    for (const b of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-postgresql", "pulumi-resource-random", "pulumi-resource-pulumi-nodejs"]) {
        if (!fs.existsSync(path.join(bin, b))) throw new E2eError(`engine: ${b} missing in ${bin}`);
    }
    return bin;
}

export interface RunResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** A provider binary installed into the project's plugin cache as `name` `version`. */
export interface ProviderPlugin {
    readonly name: string;
    readonly version: string;
    readonly file: string;
}

export class Project {
    readonly dir: string;
    readonly backend: string;
    private readonly env: NodeJS.ProcessEnv;

    /**
     * `program` is the project's `main:` (default: tools/e2e/program.ts, the stellaops program);
     * `env` is added to the CLI's environment (e.g. KUBECONFIG).
     */
    constructor(readonly bin: string, work: string, program = PROGRAM, env: NodeJS.ProcessEnv = {}) {
        this.dir = path.join(work, "project");
        this.backend = path.join(work, "state");
        fs.mkdirSync(this.dir, { recursive: true });
        fs.mkdirSync(this.backend, { recursive: true });
        // The language host loads @pulumi/pulumi from the project's node_modules: the repo's, so
        // the program (in the repo) and the runtime share one module instance.
        fs.symlinkSync(path.join(REPO, "node_modules"), path.join(this.dir, "node_modules"));
        fs.writeFileSync(path.join(this.dir, "package.json"), JSON.stringify({ name: "stellaops-e2e", private: true }) + "\n");
        const rel = (p: string) => path.relative(this.dir, p);
        fs.writeFileSync(
            path.join(this.dir, "Pulumi.yaml"),
            [
                "name: stellaops-e2e",
                "description: throwaway e2e project (tools/e2e)",
                "runtime:",
                "  name: nodejs",
                "  options:",
                "    typescript: true",
                `    tsconfig: ${rel(path.join(REPO, "tsconfig.pulumi.json"))}`,
                `main: ${rel(program)}`,
                "",
            ].join("\n"),
        );
        // Inherited PULUMI_* settings (a backend, passphrase file, access token) would leak in.
        const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")));
        this.env = {
            ...inherited,
            PATH: `${bin}:${process.env.PATH}`,
            PULUMI_HOME: path.join(work, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${this.backend}`,
            PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
            // Language host v3.68.0 ignores Pulumi.yaml's `tsconfig` option; newer hosts pass it on in
            // this variable, which @pulumi/pulumi's run.js reads. Without it run.js looks for
            // ./tsconfig.json in main's directory (tools/e2e: none) and ts-node type-checks.
            PULUMI_NODEJS_TSCONFIG_PATH: path.join(REPO, "tsconfig.pulumi.json"),
            NO_COLOR: "1",
            ...env,
        };
    }

    /** The running CLI, killed on SIGINT/SIGTERM of the runner. */
    current?: ChildProcess;

    /**
     * Runs the pulumi CLI in the project (async: server processes keep draining their pipes).
     * A hung engine fails the run after `timeoutMs` instead of blocking CI.
     */
    run(args: readonly string[], input?: string, timeoutMs = 300000): Promise<RunResult> {
        return new Promise((resolve, reject) => {
            const child = spawn(path.join(this.bin, "pulumi"), [...args, "--non-interactive", "--color", "never"], { cwd: this.dir, env: this.env, stdio: ["pipe", "pipe", "pipe"] });
            this.current = child;
            let stdout = "";
            let stderr = "";
            const timer = setTimeout(() => {
                stderr += `\n[e2e] pulumi ${args.join(" ")}: no result after ${timeoutMs / 1000} s, killed`;
                child.kill("SIGKILL");
            }, timeoutMs);
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                this.current = undefined;
                resolve({ code: code ?? 1, stdout, stderr });
            });
            child.stdin.end(input ?? "");
        });
    }

    /** Runs and throws with the CLI's output when it fails. */
    async ok(args: readonly string[], input?: string): Promise<RunResult> {
        const r = await this.run(args, input);
        if (r.code !== 0) throw new E2eError(`pulumi ${args.join(" ")} exited ${r.code}:\n${diagnostics(r.stdout + r.stderr)}`);
        return r;
    }

    /** Installs the providers (default: the engine's postgresql and random), creates the stack, sets config. */
    async init(plain: Record<string, string | number>, secrets: Record<string, string>, plugins: readonly ProviderPlugin[] = this.enginePlugins()): Promise<void> {
        for (const p of plugins) await this.ok(["plugin", "install", "resource", p.name, p.version, "--file", p.file]);
        await this.ok(["stack", "init", STACK, "--secrets-provider", "passphrase"]);
        if (Object.keys(plain).length > 0) await this.ok(["config", "set-all", "--path", ...Object.entries(plain).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`])]);
        // Secrets through stdin: never on a command line.
        for (const [k, v] of Object.entries(secrets)) await this.ok(["config", "set", "--secret", k], v);
    }

    private enginePlugins(): ProviderPlugin[] {
        return [["postgresql", "3.18.0"], ["random", "4.21.1"]].map(([name, version]) => ({ name, version, file: path.join(this.bin, `pulumi-resource-${name}`) }));
    }

    /** The stack's settings file (Pulumi.<stack>.yaml) in the project dir. */
    get stackFile(): string {
        return path.join(this.dir, `Pulumi.${STACK}.yaml`);
    }

    /** Every file of the local backend (state, backups, history), for the plaintext check. */
    stateFiles(): string[] {
        const out: string[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else out.push(p);
            }
        };
        walk(this.backend);
        return out;
    }
}

export function tail(text: string, lines = 40): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** The engine's "Diagnostics:" section (the errors), else the end of the output. */
export function diagnostics(text: string): string {
    const at = text.indexOf("Diagnostics:");
    return at >= 0 ? text.slice(at).split("\n").slice(0, 60).join("\n") : tail(text);
}

/** The engine's summary lines ("Resources:", counts, "Duration:"). */
export function summaryLines(text: string): string[] {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => /^Resources:/.test(l));
    if (start < 0) return [];
    return lines.slice(start).filter((l) => /^Resources:|^\s+[~+-]?\s*\d+ \w|^Duration:/.test(l)).map((l) => l.trimEnd());
}
