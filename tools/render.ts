/**
 * `npm run --silent render -- --stack <name> --out <dir> [--replace]`: writes the files real
 * servers consume, from the same plans the Pulumi components use. No Pulumi runtime involved
 * and no secret: passwords appear only as psql variables or hashes supplied at deploy time.
 * A non-empty output folder is refused unless `--replace`, which empties a folder an earlier
 * render wrote (and only such a folder) so no stale file survives.
 */
import * as fs from "fs";
import * as path from "path";
import { renderObjectStoreFiles } from "../components/objectstore/render";
import { renderBootstrapSql } from "../components/postgres/sql";
import { renderNatsFiles } from "../components/nats/render";
import { renderValkeyFiles } from "../components/valkey/render";
import { NAMESPACE, SECRET_KEYS, SecretKey, StackConfig, parseStackConfig, parseValue } from "../stacks/config";
import { StackPlans, planStack } from "../stacks/plans";
import { UsageError, cliArgs, runCli } from "./offline/cli";
import { readStackFile } from "./offline/stack-file";

/** Marks a folder as written by render, so `--replace` never empties anything else. */
export const MARKER = ".stellaops-render";

/** Validated config of a stack file, without resolving any secret. */
export function stackConfig(stack: string): StackConfig {
    const file = readStackFile(stack);
    const raw: Record<string, unknown> = {};
    const secrets = new Set<SecretKey>();
    for (const [key, value] of Object.entries(file.config)) {
        if (!key.startsWith(`${NAMESPACE}:`)) continue;
        const name = key.slice(NAMESPACE.length + 1);
        if ((SECRET_KEYS as readonly string[]).includes(name)) secrets.add(name as SecretKey);
        else raw[name] = parseValue(value);
    }
    return parseStackConfig(raw, secrets);
}

/** Every artifact of a stack: relative path to content. */
export function renderStack(plans: StackPlans): Record<string, string> {
    return {
        "postgres/bootstrap.sql": renderBootstrapSql(plans.postgres),
        ...renderValkeyFiles(plans.valkey),
        ...renderObjectStoreFiles(plans.objectStore),
        ...(plans.nats ? renderNatsFiles(plans.nats) : {}),
    };
}

/** Prepares `out`: created if missing; refused if it holds anything unless `replace` and it is an earlier render. */
export function prepareOutDir(out: string, replace: boolean): void {
    if (!fs.existsSync(out)) return void fs.mkdirSync(out, { recursive: true });
    if (!fs.statSync(out).isDirectory()) throw new UsageError(`--out ${out}: expected a folder, got a file`);
    const entries = fs.readdirSync(out);
    if (entries.length === 0) return;
    if (!replace) throw new UsageError(`--out ${out}: the folder is not empty (${entries.length} entries); pass --replace to replace an earlier render`);
    if (!entries.includes(MARKER)) throw new UsageError(`--out ${out}: not a folder render wrote (no ${MARKER}); refusing to empty it`);
    for (const e of entries) fs.rmSync(path.join(out, e), { recursive: true, force: true });
}

const USAGE = "usage: npm run --silent render -- --stack <name> --out <dir> [--replace]";

async function main(): Promise<string> {
    const { values } = cliArgs(USAGE, { stack: { type: "string" }, out: { type: "string" }, replace: { type: "boolean", default: false } });
    if (!values.stack || !values.out) throw new UsageError(`--stack and --out are required\n${USAGE}`);
    const files = renderStack(planStack(stackConfig(values.stack)));
    prepareOutDir(values.out, values.replace!);
    fs.writeFileSync(path.join(values.out, MARKER), `rendered from stack ${values.stack}\n`);
    const written: string[] = [];
    for (const [rel, content] of Object.entries(files).sort()) {
        const file = path.join(values.out, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
        written.push(`${file}\n`);
    }
    return written.join("");
}

if (require.main === module) runCli(main);
