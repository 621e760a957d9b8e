/**
 * The one way this project makes a password: a RandomPassword (alphanumeric, so it is safe in
 * URLs, connection strings and config files without quoting rules) whose result is a secret
 * Output from the start. Rotation (components/rotation.ts) adds keepers, so raising a
 * generation replaces the password resource and nothing else, and, where a backend accepts two
 * credentials, a second slot that keeps the previous one valid until the next rotation.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { keepersFor, previousSlot, Slot, slots } from "./rotation";

/** The RandomPassword of one generation; without keepers at generation 0 (as before rotation existed). */
function randomPassword(name: string, generation: number, opts: pulumi.CustomResourceOptions | undefined, length: number): random.RandomPassword {
    const keepers = keepersFor(generation);
    return new random.RandomPassword(name, { length, special: false, ...(keepers && { keepers }) }, opts);
}

/** A generated password, as a secret Output; `opts.parent` makes it a component's child. */
export function generatedPassword(name: string, opts?: pulumi.CustomResourceOptions, length = 32, generation = 0): pulumi.Output<string> {
    return pulumi.secret(randomPassword(name, generation, opts, length).result);
}

/** A generated password and its bcrypt hash (NATS configs hold only the hash), both secret. */
export function generatedPasswordWithHash(name: string, opts?: pulumi.CustomResourceOptions, length = 32, generation = 0): { password: pulumi.Output<string>; bcryptHash: pulumi.Output<string> } {
    const pw = randomPassword(name, generation, opts, length);
    return { password: pulumi.secret(pw.result), bcryptHash: pulumi.secret(pw.bcryptHash) };
}

/** S3 root credentials of a server the stack runs: 20-character access key, 40-character secret. */
export function generatedRootKeys(name: string, opts?: pulumi.CustomResourceOptions): { accessKey: pulumi.Output<string>; secretKey: pulumi.Output<string> } {
    return { accessKey: generatedPassword(`${name}-access-key`, opts, 20), secretKey: generatedPassword(`${name}-secret-key`, opts, 40) };
}

/** Child name of a slot's resource: slot a keeps the name credentials had before rotation existed. */
export const slotName = (name: string, slot: Slot): string => (slot === "a" ? name : `${name}-b`);

/** The current password and, after the first rotation, the previous one (both secret). */
export interface SlotPasswords {
    readonly current: pulumi.Output<string>;
    /** Still accepted until the next rotation replaces its slot. */
    readonly previous?: pulumi.Output<string>;
}

/**
 * Two-slot passwords for backends that accept two at once: slot a (`name`, even generations)
 * and slot b (`<name>-b`, odd generations, created by the first rotation). Raising the
 * generation by one regenerates only the slot that held the one before the previous.
 */
export function slotPasswords(name: string, generation: number, opts?: pulumi.CustomResourceOptions, length = 32): SlotPasswords {
    const s = slots(generation);
    const made: Partial<Record<Slot, pulumi.Output<string>>> = { a: generatedPassword(slotName(name, "a"), opts, length, s.a) };
    if (s.b !== undefined) made.b = generatedPassword(slotName(name, "b"), opts, length, s.b);
    const prev = previousSlot(s);
    return { current: made[s.current]!, ...(prev && { previous: made[prev]! }) };
}
