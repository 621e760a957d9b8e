/**
 * Rendered files that run outside a container (`redis-server <dir>/valkey.conf`): absolute data
 * and aclfile paths, a port per instance, and the hashed aclfile produced offline from a stack's
 * outputs (`pulumi stack output --show-secrets --json`). Pure: the render CLI writes the files
 * and creates the data directories. Plaintext passwords are read, hashed and never written.
 */
import * as path from "path";
import type { InstancePlan, ValkeyPlan } from "./plan";
import { ServerSettings, renderAclFile, renderValkeyConf, sha256Hex, valkeyFileNames } from "./render";

/** Where a local run keeps its files. */
export interface LocalRun {
    /** Absolute directory the files are written to (`<out>/valkey`); aclfiles sit beside the confs. */
    readonly confDir: string;
    /** Absolute data directory; each instance gets `<dataDir>/<instance name>`. @default `<confDir>/data` */
    readonly dataDir?: string;
    /** Port of the first instance; a split cache instance takes the next one. @default 6379 */
    readonly port?: number;
    /** Address to listen on. @default "127.0.0.1" */
    readonly bind?: string;
    /** Directory holding tls.crt and tls.key (TLS plans only). @default confDir */
    readonly tlsDir?: string;
}

function absolute(what: string, p: string): string {
    if (!path.isAbsolute(p)) throw new Error(`${what}: expected an absolute path (redis-server resolves relative paths from its working directory), got ${JSON.stringify(p)}`);
    return p;
}

/** Server settings of one instance of a local run. */
export function localSettings(plan: ValkeyPlan, instance: Pick<InstancePlan, "key" | "name">, run: LocalRun): ServerSettings {
    const confDir = absolute("confDir", run.confDir);
    const dataDir = absolute("dataDir", run.dataDir ?? path.join(confDir, "data"));
    const index = plan.instances.findIndex((i) => i.key === instance.key);
    if (index < 0) throw new Error(`instance ${instance.key}: not in the plan (${plan.instances.map((i) => i.key).join(", ")})`);
    return { port: (run.port ?? 6379) + index, bind: run.bind ?? "127.0.0.1", dir: path.join(dataDir, instance.name), aclDir: confDir, tlsDir: run.tlsDir ?? confDir };
}

/**
 * What the render CLI writes for a local run: the files (paths relative to the render output,
 * `valkey/valkey.conf`, `valkey/users.acl`, ...) and the data directories it must create first
 * (redis-server refuses a missing `dir`). Without hashes every user is rendered off.
 */
export function renderValkeyLocal(plan: ValkeyPlan, run: LocalRun, hashes?: Readonly<Record<string, string>>): { files: Record<string, string>; dataDirs: string[] } {
    const files: Record<string, string> = {};
    for (const instance of plan.instances) {
        const names = valkeyFileNames(instance);
        files[names.conf] = renderValkeyConf(plan, instance, localSettings(plan, instance, run));
        files[names.acl] = renderAclFile(instance, hashes);
    }
    return { files, dataDirs: plan.instances.map((i) => localSettings(plan, i, run).dir) };
}

/**
 * The part of `pulumi stack output --show-secrets --json` this reads: every service's Valkey
 * login and the operator's. Anything else in the document is ignored.
 */
export interface StackOutputLogins {
    readonly services?: Readonly<Record<string, { readonly valkey?: { readonly user: string; readonly password: string } }>>;
    readonly valkeyOperator?: { readonly user: string; readonly password: string };
}

type Login = { readonly user: string; readonly password: string };

/**
 * SHA-256 hashes by user name, for `renderValkeyLocal` / `renderValkeyFiles`, from a stack's
 * outputs shown with their secrets. Fails naming the output path when a login is malformed, still
 * hidden (`[secret]`), or names another user than the plan; users without a login stay off.
 */
export function hashesFromStackOutputs(outputs: unknown, plan: ValkeyPlan): Record<string, string> {
    if (typeof outputs !== "object" || outputs === null) throw new Error("stack outputs: expected the JSON object of `pulumi stack output --show-secrets --json`");
    const o = outputs as StackOutputLogins;
    const hashes: Record<string, string> = {};
    const take = (at: string, login: unknown, expectedUser: string) => {
        if (login === undefined) return;
        const l = login as Partial<Login>;
        if (typeof l !== "object" || l === null || typeof l.user !== "string" || typeof l.password !== "string") throw new Error(`${at}: expected { user, password } strings`);
        if (l.password === "[secret]" || l.password === "") throw new Error(`${at}.password: expected the password (run pulumi stack output with --show-secrets)`);
        if (l.user !== expectedUser) throw new Error(`${at}.user: expected ${expectedUser} (the plan's user), got ${JSON.stringify(l.user)}: outputs of another stack or config?`);
        hashes[l.user] = sha256Hex(l.password);
    };
    for (const s of plan.services) take(`services.${s.service}.valkey`, o.services?.[s.service]?.valkey, s.user);
    take("valkeyOperator", o.valkeyOperator, plan.operator);
    return hashes;
}
