/**
 * Offline plans of a checkout: the working tree, or a git ref checked out in a temporary
 * worktree that borrows the current node_modules. Each plan runs `tools/plan.ts` of that
 * checkout in its own process, so the base is evaluated with the base's own code.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PlanJson } from "../plan";

export interface PlanResult {
    /** Null when that checkout has no plan for the stack (see note). */
    readonly plan: PlanJson | null;
    readonly note?: string;
}

const git = (repo: string, ...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** The top of the git checkout holding `dir`. */
export function gitRoot(dir: string): string {
    return git(dir, "rev-parse", "--show-toplevel");
}

/** Runs `fn` with `ref` checked out (detached) in a temporary worktree, removed afterwards. */
export async function withWorktree<T>(repo: string, ref: string, fn: (dir: string) => Promise<T>): Promise<T> {
    let commit: string;
    try {
        commit = git(repo, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
    } catch {
        throw new Error(`unknown git ref ${ref} in ${repo} (in CI, check out with fetch-depth: 0)`);
    }
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
    const dir = path.join(parent, "base");
    try {
        git(repo, "worktree", "add", "--detach", "--quiet", dir, commit);
        const modules = path.join(repo, "node_modules");
        if (fs.existsSync(modules)) fs.symlinkSync(fs.realpathSync(modules), path.join(dir, "node_modules"), "dir");
        return await fn(dir);
    } finally {
        try {
            git(repo, "worktree", "remove", "--force", dir);
        } catch {
            // Never got created, or already gone: prune below forgets it either way.
        }
        fs.rmSync(parent, { recursive: true, force: true });
        git(repo, "worktree", "prune");
    }
}

/** `tools/plan.ts --format json` of one stack in a checkout. */
export async function planAt(dir: string, stack: string): Promise<PlanResult> {
    if (!fs.existsSync(path.join(dir, "tools", "plan.ts"))) return { plan: null, note: "no offline plan (tools/plan.ts) at this commit: everything shows as added" };
    if (!fs.existsSync(path.join(dir, `Pulumi.${stack}.yaml`))) return { plan: null, note: `no Pulumi.${stack}.yaml at this commit: everything shows as added` };
    const bin = path.join(dir, "node_modules", ".bin", "ts-node");
    const { code, stdout, stderr } = await run(bin, ["--transpile-only", "tools/plan.ts", "--stack", stack, "--format", "json"], dir);
    if (code !== 0) {
        // The error line (a compiler diagnostic, an Error, else the first lines), paths relative to the checkout.
        const lines = stderr.split("\n").filter((l) => l.trim());
        const at = Math.max(0, lines.findIndex((l) => /error TS\d+|^\w*Error\b/.test(l.trim())));
        const why = lines.slice(at, at + 3).join(" | ").split(`${dir}/`).join("");
        throw new Error(`plan of ${stack} failed (exit ${code}): ${why}`);
    }
    return { plan: JSON.parse(stdout) as PlanJson };
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    });
}

/** Runs async jobs at most `width` at a time, results in input order (each plan is a node process). */
export async function pool<T>(jobs: readonly (() => Promise<T>)[], width = Math.max(1, Math.min(4, os.cpus().length))): Promise<T[]> {
    const results: T[] = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
        while (next < jobs.length) {
            const i = next++;
            results[i] = await jobs[i]();
        }
    };
    await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
    return results;
}
