/**
 * `npm run --silent render -- --stack <name> --out <dir>`: writes the files real servers consume,
 * from the same pure plans the Pulumi components use. No Pulumi runtime involved, and no secret:
 * passwords appear only as psql variables or hashes supplied at deploy time.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { planPostgres } from "../components/postgres/plan";
import { renderBootstrapSql } from "../components/postgres/sql";
import { renderObjectStoreFiles } from "../components/objectstore/render";
import { natsRenderFiles } from "../stacks/layers/nats";
import { objectStorePlan } from "../stacks/layers/objectstore";
import { valkeyRenderFiles } from "../stacks/layers/valkey";
import { NAMESPACE, SECRET_KEYS, SecretKey, StackConfig, parseStackConfig } from "../stacks/config";
import { runCli } from "./offline/cli";
import { readStackFile } from "./offline/stack-file";

/** Validated config of a stack file, without resolving any secret. */
export function stackConfig(stack: string): StackConfig {
    const file = readStackFile(stack);
    const raw: Record<string, unknown> = {};
    const secrets = new Set<SecretKey>();
    for (const [key, value] of Object.entries(file.config)) {
        if (!key.startsWith(`${NAMESPACE}:`)) continue;
        const name = key.slice(NAMESPACE.length + 1);
        if ((SECRET_KEYS as readonly string[]).includes(name)) {
            secrets.add(name as SecretKey);
            continue;
        }
        try {
            raw[name] = JSON.parse(value);
        } catch {
            raw[name] = value;
        }
    }
    return parseStackConfig(raw, secrets);
}

/** Every artifact of a stack: relative path to content. */
export function renderStack(cfg: StackConfig): Record<string, string> {
    const pg = cfg.postgres;
    const files: Record<string, string> = {
        "postgres/bootstrap.sql": renderBootstrapSql(planPostgres(pg)),
        ...valkeyRenderFiles(cfg),
        ...renderObjectStoreFiles(objectStorePlan(cfg)),
        ...natsRenderFiles(cfg),
    };
    return files;
}

async function main(): Promise<string> {
    const { values } = parseArgs({ options: { stack: { type: "string" }, out: { type: "string" } } });
    if (!values.stack || !values.out) throw new Error("usage: npm run --silent render -- --stack <name> --out <dir>");
    const files = renderStack(stackConfig(values.stack));
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
