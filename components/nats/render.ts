/**
 * Renders the NATS plan on a layout as nats-server.conf. No password is ever written: with hashes
 * the file holds bcrypt hashes (what Pulumi deploys, as a secret); without, each password is a
 * reference to an environment variable the operator sets to the quoted hash (`npm run render`).
 * A cluster's route password and route URLs always come from the environment (./layout.ts).
 */
import { ConfValue, NatsServerLayout } from "./layout";
import { NatsAccountPlan, NatsPlan, NatsUserPlan, natsUsers } from "./plan";

/** bcrypt hash per user name (operator and each service user). */
export type NatsPasswordHashes = Readonly<Record<string, string>>;

export const NATS_CONF_FILE = "nats/nats-server.conf";

// nats-server treats a password starting with $2a$/$2b$/$2x$/$2y$ and a cost as bcrypt.
const BCRYPT = /^\$2[abxy]\$\d{2}\$\S+$/;

const str = (s: string): string => JSON.stringify(s);
const value = (v: ConfValue): string => (typeof v === "string" ? str(v) : `$${v.env}`);
const list = (items: readonly string[], indent: string): string => `[\n${items.map((i) => `${indent}  ${str(i)}`).join("\n")}\n${indent}]`;
const mib = (bytes: number): string => `${bytes / (1024 * 1024)} MiB`;

function password(user: NatsUserPlan, hashes?: NatsPasswordHashes): string {
    if (!hashes) return `$${user.passwordVar}`;
    const hash = hashes[user.user];
    if (hash === undefined) throw new Error(`no bcrypt hash for NATS user "${user.user}": expected one hash per user`);
    // Refuses anything that is not a bcrypt hash, so a plaintext password can never be written.
    if (!BCRYPT.test(hash)) throw new Error(`the password of NATS user "${user.user}" is not a bcrypt hash: expected $2a$<cost>$...`);
    return str(hash);
}

function account(a: NatsAccountPlan, hashes?: NatsPasswordHashes): string {
    const js = a.jetstream;
    return [
        `  ${a.account} {`,
        "    jetstream {",
        `      max_mem: ${js.maxMemoryBytes}  # ${mib(js.maxMemoryBytes)}`,
        `      max_file: ${js.maxFileBytes}  # ${mib(js.maxFileBytes)}`,
        `      max_streams: ${js.maxStreams}  # ${a.streams.map((s) => s.name).join(", ")}`,
        ...(js.maxConsumers === undefined ? [] : [`      max_consumers: ${js.maxConsumers}`]),
        "    }",
        "    users: [",
        "      {",
        `        user: ${str(a.user)}`,
        `        password: ${password(a, hashes)}`,
        "        permissions {",
        `          publish { allow: ${list(a.publish, "          ")} }`,
        `          subscribe { allow: ${list(a.subscribe, "          ")} }`,
        "        }",
        "      }",
        "    ]",
        "  }",
    ].join("\n");
}

/**
 * The accounts part alone: system account and one account per service with streams. The
 * external profile hands this to the operator to include in the existing server's configuration.
 */
export function renderNatsAccounts(plan: NatsPlan, hashes?: NatsPasswordHashes): string {
    natsUsers(plan).forEach((u) => password(u, hashes)); // every user has a hash, or none does
    return [
        "# Operators: the system account; no JetStream, no service traffic.",
        `system_account: ${str(plan.system.account)}`,
        "",
        "# One account per StellaOps service with streams: isolated subjects, its own user and limits.",
        "# No default user and no no_auth_user: a client without credentials is refused.",
        "accounts {",
        `  ${plan.system.account} {`,
        `    users: [ { user: ${str(plan.system.user)}, password: ${password(plan.system, hashes)} } ]`,
        "  }",
        ...plan.accounts.map((a) => account(a, hashes)),
        "}",
        "",
    ].join("\n");
}

function cluster(plan: NatsPlan, layout: NatsServerLayout): string[] {
    const c = plan.cluster;
    if (!c) return [];
    if (layout.clusterPort === undefined) throw new Error("the plan is a cluster: expected layout.clusterPort");
    return [
        "",
        `# A JetStream cluster of ${c.size}: streams may have up to ${c.size} replicas.`,
        "cluster {",
        `  name: ${str(c.name)}`,
        `  listen: ${str(`${layout.listenHost}:${layout.clusterPort}`)}`,
        "  # Routes authenticate; the password and the route URLs carrying it come from the environment.",
        `  authorization { user: ${str(c.routeUser)}, password: $${c.passwordVar} }`,
        `  routes: [ ${c.routeVars.map((v) => `$${v}`).join(", ")} ]`,
        "}",
    ];
}

/** The whole server configuration. It replaces the image's built-in file (which carries a default route password). */
export function renderNatsConf(plan: NatsPlan, layout: NatsServerLayout, hashes?: NatsPasswordHashes): string {
    if (plan.tls && !layout.tlsDir) throw new Error("the plan has TLS: expected layout.tlsDir");
    const tls = plan.tls ? ["", "tls {", `  cert_file: ${str(`${layout.tlsDir}/tls.crt`)}`, `  key_file: ${str(`${layout.tlsDir}/tls.key`)}`, "  timeout: 2", "}"] : [];
    const env = [
        ...(hashes ? [] : natsUsers(plan).map((u) => u.passwordVar)),
        ...(typeof layout.serverName === "string" ? [] : [layout.serverName.env]),
        ...(plan.cluster ? [plan.cluster.passwordVar, ...plan.cluster.routeVars] : []),
    ];
    return [
        "# nats-server.conf rendered by stellaops-deps from the service catalog.",
        ...(env.length > 0 ? [`# Reads from the environment (each value quoted, see docs/nats.md): ${env.join(", ")}.`] : []),
        `server_name: ${value(layout.serverName)}`,
        `listen: ${str(`${layout.listenHost}:${layout.clientPort}`)}`,
        "# Monitoring: /healthz?js-enabled-only=true answers 200 once JetStream runs.",
        `http: ${str(`${layout.listenHost}:${layout.monitorPort}`)}`,
        "",
        "jetstream {",
        layout.storeDir === undefined ? "  # no store_dir: give it with -sd <dir>" : `  store_dir: ${str(layout.storeDir)}`,
        `  max_memory_store: ${plan.jetstream.maxMemoryBytes}  # ${mib(plan.jetstream.maxMemoryBytes)}`,
        `  max_file_store: ${plan.jetstream.maxFileBytes}  # ${mib(plan.jetstream.maxFileBytes)}`,
        "}",
        ...cluster(plan, layout),
        ...tls,
        "",
        renderNatsAccounts(plan, hashes),
    ].join("\n");
}

/** The files `npm run render` writes for NATS (only when NATS is enabled). */
export function renderNatsFiles(plan: NatsPlan, layout: NatsServerLayout, hashes?: NatsPasswordHashes): { [NATS_CONF_FILE]: string } {
    return { [NATS_CONF_FILE]: renderNatsConf(plan, layout, hashes) };
}
