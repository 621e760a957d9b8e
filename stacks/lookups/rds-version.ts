/**
 * The major version the RDS PostgreSQL instance runs now, read from AWS before the component is
 * built, so RdsPostgres allows (and applies) a major upgrade exactly when `postgres.version`
 * differs from it. An identifier with no instance is a first deploy: undefined. Any other error
 * (credentials, throttling) fails the run rather than guessing.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** The invoke this makes; tools/offline/mock-state.ts answers it with "not found". */
export const GET_RDS_INSTANCE = "aws:rds/getInstance:getInstance";

/** The part of `aws.rds.getInstance` the lookup uses; tests pass their own. */
export type GetRdsInstance = (args: { readonly dbInstanceIdentifier: string }, opts?: pulumi.InvokeOptions) => Promise<{ readonly engineVersion: string }>;

/**
 * How AWS and the provider say an identifier has no instance: the API error code, and the
 * provider's "no matching ... found" / "couldn't find resource" for a data source.
 */
const NOT_FOUND = /DBInstanceNotFound|no matching RDS DB Instance found|couldn't find resource/i;

export function isInstanceNotFound(e: unknown): boolean {
    return NOT_FOUND.test(e instanceof Error ? e.message : String(e));
}

/** "17.4" → "17": from PostgreSQL 10 on, the first number is the major version. */
export function postgresMajor(engineVersion: string): string {
    const m = /^(\d+)(?:\.(\d+))?/.exec(engineVersion);
    if (!m) throw new Error(`RDS reports engine version "${engineVersion}": expected a PostgreSQL version such as 17.4`);
    return Number(m[1]) >= 10 || m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`;
}

export interface RdsVersionLookup {
    /** RDS identifier of the instance (the component's `identifier`). */
    readonly identifier: string;
    /** Invoke options: the stack's AWS provider, so the lookup reads the same account and region. */
    readonly opts?: pulumi.InvokeOptions;
    /** @default aws.rds.getInstance */
    readonly getInstance?: GetRdsInstance;
}

/** The deployed major version for RdsPostgres's `deployedMajorVersion`; undefined before the first deploy. */
export async function deployedRdsMajorVersion(lookup: RdsVersionLookup): Promise<string | undefined> {
    const getInstance = lookup.getInstance ?? aws.rds.getInstance;
    try {
        const db = await getInstance({ dbInstanceIdentifier: lookup.identifier }, lookup.opts);
        return postgresMajor(db.engineVersion);
    } catch (e) {
        if (isInstanceNotFound(e)) return undefined;
        throw e;
    }
}
