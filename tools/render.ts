/**
 * `npm run --silent render -- --stack <name> --out <dir> [--replace] [--data-dir <dir>] [--secrets-from <file|->]`:
 * writes the files real servers consume, from the same plans the Pulumi components use, laid out
 * to run as they are (`redis-server <out>/valkey/valkey.conf`, `nats-server -c <out>/nats/nats-server.conf`,
 * data under `--data-dir`, default `<out>/data`). No Pulumi runtime and no plaintext secret:
 * passwords appear only as psql variables, or, with `--secrets-from` (the JSON of
 * `pulumi stack output --show-secrets --json`), as the hashes the servers check.
 * A non-empty output folder is refused unless `--replace`, which empties a folder an earlier
 * render wrote (and only such a folder) so no stale file survives.
 */
import * as fs from "fs";
import * as path from "path";
import { renderObjectStoreFiles } from "../components/objectstore/render";
import { renderBootstrapSql } from "../components/postgres/sql";
import { hashSync } from "bcryptjs";
import { renderBackupFiles } from "../components/backup/render";
import { PROFILES } from "../stacks/profiles";
import { localLayout } from "../components/nats/layout";
import { renderNatsFiles } from "../components/nats/render";
import { natsHashesFromStackOutputs } from "../components/nats/stack-outputs";
import { hashesFromStackOutputs, renderValkeyLocal } from "../components/valkey/render-local";
import { NAMESPACE, SECRET_KEYS, SecretKey, StackConfig, parseStackConfig, parseValue } from "../stacks/config";
import { StackPlans, planStack } from "../stacks/plans";
import { UsageError, cliArgs, runCli } from "./offline/cli";
import { readStackFile } from "./offline/stack-file";

/** Marks a folder as written by render, so `--replace` never empties anything else. */
export const MARKER = ".stellaops-render";
/** The default data folder inside the output; `--replace` keeps it. */
export const DATA = "data";

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

export interface RenderOptions {
    /** Absolute folder the files go to. */
    readonly out: string;
    /** Absolute data folder of the servers run from the files. @default `<out>/data` */
    readonly dataDir?: string;
    /** `pulumi stack output --show-secrets --json` of the deployed stack: users get their real passwords' hashes. */
    readonly stackOutputs?: unknown;
    /** Valkey's port (a split cache instance takes the next). @default 6379 */
    readonly valkeyPort?: number;
    /** NATS's client port; monitoring listens on the next. @default 4222 (monitoring 8222) */
    readonly natsPort?: number;
}

/** The backup job definition for an operator to run (servers that exist: the stack runs no job there). */
function backupFiles(cfg: StackConfig, plans: StackPlans): Record<string, string> {
    if (!plans.backup || PROFILES[cfg.profile].servers !== "existing" || !("host" in cfg.postgres) || !("endpoint" in cfg.objectStore)) return {};
    const images = "images" in cfg ? cfg.images : undefined;
    return renderBackupFiles(plans.backup, {
        adminSuperuser: plans.postgres.adminSuperuser,
        images: { postgres: images?.postgres ?? "postgres", upload: images && "backup" in images ? images.backup : "curlimages/curl" },
        target: { pgHost: cfg.postgres.host, pgPort: cfg.postgres.port, sslMode: cfg.postgres.sslMode, s3Endpoint: cfg.objectStore.endpoint, s3Region: cfg.objectStore.region },
    });
}

