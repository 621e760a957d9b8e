/**
 * The docker platform: every server in a container on one Docker engine, on one bridge network,
 * with ports published on `docker.bindAddress`. Loaded only by profiles on this platform.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { NatsContainer } from "../../components/nats/docker";
import { RustfsContainer } from "../../components/objectstore/rustfs-docker";
import { PostgresContainer } from "../../components/postgres/docker";
import { ValkeyContainers } from "../../components/valkey/docker";
import { generatedPassword, generatedRootKeys } from "../../components/credentials";
import { PostgresBackupContainers } from "../../components/backup/docker";
import { backupIdentities } from "../layers/backup";
import type { StackInputFor } from "../config";
import { natsConnections } from "../layers/nats";
import { s3CompatibleStore } from "../layers/objectstore";
import { adminAddress, postgresAccess } from "../layers/postgres";
import { valkeyConnections } from "../layers/valkey";
import type { Deployed, Published } from "../layers/types";
import type { StackPlans } from "../plans";
import type { ProfilesOn } from "../profiles";
import { tlsPair } from "./tls";

type Input = StackInputFor<ProfilesOn<"docker">>;

export function deploy({ config: cfg, secrets }: Input, plans: StackPlans): Deployed {
    const d = cfg.docker;
    const provider = new docker.Provider("docker", d.host ? { host: d.host } : {});
    const network = new docker.Network("docker-network", { name: `${d.namePrefix}-deps`, driver: "bridge", internal: false }, { provider });
    const on = { providers: [provider] };
    // Pulumi runs on the Docker host: it reaches published ports; a wildcard bind is reachable on loopback.
    const hostAddress = d.bindAddress === "0.0.0.0" ? "127.0.0.1" : d.bindAddress;
    const published = (port: number): Published => ({ host: hostAddress, port });
    const common = { networkName: network.name, bindAddress: d.bindAddress };

    const superuserPassword = generatedPassword("postgres-superuser-password");
    const pgServer = new PostgresContainer("postgres", { ...common, containerName: `${d.namePrefix}-postgres`, image: cfg.images.postgres, hostPort: d.ports.postgres, superuserPassword }, on);
    const pgAccess = postgresAccess(plans.postgres, {
        host: pgServer.host,
        port: pgServer.port,
        admin: { ...adminAddress(cfg.postgres, hostAddress, d.ports.postgres), user: "postgres", password: superuserPassword, superuser: true },
        sslMode: "disable",
        ready: [pgServer.server.container],
        published: published(d.ports.postgres),
    }, plans.rotation);

    const vk = new ValkeyContainers("valkey", { ...common, plan: plans.valkey, image: cfg.images.valkey, hostPort: d.ports.valkey, namePrefix: d.namePrefix, tls: tlsPair(secrets, "valkey", plans.valkey.tls), rotation: plans.rotation }, on);
    const valkey = valkeyConnections(plans.valkey, {
        reach: { endpoints: vk.endpoints },
        published: Object.fromEntries(plans.valkey.instances.map((inst, i) => [inst.key, published(d.ports.valkey + i)])),
        passwords: vk.passwords,
        tls: plans.valkey.tls,
        operator: true,
    });

    const root = generatedRootKeys("objectstore-root");
    const rustfs = new RustfsContainer(
        "objectstore-rustfs",
        { ...common, containerName: `${d.namePrefix}-rustfs`, volumeName: `${d.namePrefix}-rustfs-data`, image: cfg.images.rustfs, hostPort: d.ports.rustfs, rootAccessKey: root.accessKey, rootSecretKey: root.secretKey },
        on,
    );
    const publishedUrl = `http://${hostAddress}:${d.ports.rustfs}`;
    const store = s3CompatibleStore(plans.objectStore, {
        serviceUrl: pulumi.interpolate`http://${rustfs.host}:${rustfs.port}`,
        providerUrl: cfg.objectStore.providerEndpoint ?? publishedUrl,
        accessKey: root.accessKey,
        secretKey: root.secretKey,
        region: cfg.objectStore.region,
        ready: [rustfs.server.container],
        users: true,
        policyPrefix: cfg.objectStore.sharedBucket,
        publishedUrl,
    }, plans.rotation);

    let nats: Pick<Deployed, "nats" | "natsOperator"> = {};
    if (plans.nats) {
        const n = new NatsContainer(
            "nats",
            { ...common, containerName: `${d.namePrefix}-nats`, image: cfg.images.nats, hostPort: d.ports.nats, plan: plans.nats, tls: tlsPair(secrets, "nats", cfg.nats.tls), rotation: plans.rotation },
            on,
        );
        nats = natsConnections(plans.nats, { host: n.host, port: n.port, passwords: n.passwords, tls: cfg.nats.tls, published: published(d.ports.nats) });
    }
    let backup: Deployed["backup"];
    if (plans.backup) {
        const ids = backupIdentities(plans.backup, pgAccess, store, d.namePrefix);
        new PostgresBackupContainers(
            "backup",
            {
                plan: plans.backup,
                namePrefix: d.namePrefix,
                networkName: network.name,
                images: { postgres: cfg.images.postgres, upload: cfg.images.backup },
                target: { pgHost: pgServer.host, pgPort: pgServer.port, sslMode: "disable", s3Endpoint: pulumi.interpolate`http://${rustfs.host}:${rustfs.port}`, s3Region: cfg.objectStore.region },
                pgPassword: ids.role.password,
                s3: ids.storage.writer!,
            },
            on,
        );
        backup = ids.output;
    }
    return { postgres: pgAccess.postgres, postgresMigrator: pgAccess.postgresMigrator, ...valkey, objectStore: store.services, ...nats, ...(backup && { backup }) };
}
