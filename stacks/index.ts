/**
 * Pulumi entry point: read and validate the `stellaops` config once, compute every plan once
 * (nothing is registered when either fails), load only the profile's platform module, deploy,
 * and export what every service needs to connect.
 */
import { readStackConfig } from "./config";
import type { Deployed } from "./layers/types";
import { StackOutputs, serviceConnections } from "./outputs";
import { planStack } from "./plans";
import { PROFILES } from "./profiles";
import { loadPlatform } from "./platforms";

export = async (): Promise<StackOutputs> => {
    const input = readStackConfig();
    const plans = planStack(input.config);
    const platform = loadPlatform(PROFILES[input.profile].platform);
    const deployed: Deployed = await platform.deploy(input as never, plans);
    const services = serviceConnections(plans.catalog, deployed, plans.transport);
    deployed.publish?.(services);
    const op = deployed.natsOperator;
    return {
        profile: input.profile,
        services,
        ...(deployed.postgresMigrator && { postgresMigrator: deployed.postgresMigrator }),
        ...(deployed.valkeyOperator && { valkeyOperator: deployed.valkeyOperator }),
        ...(deployed.backup && { backup: deployed.backup }),
        ...(op && { nats: { operator: { user: op.user, password: op.password }, ...(op.accountsConf && { accountsConf: op.accountsConf }) } }),
    };
};
