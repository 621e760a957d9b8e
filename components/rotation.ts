/**
 * Credential rotation as plan data: a stack-wide epoch and a counter per service, each raised by
 * one per `pulumi up` that should rotate. A credential's generation is the epoch plus its
 * service's counter; credentials of no service (the migrator, Valkey's operator and probe, NATS's
 * system user) follow the epoch alone. Pure: components turn generations into RandomPassword
 * keepers, second passwords and key slots.
 *
 * Backends that accept two credentials at once (Valkey users, IAM and RustFS keys) keep them in
 * two slots: slot a holds the even generations, slot b the odd ones. The current credential is
 * in the slot of the current generation; the other slot keeps the previous credential, still
 * valid, until the next rotation replaces it. Generation 0 is exactly what a stack had before
 * rotation existed (slot a only, no keepers), so configuring nothing changes nothing.
 */
import type { Catalog } from "./catalog";
import { PlanError, Problems } from "./problems";

export interface RotationOptions {
    /** Rotates every generated credential of the stack when raised. @default 0 */
    readonly epoch?: number;
    /** Per catalog service: rotates that service's credentials when raised. @default {} */
    readonly services?: Readonly<Record<string, number>>;
}

export interface RotationPlan {
    readonly epoch: number;
    /** Counters of the services that have one (catalog services only). */
    readonly services: Readonly<Record<string, number>>;
}

/** Nothing rotated: every credential at generation 0. */
export const NO_ROTATION: RotationPlan = { epoch: 0, services: {} };

const counter = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 1_000_000;

/** Validates the counters against the catalog. Throws PlanError("rotation", ...). */
export function planRotation(opts: RotationOptions, catalog: Catalog): RotationPlan {
    const problems = new Problems();
    const epoch = opts.epoch ?? 0;
    problems.need(counter(epoch), ["epoch"], "expected an integer from 0 to 1000000 (raise it by one to rotate)", epoch);
    const names = catalog.services.map((s) => s.name);
    for (const [service, n] of Object.entries(opts.services ?? {})) {
        problems.need(names.includes(service), ["services", service], `expected a catalog service (${names.join(", ")})`, service);
        problems.need(counter(n), ["services", service], "expected an integer from 0 to 1000000 (raise it by one to rotate)", n);
    }
    problems.throwIfAny("rotation");
    return { epoch, services: { ...(opts.services ?? {}) } };
}

/** Generation of a service's credentials, or (no service) of the stack-wide ones. */
export function generationOf(rotation: RotationPlan | undefined, service?: string): number {
    if (!rotation) return 0;
    return rotation.epoch + (service !== undefined ? (rotation.services[service] ?? 0) : 0);
}

export type Slot = "a" | "b";

/** Which generation each slot holds, and which slot is current. */
export interface Slots {
    readonly current: Slot;
    /** Generation held by slot a (even). */
    readonly a: number;
    /** Generation held by slot b (odd); absent until the first rotation. */
    readonly b?: number;
}

export function slots(generation: number): Slots {
    if (!counter(generation)) throw new PlanError("rotation", [{ path: [], message: "expected a generation from 0 to 1000000", input: generation }]);
    if (generation % 2 === 0) return generation === 0 ? { current: "a", a: 0 } : { current: "a", a: generation, b: generation - 1 };
    return { current: "b", a: generation - 1, b: generation };
}

/** The slot holding the previous credential, when there is one. */
export function previousSlot(s: Slots): Slot | undefined {
    if (s.current === "a") return s.b === undefined ? undefined : "b";
    return "a";
}

/**
 * RandomPassword keepers for a generation: none at 0 (inputs stay what they were before rotation
 * existed), `{ generation }` after, so raising it makes the random provider replace the password.
 */
export function keepersFor(generation: number): { readonly generation: string } | undefined {
    return generation > 0 ? { generation: String(generation) } : undefined;
}
