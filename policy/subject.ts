/**
 * What a rule sees of one resource, whether it comes from the policy engine (`pulumi preview
 * --policy-pack policy`) or from an offline recording (tests). Rules are pure functions over it.
 */

export type Props = Readonly<Record<string, unknown>>;

export interface Subject {
    /** Pulumi type token, e.g. `aws:s3/bucket:Bucket`. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    readonly urn?: string;
    /** Inputs as the engine holds them (secrets in clear inside the policy engine). */
    readonly props: Props;
    readonly opts: {
        readonly protect: boolean;
        /** Known offline only: @pulumi/policy 1.21 does not expose retainOnDelete to policies. */
        readonly retainOnDelete?: boolean;
    };
    /** The explicit provider, when the resource has one. */
    readonly provider?: { readonly type: string; readonly props: Props };
    /** URNs each input came from (stack rules only): links a resource to the one it configures. */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** How an input not yet known during preview is shown to rules (as in the offline plan). */
export const UNKNOWN = "[unknown]";

/** Policy configuration, flattened over the policies that read it. */
export interface PackConfig {
    /** `stellaops:nats.enabled` of the stack: NATS resources are allowed only when true. */
    readonly natsEnabled?: boolean;
    /** The air-gapped mirror (`stellaops:kubernetes.mirrorRegistry`); every image must come from it. */
    readonly mirrorRegistry?: string;
}

export interface Violation {
    readonly policy: string;
    readonly resource: string;
    readonly message: string;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** A nested record (or an empty one), so rules read deep props without guards at every step. */
export function rec(v: unknown): Props {
    return isRecord(v) ? v : {};
}

export function list(v: unknown): readonly unknown[] {
    return Array.isArray(v) ? v : [];
}

/**
 * Provider props and some inputs (bucket policies) arrive as JSON text: provider config is
 * string-typed on the wire, policies may be passed as documents or as strings.
 */
export function parsed(v: unknown): unknown {
    if (typeof v !== "string") return v;
    const t = v.trim();
    if (!t.startsWith("{") && !t.startsWith("[")) return v;
    try {
        return JSON.parse(t);
    } catch {
        return v;
    }
}

/** Every string anywhere inside a value. */
export function strings(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.flatMap(strings);
    if (isRecord(v)) return Object.values(v).flatMap(strings);
    return [];
}
