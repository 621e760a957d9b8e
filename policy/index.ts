/**
 * The StellaOps policy pack: `pulumi preview --policy-pack policy [--policy-pack-config
 * policy/config/<stack>.json]`. Every rule is mandatory; the rules live in rules.ts as pure
 * functions so tests run them without the engine.
 */
import { PolicyPack } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "./engine";
import { RESOURCE_RULES, STACK_RULES } from "./rules";

new PolicyPack("stellaops-deps", {
    description: "StellaOps dependency layer guardrails: data protected, nothing public, encryption on, air-gapped images pinned, NATS only when enabled.",
    enforcementLevel: "mandatory",
    policies: [...RESOURCE_RULES.map(resourcePolicy), ...STACK_RULES.map(stackPolicy)],
});
