/**
 * `npm run --silent plan:diff -- --stack <name> [--stack <name> ...] --base <git ref> [--repo <dir>] [--full]`
 *
 * Evaluates each stack offline at the base ref (a temporary git worktree) and in the working
 * tree, and prints one markdown comment: stateful warnings first, then replacements, then what
 * was added, removed and changed per stack, grouped by type. Secrets are never shown. `--full`
 * prints every line of every value diff and never summarises (for reading locally, not posting).
 */
import { parseArgs } from "util";
import { diffPlans } from "./diff";
import { StackReport, renderReport } from "./markdown";
import { PlanResult, gitRoot, planAt, pool, withWorktree } from "./plans";
import { runCli } from "../offline/cli";

const USAGE = "usage: npm run --silent plan:diff -- --stack <name> [--stack <name> ...] --base <git ref> [--repo <dir>] [--full]";

/** Diffs every stack of the working tree of `repo` against `base`. */
export async function diffStacks(repo: string, base: string, stacks: readonly string[]): Promise<StackReport[]> {
    return withWorktree(repo, base, async (baseDir) => {
        // Base failures become a note on that stack; a broken working tree is an error.
        const baseJobs = stacks.map((s) => () => planAt(baseDir, s).catch((e: Error): PlanResult & { failed: string } => ({ plan: null, failed: e.message })));
        const headJobs = stacks.map((s) => () => planAt(repo, s));
        const results = await pool<PlanResult & { failed?: string }>([...headJobs, ...baseJobs]);
        return stacks.map((stack, i) => {
            const head = results[i];
            const before = results[stacks.length + i];
            if (!head.plan) throw new Error(`stack ${stack}: ${head.note ?? "no plan"} (working tree)`);
            if (before.failed) return { stack, note: `the plan at ${base} failed, so this stack is not diffed: ${before.failed}` };
            return { stack, diff: diffPlans(before.plan, head.plan), note: before.note };
        });
    });
}

async function main(): Promise<string> {
    const { values } = parseArgs({
        options: { stack: { type: "string", multiple: true }, base: { type: "string" }, repo: { type: "string" }, full: { type: "boolean", default: false } },
    });
    if (!values.stack?.length || !values.base) throw new Error(USAGE);
    const repo = gitRoot(values.repo ?? process.cwd());
    const reports = await diffStacks(repo, values.base, values.stack);
    return renderReport(reports, values.full ? { base: values.base, limit: Infinity, diffLines: Infinity } : { base: values.base });
}

if (require.main === module) runCli(main);
