/**
 * Renders the NATS plan as nats-server.conf. Passwords never appear: with hashes the file holds
 * bcrypt hashes (what Pulumi deploys, as a secret); without, each password is a reference to an
 * environment variable the operator sets to the quoted hash (what `npm run render` writes).
 */
import { NatsAccountPlan, NatsPlan, NatsUserPlan, natsUsers } from "./plan";

/** bcrypt hash per user name (operator and each service user). */
export type NatsPasswordHashes = Readonly<Record<string, string>>;

export const NATS_CONF_FILE = "nats/nats-server.conf";

// nats-server treats a password starting with $2a$/$2b$/$2x$/$2y$ and a cost as bcrypt.
const BCRYPT = /^\$2[abxy]\$\d{2}\$\S+$/;

const str = (s: string): string => JSON.stringify(s);
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
    const js = a.jetstream
        ? [
              "    jetstream {",
              `      max_mem: ${a.jetstream.maxMemoryBytes}  # ${mib(a.jetstream.maxMemoryBytes)}`,
              `      max_file: ${a.jetstream.maxFileBytes}  # ${mib(a.jetstream.maxFileBytes)}`,
              `      max_streams: ${a.jetstream.maxStreams}  # ${a.streams.join(", ")}`,
              ...(a.jetstream.maxConsumers === undefined ? [] : [`      max_consumers: ${a.jetstream.maxConsumers}`]),
              "    }",
          ]
        : ["    # no JetStream: this service owns no streams"];
    return [
        `  ${a.account} {`,
        ...js,
        "    users: [",
        "      {",
        `        user: ${str(a.user)}`,
        `        password: ${password(a, hashes)}`,
        "        permissions {",
        `          publish { allow: ${list(a.publish, "          ")} }`,
        `          subscribe { allow: ${list(a.subscribe, "          ")} }`,
        "          # may answer requests it received, on their reply subjects only",
        "          allow_responses: true",
        "        }",
        "      }",
        "    ]",
        "  }",
    ].join("\n");
}

/**
 * The accounts part alone: system account and one account per service. The external profile
 * hands this to the operator to include in the existing server's configuration.
 */
export function renderNatsAccounts(plan: NatsPlan, hashes?: NatsPasswordHashes): string {
    natsUsers(plan).forEach((u) => password(u, hashes)); // every user has a hash, or none does
    return [
        "# Operators: the system account; no JetStream, no service traffic.",
        `system_account: ${str(plan.system.account)}`,
        "",
        "# One account per StellaOps service: isolated subjects, its own users, its own limits.",
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

/** The whole server configuration. It replaces the image's built-in file (which carries a default route password). */
export function renderNatsConf(plan: NatsPlan, hashes?: NatsPasswordHashes): string {
    const tls = plan.tls ? ["", "tls {", `  cert_file: ${str(plan.tls.certFile)}`, `  key_file: ${str(plan.tls.keyFile)}`, "  timeout: 2", "}"] : [];
    return [
        `# nats-server.conf for ${plan.serverName}, rendered by stellaops-deps from the service catalog.`,
        ...(hashes
            ? []
            : [
                  "# Passwords are bcrypt hashes read from the environment; set each variable to the hash",
                  "# in double quotes, e.g. SCANNER_PASSWORD_BCRYPT='\"$2a$11$...\"'. See docs/nats.md.",
              ]),
        `server_name: ${str(plan.serverName)}`,
        `listen: ${str(`${plan.listenHost}:${plan.clientPort}`)}`,
        "# Monitoring: /healthz?js-enabled-only=true answers 200 once JetStream runs.",
        `http: ${str(`${plan.listenHost}:${plan.monitorPort}`)}`,
        "",
        "jetstream {",
        `  store_dir: ${str(plan.jetstream.storeDir)}`,
        `  max_memory_store: ${plan.jetstream.maxMemoryBytes}  # ${mib(plan.jetstream.maxMemoryBytes)}`,
        `  max_file_store: ${plan.jetstream.maxFileBytes}  # ${mib(plan.jetstream.maxFileBytes)}`,
        "}",
        ...tls,
        "",
        renderNatsAccounts(plan, hashes),
    ].join("\n");
}

/** The files `npm run render` writes for NATS (only called when NATS is enabled). */
export function renderNatsFiles(plan: NatsPlan, passwordHashes?: NatsPasswordHashes): { [NATS_CONF_FILE]: string } {
    return { [NATS_CONF_FILE]: renderNatsConf(plan, passwordHashes) };
}
