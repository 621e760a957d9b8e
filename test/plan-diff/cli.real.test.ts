/**
 * `npm run plan:diff` end to end, in throwaway git repositories (never /work/main's files):
 * one with a stub tools/plan.ts printing canned plans (worktree handling, a stack new since the
 * base, a base that fails, cleanup), and one holding a copy of this project, where a changed
 * database name must come out as a rename plus schema replacements and an untouched stack as
 * "No changes.".
 */
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../../tools/offline/stack-file";
import { DB, GRANT, KEEP, plan, res } from "./support";

const git = (repo: string, ...args: string[]) =>
    execFileSync("git", ["-C", repo, "-c", "user.name=plan-diff test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { encoding: "utf8" });

function tempRepo(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-test-"));
    git(dir, "init", "--quiet", "--initial-branch=main");
    fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

function write(dir: string, file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
}

function commit(dir: string): void {
    git(dir, "add", "--all");
    git(dir, "commit", "--quiet", "-m", "base");
}

/** Runs the CLI the way the workflow does, from this project, against `repo`. */
function planDiff(repo: string, ...args: string[]) {
    const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "ts-node"), ["--transpile-only", "tools/plan-diff/cli.ts", "--repo", repo, ...args], { cwd: ROOT, encoding: "utf8", timeout: 240000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("plan:diff CLI (stub plans in a temporary repo)", function () {
    this.timeout(120000);
    let repo: string;
    // Prints plans/<stack>.json: the CLI's whole contract with a checkout is `tools/plan.ts --format json`.
    const STUB = 'import * as fs from "fs";\nconst stack = process.argv[process.argv.indexOf("--stack") + 1];\nprocess.stdout.write(JSON.stringify(JSON.parse(fs.readFileSync(`plans/${stack}.json`, "utf8"))));\n';

    before(() => {
        repo = tempRepo();
        write(repo, "tools/plan.ts", STUB);
        write(repo, "tsconfig.json", JSON.stringify({ compilerOptions: { module: "commonjs", target: "ES2022", types: ["node"] } }));
        for (const s of ["dev", "broken"]) write(repo, `Pulumi.${s}.yaml`, "config: {}\n");
        write(repo, "plans/dev.json", JSON.stringify(plan([res(DB, "db", { name: "stellaops" }, KEEP), res(GRANT, "g", { privileges: ["USAGE"] })])));
        write(repo, "plans/broken.json", "{ not json");
        commit(repo);
        // Working tree: the database is gone, a grant changed, a new stack appears, broken is fixed.
        write(repo, "plans/dev.json", JSON.stringify(plan([res(GRANT, "g", { privileges: ["USAGE", "CREATE"] })])));
        write(repo, "Pulumi.edge.yaml", "config: {}\n");
        write(repo, "plans/edge.json", JSON.stringify(plan([res(GRANT, "e")], {}, "edge")));
        write(repo, "plans/broken.json", JSON.stringify(plan([], {}, "broken")));
    });

    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    it("prints one comment: the deletion warning, the changes, a new stack and a base that failed", () => {
        const r = planDiff(repo, "--base", "HEAD", "--stack", "dev", "--stack", "edge", "--stack", "broken");
        assert.strictEqual(r.code, 0, r.stderr);
        assert.ok(r.stdout.startsWith("<!-- stellaops-plan-diff -->"));
        assert.match(r.stdout, /- \*\*`dev`: DELETE `postgresql:index\/database:Database` `db`\*\*: protected/);
        assert.match(r.stdout, /- ✏️ `g`\n {2}- `privileges`: `\["USAGE"\]` → `\["USAGE","CREATE"\]`/);
        assert.match(r.stdout, /#### `edge`: 1 added, 0 removed, 0 changed\n\n_no Pulumi\.edge\.yaml at this commit: everything shows as added_/);
        assert.match(r.stdout, /#### `broken`\n\n_the plan at HEAD failed, so this stack is not diffed: plan of broken failed \(exit 1\): .*JSON/);
    });

    it("removes its worktree afterwards", () => {
        assert.strictEqual(git(repo, "worktree", "list").trim().split("\n").length, 1);
    });

    it("fails with a clear message on an unknown base ref", () => {
        const r = planDiff(repo, "--base", "no-such-ref", "--stack", "dev");
        assert.strictEqual(r.code, 1);
        assert.match(r.stderr, /unknown git ref no-such-ref/);
    });
});

describe("plan:diff CLI (a copy of this project in a temporary repo)", function () {
    this.timeout(240000);
    let repo: string;

    before(() => {
        repo = tempRepo();
        // The files the offline plan needs, as they are in this working tree now.
        const files = execFileSync("git", ["-C", ROOT, "ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
            .split("\n")
            .filter((f) => /^(stacks|components|tools|policy)\/|^Pulumi(\.[\w-]+)?\.yaml$|^(package|tsconfig(\.[\w-]+)?)\.json$/.test(f) && fs.existsSync(path.join(ROOT, f)));
        for (const f of files) {
            fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
            fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
        }
        commit(repo);
        const dev = path.join(repo, "Pulumi.dev.yaml");
        const text = fs.readFileSync(dev, "utf8");
        assert.match(text, /^ {4}database: stellaops$/m, "Pulumi.dev.yaml no longer sets stellaops:postgres.database");
        fs.writeFileSync(dev, text.replace(/^ {4}database: stellaops$/m, "    database: stellaops_renamed"));
    });

    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    it("flags the renamed database and the schemas it replaces; an untouched stack has no changes", () => {
        const r = planDiff(repo, "--base", "HEAD", "--stack", "dev", "--stack", "external");
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /- \*\*`dev`: RENAME `postgresql:index\/database:Database` `postgres-access-database` \(`name`\)\*\*/);
        assert.match(r.stdout, /- \*\*`dev`: REPLACE `postgresql:index\/schema:Schema` `postgres-access-schema-[a-z]+` \(`database`\)\*\*: protected/);
        assert.match(r.stdout, /#### `external`: 0 added, 0 removed, 0 changed\n\nNo changes\./);
        assert.ok(!/mock-secret-|placeholder-stellaops/.test(r.stdout), "a secret leaks into the comment");
    });
});