/** Every artifact of a stack (relative path to content) and the data folders to create. */
export function renderStack(cfg: StackConfig, plans: StackPlans, opts: RenderOptions): { files: Record<string, string>; dataDirs: string[] } {
    const dataDir = opts.dataDir ?? path.join(opts.out, DATA);
    const valkey = renderValkeyLocal(plans.valkey, { confDir: path.join(opts.out, "valkey"), dataDir: path.join(dataDir, "valkey"), port: opts.valkeyPort }, opts.stackOutputs === undefined ? undefined : hashesFromStackOutputs(opts.stackOutputs, plans.valkey));
    const nats = plans.nats;
    const natsHashes = nats && opts.stackOutputs !== undefined ? natsHashesFromStackOutputs(nats, opts.stackOutputs, (pw) => hashSync(pw, 11)) : undefined;
    return {
        files: {
            "postgres/bootstrap.sql": renderBootstrapSql(plans.postgres),
            ...valkey.files,
            ...renderObjectStoreFiles(plans.objectStore),
            ...(nats ? renderNatsFiles(nats, localLayout(nats, { dataDir, ...(opts.natsPort && { clientPort: opts.natsPort, monitorPort: opts.natsPort + 1 }) }), natsHashes) : {}),
            ...backupFiles(cfg, plans),
        },
        dataDirs: [...valkey.dataDirs, ...(nats ? [path.join(dataDir, "nats")] : [])],
    };
}

/** Prepares `out`: created if missing; refused if it holds anything unless `replace` and it is an earlier render. */
export function prepareOutDir(out: string, replace: boolean): void {
    if (!fs.existsSync(out)) return void fs.mkdirSync(out, { recursive: true });
    if (!fs.statSync(out).isDirectory()) throw new UsageError(`--out ${out}: expected a folder, got a file`);
    const entries = fs.readdirSync(out);
    if (entries.length === 0) return;
    if (!replace) throw new UsageError(`--out ${out}: the folder is not empty (${entries.length} entries); pass --replace to replace an earlier render (its ${DATA}/ folder is kept)`);
    if (!entries.includes(MARKER)) throw new UsageError(`--out ${out}: not a folder render wrote (no ${MARKER}); refusing to empty it`);
    // The servers' data (default <out>/data) is never removed: only the rendered files are replaced.
    for (const e of entries) if (e !== DATA) fs.rmSync(path.join(out, e), { recursive: true, force: true });
}

const USAGE = "usage: npm run --silent render -- --stack <name> --out <dir> [--replace] [--data-dir <dir>] [--secrets-from <file|->] [--valkey-port <n>] [--nats-port <n>]";

/** A port option's value, or a UsageError naming it. */
function portOption(name: string, value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65534) throw new UsageError(`--${name}: expected a port from 1 to 65534, got "${value}"\n${USAGE}`);
    return n;
}

/** The stack outputs JSON from a file or stdin ("-"). */
function readOutputs(from: string): unknown {
    const text = fs.readFileSync(from === "-" ? 0 : from, "utf8");
    try {
        return JSON.parse(text);
    } catch (err) {
        throw new UsageError(`--secrets-from ${from}: expected the JSON of \`pulumi stack output --show-secrets --json\`: ${(err as Error).message}`);
    }
}

async function main(): Promise<string> {
    const { values } = cliArgs(USAGE, {
        stack: { type: "string" },
        out: { type: "string" },
        replace: { type: "boolean", default: false },
        "data-dir": { type: "string" },
        "secrets-from": { type: "string" },
        "valkey-port": { type: "string" },
        "nats-port": { type: "string" },
    });
    if (!values.stack || !values.out) throw new UsageError(`--stack and --out are required\n${USAGE}`);
    const out = path.resolve(values.out);
    const stackOutputs = values["secrets-from"] === undefined ? undefined : readOutputs(values["secrets-from"]);
    const cfg = stackConfig(values.stack);
    const { files, dataDirs } = renderStack(cfg, planStack(cfg), {
        out,
        dataDir: values["data-dir"] && path.resolve(values["data-dir"]),
        stackOutputs,
        valkeyPort: portOption("valkey-port", values["valkey-port"]),
        natsPort: portOption("nats-port", values["nats-port"]),
    });
    prepareOutDir(out, values.replace!);
    fs.writeFileSync(path.join(out, MARKER), `rendered from stack ${values.stack}\n`);
    for (const d of dataDirs) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    const written: string[] = [];
    for (const [rel, content] of Object.entries(files).sort()) {
        const file = path.join(out, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
        written.push(`${file}\n`);
    }
    return written.join("");
}

if (require.main === module) runCli(main);
