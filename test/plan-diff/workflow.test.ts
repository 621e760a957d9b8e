/**
 * The pull-request workflow's structure (actionlint, run by tools/lint-workflows.sh, checks the
 * syntax): triggers, least-privilege permissions, the offline diff over every stack posted as
 * one comment found by its marker, and `pulumi preview` with the policy pack per stack, only for
 * stacks whose credentials exist.
 */
import * as assert from "assert";
import { EXAMPLE_STACKS } from "../../stacks/profiles";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../../tools/offline/stack-file";
import { MARKER } from "../../tools/plan-diff/markdown";

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    id?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    needs?: string | string[];
    if?: string;
    permissions?: Record<string, string>;
    strategy?: { matrix?: Record<string, unknown> };
    outputs?: Record<string, string>;
    steps: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
}

const wf = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "preview.yml"), "utf8")) as Workflow;
const steps = (job: string) => wf.jobs[job].steps;
const runs = (job: string) => steps(job).map((s) => s.run ?? "").join("\n");
const uses = (job: string, action: string) => steps(job).filter((s) => s.uses?.startsWith(`${action}@`));

describe("workflow preview.yml", () => {
    it("runs on pull requests only (never pull_request_target, which runs PR code with secrets)", () => {
        assert.deepStrictEqual(Object.keys(wf.on), ["pull_request"]);
    });

    it("grants contents: read at the top and pull-requests: write only to the jobs that comment", () => {
        assert.deepStrictEqual(wf.permissions, { contents: "read" });
        for (const [name, job] of Object.entries(wf.jobs)) {
            assert.ok(job.permissions, `${name} must declare its permissions`);
            const comments = steps(name).some((s) => s.uses?.startsWith("actions/github-script@") || s.with?.["comment-on-pr"] === true);
            const expected = comments ? { contents: "read", "pull-requests": "write" } : {};
            assert.deepStrictEqual(job.permissions, expected, name);
        }
    });

    it("pins every action to a major version or a commit", () => {
        for (const name of Object.keys(wf.jobs)) {
            for (const s of steps(name).filter((x) => x.uses)) assert.match(s.uses!, /@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/, `${name}: ${s.uses}`);
        }
    });

    it("keeps event data out of run: scripts (passed through env instead)", () => {
        for (const name of Object.keys(wf.jobs)) assert.ok(!/\$\{\{\s*(github\.(event|head_ref|base_ref)|secrets\.)/.test(runs(name)), name);
    });

    describe("job test-and-diff", () => {
        const job = "test-and-diff";

        it("checks out the full history, then runs .ci/run (npm ci, npm test, typecheck) before the diff", () => {
            assert.strictEqual(uses(job, "actions/checkout")[0]?.with?.["fetch-depth"], 0);
            const ci = steps(job).findIndex((s) => s.run?.trim() === ".ci/run");
            const diff = steps(job).findIndex((s) => s.run?.includes("plan:diff"));
            assert.ok(ci >= 0 && diff > ci, "the tests must run, and pass, before the diff is posted");
            const script = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
            const order = ["npm ci", "npm test", "npm run typecheck"].map((cmd) => script.search(new RegExp(`^\\s*${cmd}\\b`, "m")));
            assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), `.ci/run no longer runs ${order}`);
        });

        it("diffs every stack of the profile descriptor against the PR base in one comment", () => {
            const diff = steps(job).find((s) => s.run?.includes("plan:diff"))!;
            assert.strictEqual(diff.env?.BASE_REF, "origin/${{ github.base_ref }}");
            assert.match(diff.run!, /--base "\$BASE_REF"/);
            // The list comes from `npm run stacks` (the descriptor), never written out here.
            assert.match(diff.run!, /for s in \$\(npm run --silent stacks\); do args\+=\(--stack "\$s"\); done/);
            assert.match(diff.run!, /"\$\{args\[@\]\}"/);
            assert.strictEqual(wf.jobs[job].outputs?.stacks, "${{ steps.stacks.outputs.stacks }}");
            assert.match(steps(job).find((s) => s.id === "stacks")!.run!, /npm run --silent stacks -- --json/);
        });

        it("creates or updates the one comment carrying the plan diff marker", () => {
            const [post] = uses(job, "actions/github-script");
            const script = String(post?.with?.script);
            assert.ok(script.includes(MARKER), "the comment script looks for another marker than the diff prints");
            assert.match(script, /updateComment/);
            assert.match(script, /createComment/);
            assert.match(script, /readFileSync\("plan-diff\.md"/);
        });
    });

    describe("job preview", () => {
        const job = "preview";

        it("runs pulumi/actions v6 preview with the policy pack and the stack's policy config, commenting on the PR", () => {
            const [pulumi] = uses(job, "pulumi/actions");
            assert.strictEqual(pulumi?.uses, "pulumi/actions@v6");
            assert.strictEqual(pulumi.with?.command, "preview");
            assert.strictEqual(pulumi.with?.["comment-on-pr"], true);
            assert.strictEqual(pulumi.with?.policyPacks, "policy");
            assert.strictEqual(pulumi.with?.policyPackConfigs, "policy/config/${{ matrix.stack }}.json");
            assert.ok(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")));
            for (const { stack } of EXAMPLE_STACKS) assert.ok(fs.existsSync(path.join(ROOT, "policy", "config", `${stack}.json`)), `policy/config/${stack}.json`);
        });

        it("runs only for stacks whose secrets are configured, decided by a job that reads them", () => {
            assert.strictEqual(wf.jobs[job].needs, "credentials");
            assert.strictEqual(wf.jobs[job].if, "needs.credentials.outputs.stacks != '[]'");
            assert.strictEqual(wf.jobs[job].strategy?.matrix?.include, "${{ fromJSON(needs.credentials.outputs.stacks) }}");
            const check = steps("credentials").find((s) => s.id === "check")!;
            assert.strictEqual(check.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
            assert.strictEqual(check.env?.STACKS, "${{ needs.test-and-diff.outputs.stacks }}");
            assert.match(check.run!, /if \[ -n "\$PULUMI_ACCESS_TOKEN" \]/);
            // Each row's previewCredentials decides, not a list of stack names.
            assert.match(check.run!, /select\(\.previewCredentials - \$ARGS\.positional == \[\]\)/);
            assert.doesNotMatch(check.run!, /stacks\+=\(/, "no stack list written out");
            assert.strictEqual(wf.jobs.credentials.outputs?.stacks, "${{ steps.check.outputs.stacks }}");
        });
    });
});
