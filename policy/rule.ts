/**
 * The shape of a rule: a pure check over one resource (or the whole stack) returning violation
 * messages. policy/index.ts turns each into a @pulumi/policy policy; tests call `check` directly.
 */
import type { PackConfig, Subject } from "./subject";

/** JSON schema of a policy's configuration, as @pulumi/policy takes it. */
export interface ConfigSchema {
    readonly properties: Record<string, { readonly type: "string" | "boolean"; readonly default?: unknown; readonly description?: string }>;
}

interface RuleInfo {
    /** Policy name (unique in the pack; the key in policy config files). */
    readonly name: string;
    readonly description: string;
    /** What to do about a violation, shown by `pulumi preview`. */
    readonly remediation: string;
    readonly configSchema?: ConfigSchema;
}

export interface ResourceRule extends RuleInfo {
    /** Types the rule looks at; every resource when absent. */
    readonly types?: readonly string[];
    /** Violation messages for one resource (empty when it complies). */
    check(subject: Subject, config: PackConfig): string[];
}

export interface StackFinding {
    /** Logical name of the offending resource. */
    readonly name: string;
    readonly urn?: string;
    readonly message: string;
}

export interface StackRule extends RuleInfo {
    /** Findings over every resource of the stack (rules that relate resources to each other). */
    checkStack(subjects: readonly Subject[], config: PackConfig): StackFinding[];
}

export const appliesTo = (rule: ResourceRule, type: string): boolean => !rule.types || rule.types.includes(type);
