/**
 * `npm run plan:snapshots`: rewrites test/stacks/snapshots/<stack>.plan.txt for every example
 * stack of the profile descriptor, so a pull request that changes infrastructure shows it.
 */
import * as fs from "fs";
import * as path from "path";
import { evaluateStack } from "./offline/evaluate";
import { ROOT } from "./offline/stack-file";
import { runCli } from "./offline/cli";
import { toPlanJson, toPlanText } from "./plan";
import { STACKS } from "./stacks";

export { STACKS };
export const SNAPSHOT_DIR = path.join(ROOT, "test", "stacks", "snapshots");
export const snapshotPath = (stack: string) => path.join(SNAPSHOT_DIR, `${stack}.plan.txt`);

async function main(): Promise<string> {
    fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
    const written: string[] = [];
    for (const stack of STACKS) {
        fs.writeFileSync(snapshotPath(stack), toPlanText(toPlanJson(await evaluateStack(stack))));
        written.push(`${path.relative(ROOT, snapshotPath(stack))}\n`);
    }
    return written.join("");
}

if (require.main === module) runCli(main);
