/**
 * The "none" platform: servers that already exist. The stack creates only what lives on them:
 * database objects, ACL users (a dynamic provider), buckets and users, and NATS accounts for the
 * operator to include. Loaded only by profiles on this platform.
 */
import { NatsExternalAccounts } from "../../components/nats/external";
import { ValkeyExternalUsers } from "../../components/valkey/external";
import type { StackInputFor } from "../config";
import { natsConnections } from "../layers/nats";
import { s3CompatibleStore } from "../layers/objectstore";
import { PostgresAccess, adminAddress, postgresAccess } from "../layers/postgres";
import { backupIdentities } from "../layers/backup";
import { valkeyConnections } from "../layers/valkey";
import type { Deployed } from "../layers/types";
import type { StackPlans } from "../plans";
import type { ProfilesOn } from "../profiles";

export type Input = StackInputFor<ProfilesOn<"none">>;

/** Database objects on the existing PostgreSQL server, as its admin. */
export function existingPostgres({ config: cfg, secrets }: Input, plans: StackPlans): PostgresAccess {
    const pg = cfg.postgres;
    return postgresAccess(plans.postgres, {
        host: pg.host,
        port: pg.port,
        admin: { ...adminAddress(pg, pg.host, pg.port), user: pg.adminUser, password: secrets.postgresAdminPassword, superuser: pg.adminIsSuperuser },
        sslMode: pg.sslMode,
        ready: [],
    }, plans.rotation);
}

/** ACL users on the existing Valkey server. */
export function existingValkey({ config: cfg, secrets }: Input, plans: StackPlans): Pick<Deployed, "valkey" | "valkeyOperator"> {
    const v = cfg.valkey;
    const users = new ValkeyExternalUsers("valkey", { plan: plans.valkey, host: v.host, port: v.port, adminUser: v.adminUser, adminPassword: secrets.valkeyAdminPassword, rotation: plans.rotation });
    return valkeyConnections(plans.valkey, { reach: { endpoints: { main: { host: users.host, port: users.port } } }, passwords: users.passwords, tls: plans.valkey.tls, operator: false });
}

export function deploy(input: Input, plans: StackPlans): Deployed {
    const { config: cfg, secrets } = input;
    const pgAccess = existingPostgres(input, plans);
    const valkey = existingValkey(input, plans);
    const os = cfg.objectStore;
    const store = s3CompatibleStore(plans.objectStore, {
        serviceUrl: os.endpoint,
        providerUrl: os.providerEndpoint ?? os.endpoint,
        accessKey: secrets.objectStoreAccessKey,
        secretKey: secrets.objectStoreSecretKey,
        region: os.region,
        ready: [],
        users: os.supportsUsers,
        policyPrefix: os.bucketPrefix ?? "stellaops",
    }, plans.rotation);

    let nats: Pick<Deployed, "nats" | "natsOperator"> = {};
    if (plans.nats && cfg.nats.host) {
        // The server exists; the stack owns the accounts: passwords here, hashes for the operator.
        const accounts = new NatsExternalAccounts("nats", { plan: plans.nats, rotation: plans.rotation });
        nats = natsConnections(plans.nats, { host: cfg.nats.host, port: cfg.nats.port, passwords: accounts.passwords, tls: cfg.nats.tls, accountsConf: accounts.accountsConf });
    }
    // The dumps run where the operator runs them (npm run render writes the script and a timer).
    const backup = plans.backup && backupIdentities(plans.backup, pgAccess, store, os.bucketPrefix ?? "stellaops").output;
    return { postgres: pgAccess.postgres, postgresMigrator: pgAccess.postgresMigrator, ...valkey, objectStore: store.services, ...nats, ...(backup && { backup }) };
}
