/**
 * One cold evaluation in a fresh process, for `npm run bench`: evaluates a stack (or the
 * baseline program) under mocks and prints {ms, maxRssKb, resources} measured from process start.
 */
import * as path from "path";
import { evaluateStack } from "../offline/evaluate";
import { installMocks, recordedResources, settle, unwrap } from "../offline/recorder";

async function baseline(): Promise<number> {
    await installMocks("stellaops-deps", "baseline");
    // The same SDK imports as the stack program, so the ratio isolates the program's own cost.
    /* eslint-disable @typescript-eslint/no-require-imports */
    require("@pulumi/aws");
    require("@pulumi/docker");
    require("@pulumi/kubernetes");
    require("@pulumi/postgresql");
    const random = require("@pulumi/random") as typeof import("@pulumi/random");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const outputs = [1, 2, 3].map((i) => new random.RandomPassword(`baseline-${i}`, { length: 16 }).result);
    for (const o of outputs) await unwrap(o);
    await settle();
    return recordedResources().length;
}

async function main(): Promise<void> {
    const target = process.argv[2];
    const count = target === "baseline" ? await baseline() : (await evaluateStack(target)).resources.length;
    const ms = process.uptime() * 1000;
    const maxRssKb = process.resourceUsage().maxRSS;
    process.stdout.write(JSON.stringify({ target, ms, maxRssKb, resources: count, cwd: path.basename(process.cwd()) }) + "\n");
}

main().then(
    () => process.exit(0),
    (err: Error) => {
        process.stderr.write(`${err.stack}\n`);
        process.exit(1);
    },
);
