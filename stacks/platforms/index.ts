/**
 * Platform modules, loaded on demand: a stack imports only its own platform's SDKs (the AWS and
 * Kubernetes SDKs each take about a second to load). `require`, not `import()`: the program is
 * CommonJS, and a dynamic import() would go through Node's ESM loader, which cannot load .ts.
 */
import type { StackInput } from "../config";
import type { Deployed } from "../layers/types";
import type { StackPlans } from "../plans";
import type { PlatformKind } from "../profiles";

export interface PlatformModule {
    deploy(input: StackInput, plans: StackPlans): Deployed | Promise<Deployed>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const MODULES: Record<PlatformKind, () => PlatformModule> = {
    docker: () => require("./docker") as PlatformModule,
    kubernetes: () => require("./kubernetes/index") as PlatformModule,
    aws: () => require("./aws") as PlatformModule,
    none: () => require("./none") as PlatformModule,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export function loadPlatform(kind: PlatformKind): PlatformModule {
    return MODULES[kind]();
}
