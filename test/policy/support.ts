/**
 * Builders for policy tests: hand-made subjects, and subjects from an offline stack evaluation
 * (the same shape the policy engine gives the pack, with retainOnDelete known as well).
 */
import type { Evaluation } from "../../tools/offline/evaluate";
import type { Props, Subject } from "../../policy/subject";

export function subject(type: string, props: Props, more: Partial<Subject> = {}): Subject {
    return { type, name: more.name ?? "r", urn: more.urn, props, opts: more.opts ?? { protect: false }, provider: more.provider, propertyDependencies: more.propertyDependencies };
}

/** Every recorded resource as the engine would present it (inputs with secrets in clear). */
export function subjectsOf(ev: Evaluation): Subject[] {
    const providers = new Map(ev.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.name, r]));
    return ev.resources.map((r) => {
        const provider = r.provider ? providers.get(r.provider) : undefined;
        return {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: r.rawInputs,
            opts: { protect: r.protect, retainOnDelete: r.retainOnDelete },
            provider: provider ? { type: provider.type, props: provider.rawInputs } : undefined,
        };
    });
}

export const DIGEST = "a".repeat(64);
export const MIRROR = "registry.example.internal:5000";

/** A StatefulSet whose pod runs the given containers (pod-level security context optional). */
export function statefulSet(containers: Props[], podSecurity: Props = { runAsNonRoot: true, runAsUser: 999 }, init: Props[] = []): Subject {
    return subject("kubernetes:apps/v1:StatefulSet", { spec: { template: { spec: { securityContext: podSecurity, containers, initContainers: init } } } });
}

export const goodContainer = (over: Props = {}): Props => ({
    name: "db",
    image: `${MIRROR}/library/postgres@sha256:${DIGEST}`,
    resources: { limits: { cpu: "1", memory: "1Gi" } },
    ...over,
});
