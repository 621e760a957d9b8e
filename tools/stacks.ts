/**
 * `npm run --silent stacks [-- --json]`: the example stacks, from the profile descriptor. Every
 * tool (snapshots, plan diff, bench) and the PR workflow take their list from here.
 */
import { EXAMPLE_STACKS, PROFILES } from "../stacks/profiles";
import { cliArgs, runCli } from "./offline/cli";

export const STACKS: readonly string[] = EXAMPLE_STACKS.map((s) => s.stack);

const USAGE = "usage: npm run --silent stacks [-- --json]";

async function main(): Promise<string> {
    const { values } = cliArgs(USAGE, { json: { type: "boolean", default: false } });
    if (!values.json) return `${STACKS.join(" ")}\n`;
    const rows = EXAMPLE_STACKS.map(({ stack, profile }) => ({ stack, profile, platform: PROFILES[profile].platform, previewCredentials: PROFILES[profile].previewCredentials }));
    return `${JSON.stringify(rows)}\n`;
}

if (require.main === module) runCli(main);
