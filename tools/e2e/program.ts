/**
 * The e2e stack's program: the external profile's PostgreSQL and Valkey layers composed exactly
 * as stacks/deploy.ts does, config read once by readStackConfig(). Object storage is left out:
 * its providers (aws, minio) cannot be built here (see tools/e2e/README.md).
 */
import { readStackConfig } from "../../stacks/config";
import { deployPostgres } from "../../stacks/layers/postgres";
import { deployValkey } from "../../stacks/layers/valkey";
import { createPlatform } from "../../stacks/platform";

export = async () => {
    const { config, secrets } = readStackConfig();
    if (config.profile !== "external") throw new Error(`tools/e2e/program.ts: expected profile external, got ${config.profile}`);
    const platform = createPlatform(config);
    const postgres = deployPostgres(config, secrets, platform);
    const valkey = deployValkey(config, secrets, platform);
    // How this program was compiled, so the runner can check `pulumi up` ran ts-node transpile-only.
    const tsNode = (process as unknown as Record<symbol, { options?: { swc?: boolean; transpileOnly?: boolean } } | undefined>)[Symbol.for("ts-node.register.instance")]?.options;
    return { postgres: postgres.services, valkey: valkey.services, tsNode: { swc: tsNode?.swc === true, transpileOnly: tsNode?.transpileOnly === true } };
};
