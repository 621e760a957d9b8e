/**
 * Pulumi entry point: read and validate the `stellaops` config once (nothing is registered when
 * it is invalid), then compose the profile's dependency layer.
 */
import { readStackConfig } from "./config";
import { deploy } from "./deploy";

export = async () => {
    const { config, secrets } = readStackConfig();
    return deploy(config, secrets);
};
