/**
 * Takes over objects that exist already (a database made by bootstrap.sql, Valkey users, RustFS
 * users) into the selected stack, keeping every password the services use. Run in the project
 * directory, on a stack whose config describes those objects and that has never been `up`:
 *
 *   npx ts-node --transpile-only tools/adopt/run.ts --passwords passwords.json   (or - for stdin)
 *
 * passwords.json: { "postgres": { "<service>|migrator": "..." }, "valkey": { "<service>": "..." },
 * "objectStore": { "<service>": "<secret key>" }, "nats": { "<user>": "..." } }. Credentials left
 * out are generated (a change for whoever used them). Then `pulumi preview --diff` must show no
 * replacement and no password change; `pulumi up` creates the grants and ACL users it re-applies.
 * Steps: plan.ts (what to import, which passwords), state.ts (seeding them as secrets).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExistingPasswords, PreviewStep, planAdoption } from "./plan";
import { seedPasswords } from "./state";

export interface CliResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}
/** Runs the pulumi CLI on the stack (the e2e's Project.run, or `pulumi` on PATH). */
export type PulumiCli = (args: readonly string[], input?: string) => Promise<CliResult>;

export interface AdoptionReport {
    readonly providers: number;
    readonly imported: number;
    readonly components: number;
    readonly passwords: number;
}

async function ok(pulumi: PulumiCli, args: readonly string[], input?: string): Promise<CliResult> {
    const r = await pulumi(args, input);
    if (r.code !== 0) {
        const out = r.stdout + r.stderr;
        const at = out.indexOf("Diagnostics:");
        throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${(at >= 0 ? out.slice(at) : out).split("\n").slice(at >= 0 ? 0 : -30, at >= 0 ? 40 : undefined).join("\n")}`);
    }
    return r;
}

export async function adopt(pulumi: PulumiCli, existing: ExistingPasswords, database: string): Promise<AdoptionReport> {
    const steps = JSON.parse((await ok(pulumi, ["preview", "--json"])).stdout).steps as PreviewStep[];
    if (steps.some((s) => s.op !== "create" && s.op !== "same")) throw new Error("adopt: the stack already manages resources; adopt into a stack that was never `up`");
    const plan = planAdoption(steps, existing, database);
    if (plan.unmatched.length > 0) throw new Error(`adopt: no generated credential for ${plan.unmatched.join(", ")}`);
    const targets = (urns: Iterable<string>) => [...urns].flatMap((u) => ["--target", u]);
    // Explicit providers hold only config (the admin connection): creating them changes no server.
    if (plan.providers.length > 0) await ok(pulumi, ["up", "--yes", "--skip-preview", ...targets(plan.providers)]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stellaops-adopt-"));
    try {
        const file = path.join(dir, "import.json"); // ids only, no secret
        fs.writeFileSync(file, JSON.stringify(plan.importFile, null, 2));
        await ok(pulumi, ["import", "--file", file, "--yes", "--protect=false", "--generate-code=false"]);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    if (plan.passwords.size > 0) {
        // Created with random values (no server sees them: nothing that uses them is targeted), then
        // given the existing values through stdin, never a file or a command line.
        await ok(pulumi, ["up", "--yes", "--skip-preview", ...targets(plan.passwords.keys())]);
        const exported = JSON.parse((await ok(pulumi, ["stack", "export"])).stdout);
        await ok(pulumi, ["stack", "import"], JSON.stringify(seedPasswords(exported, plan.passwords)));
    }
    const components = plan.importFile.resources.filter((r) => r.component).length;
    return { providers: plan.providers.length, imported: plan.importFile.resources.length - components, components, passwords: plan.passwords.size };
}

function cli(args: readonly string[], input?: string): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", [...args, "--non-interactive"], { stdio: ["pipe", "pipe", "pipe"] });
        let [stdout, stderr] = ["", ""];
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
        child.stdin.end(input ?? "");
    });
}

async function main(argv: readonly string[]): Promise<void> {
    const at = argv.indexOf("--passwords");
    if (at < 0 || !argv[at + 1]) throw new Error("usage: tools/adopt/run.ts --passwords <file.json | ->");
    const source = argv[at + 1] === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(argv[at + 1], "utf8");
    const db = await cli(["config", "get", "--path", "stellaops:postgres.database"]);
    const report = await adopt(cli, JSON.parse(source) as ExistingPasswords, db.code === 0 ? db.stdout.trim() : "stellaops");
    console.log(`adopted: ${report.imported} resources imported under ${report.components} components, ${report.passwords} passwords kept; now: pulumi preview --diff`);
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((err: unknown) => {
        console.error(err instanceof Error ? err.message : String(err));
        process.exitCode = 1;
    });
}
