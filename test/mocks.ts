/**
 * Mocha `require` file: installs the recording Pulumi mocks once, before any test file
 * imports a component or the stack program.
 */
import { installMocks } from "../tools/offline/recorder";

export const mochaHooks = {
    async beforeAll(): Promise<void> {
        await installMocks("stellaops-deps", "test");
    },
};
