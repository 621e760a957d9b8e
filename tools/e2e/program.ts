/**
 * The e2e stack's program: an existing-servers profile's PostgreSQL and Valkey layers, composed
 * by the same functions stacks/platforms/none.ts uses, from config read once and plans computed
 * once. Object storage is left out: its providers (aws, minio) cannot be built here (README).
 */
import { readStackConfig } from "../../stacks/config";
import { existingPostgres, existingValkey, Input } from "../../stacks/platforms/none";
import { planStack } from "../../stacks/plans";
import { PROFILES } from "../../stacks/profiles";

export = async () => {
    const input = readStackConfig();
    if (PROFILES[input.profile].platform !== "none") throw new Error(`tools/e2e/program.ts: expected a profile on existing servers, got ${input.profile}`);
    const plans = planStack(input.config);
    const postgres = existingPostgres(input as Input, plans);
    const valkey = existingValkey(input as Input, plans);
    // How this program was compiled, so the runner can check `pulumi up` ran ts-node transpile-only.
    const tsNode = (process as unknown as Record<symbol, { options?: { swc?: boolean; transpileOnly?: boolean } } | undefined>)[Symbol.for("ts-node.register.instance")]?.options;
    return { postgres: postgres.postgres, migrator: postgres.postgresMigrator, valkey: valkey.valkey, tsNode: { swc: tsNode?.swc === true, transpileOnly: tsNode?.transpileOnly === true } };
};
