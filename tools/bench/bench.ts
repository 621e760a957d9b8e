/**
 * `npm run bench`: what running this program costs, measured in one run on this machine and
 * reported against a baseline from the same run (median of several cold processes):
 * evaluation time and peak RSS per stack vs a trivial program with the same SDK imports,
 * typecheck and unit-suite wall time, and each stack's deploy critical path.
 * Prints figures; asserts nothing about time.
 */
import { spawnSync } from "child_process";
import * as os from "os";
import { evaluateStack } from "../offline/evaluate";
import { ROOT } from "../offline/stack-file";
import { STACKS } from "../stacks";
import { criticalPath } from "./graph";

const REPS = Number(process.env.BENCH_REPS ?? 5);
const TS_NODE = `${ROOT}/node_modules/.bin/ts-node`;

/**
 * The chain a first `pulumi up` cannot avoid, per stack: the platform, the PostgreSQL server,
 * a provider connected to it, then database, schema, grant (each needs the one before).
 */
const MINIMUM_CHAIN: Record<string, string[]> = {
    dev: ["docker provider", "network", "container", "postgresql provider", "database", "schema", "grant"],
    airgap: ["kubernetes provider", "namespace", "superuser Secret", "StatefulSet", "postgresql provider", "database", "schema", "grant"],
    // CloudNativePG archives into the backup bucket from its first instance on: the bucket's user comes first.
    "airgap-ha": ["kubernetes provider", "namespace", "RustFS StatefulSet", "S3 admin provider", "archiver user", "backup Secret", "Cluster", "postgresql provider", "database", "schema", "grant"],
    aws: ["aws provider", "parameter group", "RDS instance", "postgresql provider", "database", "schema", "grant"],
    external: ["postgresql provider", "database", "schema", "grant"],
};

interface Sample {
    ms: number;
    maxRssKb: number;
    resources: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function evalOnce(target: string): Sample {
    const r = spawnSync(TS_NODE, ["--transpile-only", "tools/bench/eval-once.ts", target], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`eval ${target} failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

function measure(target: string): { ms: number; rssMb: number; resources: number } {
    const samples = Array.from({ length: REPS }, () => evalOnce(target));
    return { ms: median(samples.map((s) => s.ms)), rssMb: median(samples.map((s) => s.maxRssKb)) / 1024, resources: samples[0].resources };
}

function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { s: number; ok: boolean } {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
    return { s: Number(process.hrtime.bigint() - start) / 1e9, ok: r.status === 0 };
}

/**
 * With the real engine built (tools/engine/build.sh has a cached bin dir), the e2e run's
 * `pulumi up` timings of the external stack; otherwise a line saying why there are none.
 */
function engineRows(): string[] {
    const rows = ["", "## Real engine: external stack (PostgreSQL and Valkey layers, npm run e2e)", ""];
    if (process.env.BENCH_SKIP_E2E === "1") return [...rows, "skipped (BENCH_SKIP_E2E=1)"];
    const built = spawnSync("sh", ["-c", 'ls -d "${STELLAOPS_ENGINE_DIR:-$HOME/.cache/stellaops-engine}"/*/bin/pulumi 2>/dev/null'], { encoding: "utf8" });
    if (!built.stdout.trim()) return [...rows, "no engine built here (run tools/engine/build.sh; about 20 min cold)"];
    const r = spawnSync(TS_NODE, ["--transpile-only", "tools/e2e/run.ts"], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) return [...rows, `e2e failed (exit ${r.status}); run npm run e2e for details`];
    const wanted = /^\| (pulumi up \(create\)|pulumi up \(no changes\)|pulumi preview --diff --json[^|]*|pulumi destroy \(after unprotect\)|total) \| ([0-9.]+ s) \|$/;
    const found = r.stdout.split("\n").flatMap((l) => {
        const m = wanted.exec(l.trim());
        return m ? [`| ${m[1]} | ${m[2]} |`] : [];
    });
    return [...rows, "| step | wall |", "| --- | --- |", ...found];
}

async function main(): Promise<void> {
    const out: string[] = [];
    out.push(`# stellaops-deps benchmark`, "", `Machine: ${os.cpus().length} x ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${REPS} cold processes per row, median.`, "");
    const base = measure("baseline");
    out.push("## Program evaluation under mocks (process start to all outputs resolved)", "");
    out.push("| program | resources | time (ms) | x baseline | peak RSS (MiB) | x baseline | target |", "| --- | --- | --- | --- | --- | --- | --- |");
    out.push(`| baseline (same SDK imports, 3 resources) | ${base.resources} | ${base.ms.toFixed(0)} | 1.00 | ${base.rssMb.toFixed(0)} | 1.00 | |`);
    for (const stack of STACKS) {
        const m = measure(stack);
        const tr = m.ms / base.ms;
        const rr = m.rssMb / base.rssMb;
        out.push(`| ${stack} | ${m.resources} | ${m.ms.toFixed(0)} | ${tr.toFixed(2)} | ${m.rssMb.toFixed(0)} | ${rr.toFixed(2)} | ${tr <= 1.3 && rr <= 1.3 ? "ok (<= 1.3x)" : "OVER 1.3x"} |`);
    }
    out.push("", "## Typecheck and unit suite", "", "| step | wall (s) | result | target |", "| --- | --- | --- | --- |");
    const tsc = timeCommand(`${ROOT}/node_modules/.bin/tsc`, ["--noEmit", "-p", "."]);
    out.push(`| tsc --noEmit | ${tsc.s.toFixed(1)} | ${tsc.ok ? "pass" : "FAIL"} | |`);
    if (process.env.BENCH_SKIP_SUITE !== "1") {
        const unit = timeCommand(`${ROOT}/node_modules/.bin/mocha`, ["--ignore", "test/**/*.real.test.ts", "test/**/*.test.ts"]);
        out.push(`| unit suite: pure + mocks (npm run test:unit) | ${unit.s.toFixed(1)} | ${unit.ok ? "pass" : "FAIL"} | < 20 s |`);
        const suite = timeCommand(`${ROOT}/node_modules/.bin/mocha`, ["test/**/*.test.ts"]);
        out.push(`| npm test: all tiers, real servers included | ${suite.s.toFixed(1)} | ${suite.ok ? "pass" : "FAIL"} | |`);
    }
    out.push("", "## Deploy critical path (custom resources created one after another)", "", "| stack | resources | critical path | minimum | longest chain |", "| --- | --- | --- | --- | --- |");
    for (const stack of STACKS) {
        const ev = await evaluateStack(stack);
        const chain = criticalPath(ev.resources).chain;
        const min = MINIMUM_CHAIN[stack] ?? [];
        const longer = min.length > 0 && chain.length > min.length ? " **(longer than minimum)**" : "";
        out.push(`| ${stack} | ${ev.resources.length} | ${chain.length} | ${min.length > 0 ? `${min.length} (${min.join(" > ")})` : "not worked out"} | ${chain.join(" > ")}${longer} |`);
    }
    out.push(...engineRows());
    process.stdout.write(out.join("\n") + "\n");
}

main().then(
    () => process.exit(0),
    (err: Error) => {
        process.stderr.write(`${err.stack}\n`);
        process.exit(1);
    },
);
