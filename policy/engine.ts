/**
 * Adapts what the policy engine hands a policy into the plain `Subject` the rules read, and the
 * rules into @pulumi/policy policies. Kept apart from index.ts, which starts the analyzer server
 * when loaded, so tests can import this.
 */
import type { PolicyConfigSchema, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ResourceRule, StackRule, appliesTo } from "./rule";
import { PackConfig, Props, Subject, UNKNOWN, isRecord } from "./subject";

/**
 * A deep plain copy of engine props. During preview the engine's proxy throws on any value not
 * yet known; those become "[unknown]" so one computed input does not stop every rule reading
 * the others (a rule that needs that value still fails it).
 */
export function plain(value: unknown): unknown {
    if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => plain(read(value, i)));
    if (isRecord(value)) {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value)) out[k] = plain(read(value, k));
        return out;
    }
    return value;
}

function read(obj: object, key: string | number): unknown {
    try {
        return (obj as Record<string | number, unknown>)[key];
    } catch {
        return UNKNOWN;
    }
}

const plainProps = (v: unknown): Props => (plain(v) ?? {}) as Props;

/** The fields both the per-resource and the stack-level callbacks hand over alike. */
type EngineResource = Pick<ResourceValidationArgs, "type" | "name" | "urn" | "props" | "provider" | "opts">;

function baseSubject(r: EngineResource): Subject {
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: plainProps(r.props),
        opts: { protect: r.opts.protect },
        provider: r.provider ? { type: r.provider.type, props: plainProps(r.provider.props) } : undefined,
    };
}

export function subjectFromArgs(args: ResourceValidationArgs): Subject {
    return baseSubject(args);
}

export function subjectFromResource(r: PolicyResource): Subject {
    const deps: Record<string, string[]> = {};
    for (const [k, rs] of Object.entries(r.propertyDependencies ?? {})) deps[k] = rs.map((d) => d.urn);
    return { ...baseSubject(r), propertyDependencies: deps };
}

const common = (rule: ResourceRule | StackRule) => ({
    name: rule.name,
    description: rule.description,
    remediationSteps: rule.remediation,
    enforcementLevel: "mandatory" as const,
    configSchema: rule.configSchema as PolicyConfigSchema | undefined,
});

export function resourcePolicy(rule: ResourceRule): ResourceValidationPolicy {
    return {
        ...common(rule),
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            if (!appliesTo(rule, args.type)) return;
            for (const m of rule.check(subjectFromArgs(args), args.getConfig<PackConfig>())) report(m);
        },
    };
}

export function stackPolicy(rule: StackRule): StackValidationPolicy {
    return {
        ...common(rule),
        validateStack: (args, report) => {
            for (const f of rule.checkStack(args.resources.map(subjectFromResource), args.getConfig<PackConfig>())) report(f.message, f.urn);
        },
    };
}
