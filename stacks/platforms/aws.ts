/**
 * The aws platform: RDS PostgreSQL, ElastiCache (engine valkey) and S3 in an existing VPC,
 * reachable only from the StellaOps services' security groups or CIDRs. Loaded only by profiles
 * on this platform.
 */
import * as aws from "@pulumi/aws";
import type { AwsNetworkArgs } from "../../components/aws/security-group";
import { AwsServiceIdentities } from "../../components/objectstore/aws-identities";
import { RdsPostgres } from "../../components/postgres/aws";
import { ValkeyElastiCache } from "../../components/valkey/aws";
import type { StackInputFor } from "../config";
import { mebibytes } from "../config/rules";
import { createBuckets, storeConnections } from "../layers/objectstore";
import { adminAddress, postgresAccess } from "../layers/postgres";
import { valkeyConnections } from "../layers/valkey";
import type { Deployed } from "../layers/types";
import type { StackPlans } from "../plans";
import type { ProfilesOn } from "../profiles";
import { deployedRdsMajorVersion } from "../lookups/rds-version";

type Input = StackInputFor<ProfilesOn<"aws">>;

export async function deploy({ config: cfg }: Input, plans: StackPlans): Promise<Deployed> {
    const a = cfg.aws;
    const provider = new aws.Provider("aws", { region: a.region as aws.Region, defaultTags: { tags: { "stellaops:component": "deps" } } });
    const on = { providers: [provider] };
    const network: AwsNetworkArgs = { vpcId: a.vpcId, subnetIds: a.subnetIds, allowedCidrs: a.allowedCidrs, allowedSecurityGroupIds: a.allowedSecurityGroupIds, kmsKeyArn: a.kmsKeyArn };
    const pg = cfg.postgres;

    const identifier = `${a.namePrefix}-postgres`;
    // What runs now decides whether this `up` may upgrade the major version (RDS refuses otherwise).
    const deployedMajorVersion = await deployedRdsMajorVersion({ identifier, opts: { provider } });
    const rds = new RdsPostgres(
        "postgres",
        {
            identifier,
            deployedMajorVersion,
            version: pg.version ?? "17",
            instanceClass: pg.instanceClass,
            storageGb: Math.ceil(mebibytes(pg.storageSize) / 1024),
            multiAz: pg.multiAz,
            backupRetentionDays: pg.backupRetentionDays,
            ...network,
        },
        on,
    );
    // The RDS master user is never a superuser (it is a member of rds_superuser).
    const postgres = postgresAccess(plans.postgres, {
        host: rds.host,
        port: rds.port,
        admin: { ...adminAddress(pg, rds.host, rds.port), user: rds.masterUsername, password: rds.masterPassword, superuser: false },
        sslMode: pg.sslMode,
        ready: [rds.instance],
    }, plans.rotation);

    const cache = new ValkeyElastiCache("valkey", { plan: plans.valkey, namePrefix: a.namePrefix, nodeType: cfg.valkey.nodeType, replicas: cfg.valkey.replicas ?? 1, rotation: plans.rotation, ...network }, on);
    // Transit encryption is always on with ElastiCache.
    const valkey = valkeyConnections(plans.valkey, { reach: { endpoints: cache.endpoints }, passwords: cache.passwords, tls: true, operator: true });

    const buckets = createBuckets(plans.objectStore, "aws", provider, a.kmsKeyArn);
    const ids = new AwsServiceIdentities("objectstore-iam", { services: plans.objectStore.services, namePrefix: a.namePrefix, rotation: plans.rotation }, on);
    const objectStore = storeConnections(plans.objectStore, buckets, { endpoint: `https://s3.${a.region}.amazonaws.com`, region: a.region, forcePathStyle: false }, (s) => ids.credentials[s]!);
    return { ...postgres, ...valkey, objectStore };
}
