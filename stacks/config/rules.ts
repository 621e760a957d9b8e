/**
 * Reusable zod rules whose messages say what was expected; the formatter in ./index.ts
 * adds the key path and the value that was given.
 */
import { z } from "zod";

export function int(min: number, max?: number) {
    const expected = max === undefined ? `expected an integer >= ${min}` : `expected an integer from ${min} to ${max}`;
    const rule = z.int({ error: expected }).min(min, { error: expected });
    return max === undefined ? rule : rule.max(max, { error: expected });
}

/** PostgreSQL identifiers we create unquoted: lowercase so they never need quoting. */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
export const identifier = z
    .string({ error: "expected a lowercase SQL identifier" })
    .regex(SQL_IDENTIFIER, { error: "expected a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)" });

/** A host name or IP address; rejects `postgres://db`, `db:5432` and paths. */
export const host = z
    .string({ error: "expected a host name or IP address" })
    .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:]+\]?$/, {
        error: "expected a host name or IP address without scheme, port or path",
    });

export const port = int(1, 65535);

export const bool = z.boolean({ error: "expected true or false" });

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    return z.enum(values, { error: `expected one of ${values.join(", ")}` });
}

/** Kubernetes quantities such as 512Mi or 20Gi (binary suffixes only, as PVC sizes use). */
export const quantity = z
    .string({ error: "expected a Kubernetes quantity such as 20Gi" })
    .regex(/^[1-9][0-9]*(Mi|Gi|Ti)$/, { error: "expected a Kubernetes quantity such as 512Mi or 20Gi" });

/** `repo:tag` or `repo@sha256:<64 hex>`; never an unpinned `latest`. */
export const image = z
    .string({ error: "expected a container image reference" })
    .regex(/^[a-z0-9][a-z0-9._\-/:]*(?::[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/, {
        error: "expected a pinned image reference (repository:tag or repository@sha256:<64 hex>)",
    })
    .refine((v) => !/:latest$/.test(v), { error: "expected a pinned image reference, not :latest" });

export const cidr = z
    .string({ error: "expected an IPv4 CIDR block" })
    .regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/, {
        error: "expected an IPv4 CIDR block such as 10.0.0.0/16",
    });

/** Quantity in MiB, for comparing sizes across sections (volume vs store limits). */
export function mebibytes(q: string): number {
    const m = /^([0-9]+)(Mi|Gi|Ti)$/.exec(q);
    if (!m) throw new Error(`not a quantity: ${q}`);
    return Number(m[1]) * { Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[m[2] as "Mi" | "Gi" | "Ti"];
}
