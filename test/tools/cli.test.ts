/**
 * The CLIs refuse bad use with a non-zero exit and a message naming what is wrong: strict
 * options, --format, unknown stacks (listing those there are), YAML errors with file and line,
 * config errors naming the key, and render never leaving a stale file or emptying a folder it
 * did not write.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../tools/offline/stack-file";
import { MARKER } from "../../tools/render";
import { tempDir } from "../support/servers";

function run(tool: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(path.join(ROOT, "node_modules/.bin/ts-node"), ["--transpile-only", path.join(ROOT, "tools", tool), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("CLIs refuse bad use", function () {
    this.timeout(120000);
    let dir: string;
    before(() => {
        dir = tempDir("cli");
        fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), "config:\n  stellaops:profile: dev\n  stellaops:postgres: [unclosed\n");
        fs.writeFileSync(path.join(dir, "Pulumi.typo.yaml"), "config:\n  stellaops:profile: dev\n  stellaops:postgres:\n    conectionLimit: 5\n");
        fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env = () => ({ STELLAOPS_STACK_DIR: dir });

    it("plan --format yaml: exit 2, names the option and the choices", () => {
        const r = run("plan.ts", ["--stack", "dev", "--format", "yaml"]);
        assert.strictEqual(r.code, 2);
        assert.match(r.stderr, /--format: expected one of text, json, got "yaml"/);
    });

    it("an unknown option: exit 2 with the usage", () => {
        const r = run("plan.ts", ["--stack", "dev", "--formt", "json"]);
        assert.strictEqual(r.code, 2);
        assert.match(r.stderr, /Unknown option '--formt'[\s\S]*usage: npm run --silent plan/);
    });

    it("an unknown stack: exit 1, lists the stacks there are", () => {
        const r = run("plan.ts", ["--stack", "prod"], env());
        assert.strictEqual(r.code, 1);
        assert.match(r.stderr, /no stack "prod": Pulumi.prod.yaml does not exist; stacks here: broken, dev, typo/);
    });

    it("a YAML syntax error: exit 1, names the file and line", () => {
        const r = run("plan.ts", ["--stack", "broken"], env());
        assert.strictEqual(r.code, 1);
        // The flow sequence opened on line 3 is reported where YAML gives up on it.
        assert.match(r.stderr, /^Pulumi.broken.yaml:[34]:\d+: invalid YAML: Flow sequence/m);
    });

    it("a config error: exit 1, names the key with a suggestion, prints no plan", () => {
        const r = run("plan.ts", ["--stack", "typo"], env());
        assert.strictEqual(r.code, 1);
        assert.match(r.stderr, /stellaops:postgres.conectionLimit: unknown key \(did you mean "connectionLimit"\?\)/);
        assert.strictEqual(r.stdout, "");
    });

    it("render refuses a non-empty folder, and --replace empties only an earlier render's", () => {
        const out = path.join(dir, "out");
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, "notes.txt"), "mine");
        const refused = run("render.ts", ["--stack", "dev", "--out", out], env());
        assert.strictEqual(refused.code, 2);
        assert.match(refused.stderr, /the folder is not empty .* pass --replace/);
        const notOurs = run("render.ts", ["--stack", "dev", "--out", out, "--replace"], env());
        assert.strictEqual(notOurs.code, 2);
        assert.match(notOurs.stderr, /not a folder render wrote/);
        assert.ok(fs.existsSync(path.join(out, "notes.txt")), "a folder render did not write is left alone");

        const fresh = path.join(dir, "render");
        assert.strictEqual(run("render.ts", ["--stack", "dev", "--out", fresh], env()).code, 0);
        assert.ok(fs.existsSync(path.join(fresh, MARKER)));
        fs.mkdirSync(path.join(fresh, "nats"));
        fs.writeFileSync(path.join(fresh, "nats", "nats-server.conf"), "stale: from a render with NATS on");
        const replaced = run("render.ts", ["--stack", "dev", "--out", fresh, "--replace"], env());
        assert.strictEqual(replaced.code, 0, replaced.stderr);
        assert.ok(!fs.existsSync(path.join(fresh, "nats")), "the stale NATS file is gone");
        assert.ok(fs.existsSync(path.join(fresh, "postgres", "bootstrap.sql")));
    });
});
