/**
 * Every rule of the StellaOps policy pack, as pure functions over (type, props, opts). index.ts
 * wires them into a PolicyPack; tests call them directly and over whole offline stacks.
 */
import { elastiCacheEncrypted, noPublicObjectStorage, publicAccessBlock, rdsEncrypted } from "./aws-rules";
import { airgapImages, nonRootWithLimits } from "./kubernetes-rules";
import { ResourceRule, StackRule, appliesTo } from "./rule";
import { STATEFUL_TYPES, isStatefulResource } from "./stateful";
import { PackConfig, Subject, Violation, strings } from "./subject";

export const statefulProtected: ResourceRule = {
    name: "stateful-resources-protected",
    description: "Resources that hold data or guard it (databases, schemas, login roles, volumes, StatefulSets, namespaces, RDS, caches, buckets with their versioning and object lock) are protected.",
    // retainOnDelete is not visible to policies in @pulumi/policy 1.21; the stack tests check it.
    remediation: "Create it with { protect: true, retainOnDelete: true }; to really delete it, unprotect it first in a reviewed change.",
    types: [...STATEFUL_TYPES],
    check: (s) => (s.opts.protect || !isStatefulResource(s.type, s.props) ? [] : [`${s.type} holds data but is not protected: expected protect true`]),
};

const NATS = /nats/i;

export const natsOnlyWhenEnabled: ResourceRule = {
    name: "nats-only-when-enabled",
    description: "No NATS resource or setting exists unless the stack enables NATS (policy config natsEnabled).",
    remediation: "Enable NATS in the stack config (stellaops:nats.enabled) and set natsEnabled in the stack's policy config, or remove the resource.",
    configSchema: {
        properties: {
            natsEnabled: { type: "boolean", default: false, description: "True when the stack sets stellaops:nats.enabled." },
        },
    },
    check: (s, config) => {
        if (config.natsEnabled === true) return [];
        if (NATS.test(s.type) || NATS.test(s.name)) return [`${s.type} ${s.name} is a NATS resource but NATS is disabled: expected none`];
        const mention = strings(s.props).find((v) => NATS.test(v));
        return mention === undefined ? [] : [`an input mentions NATS ("${mention.slice(0, 80)}") but NATS is disabled: expected no NATS setting`];
    },
};

export const RESOURCE_RULES: readonly ResourceRule[] = [
    statefulProtected,
    airgapImages,
    nonRootWithLimits,
    noPublicObjectStorage,
    rdsEncrypted,
    elastiCacheEncrypted,
    natsOnlyWhenEnabled,
];

export const STACK_RULES: readonly StackRule[] = [publicAccessBlock];

/** Runs every rule over a stack's resources, the way the policy engine would. */
export function evaluateRules(subjects: readonly Subject[], config: PackConfig = {}): Violation[] {
    const out: Violation[] = [];
    for (const s of subjects) {
        for (const rule of RESOURCE_RULES) {
            if (!appliesTo(rule, s.type)) continue;
            for (const message of rule.check(s, config)) out.push({ policy: rule.name, resource: `${s.type} ${s.name}`, message });
        }
    }
    for (const rule of STACK_RULES) {
        for (const f of rule.checkStack(subjects, config)) out.push({ policy: rule.name, resource: f.name, message: f.message });
    }
    return out;
}

/** Policy config files (policy/config/<stack>.json) are keyed by policy name; rules read one flat bag. */
export function flattenConfig(file: Readonly<Record<string, unknown>>): PackConfig {
    const out: Record<string, unknown> = {};
    for (const v of Object.values(file)) if (v && typeof v === "object") Object.assign(out, v);
    delete out.enforcementLevel;
    return out as PackConfig;
}
