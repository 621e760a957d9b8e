/**
 * Major engine version changes of managed databases, found offline. Such a change is not a
 * replacement but an in-place upgrade with an outage and no way back except a snapshot restore
 * (RDS needs `allowMajorVersionUpgrade` and a parameter group of the new family; a downgrade is
 * refused), so a reviewer must see it as prominently as a replacement.
 */

/** Types with an engine version, and the input naming the engine (which decides what "major" is). */
const ENGINE_VERSION: Readonly<Record<string, { readonly version: string; readonly engine: string }>> = {
    "aws:rds/instance:Instance": { version: "engineVersion", engine: "engine" },
    "aws:elasticache/replicationGroup:ReplicationGroup": { version: "engineVersion", engine: "engine" },
};

/**
 * The major part of a version as numbers: PostgreSQL 10 and later, Valkey and Redis count the
 * first number (17.4 → [17]); PostgreSQL before 10 and MySQL the first two (9.6.5 → [9, 6]).
 * Undefined when the version is not numeric.
 */
export function majorOf(engine: unknown, version: unknown): number[] | undefined {
    if (typeof version !== "string" || !/^\d+(\.\d+)*/.test(version)) return undefined;
    const parts = version.split(".").map((p) => parseInt(p, 10)).filter((n) => !Number.isNaN(n));
    const two = (engine === "postgres" && parts[0] < 10) || engine === "mysql" || engine === "mariadb";
    return parts.slice(0, two ? 2 : 1);
}

function compare(a: readonly number[], b: readonly number[]): number {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const d = (a[i] ?? 0) - (b[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

export interface EngineChange {
    readonly kind: "upgrade" | "downgrade";
    /** The input holding the version, e.g. `engineVersion`. */
    readonly key: string;
    readonly from: string;
    readonly to: string;
}

/** A major version change between two plans' inputs of one resource, if any. */
export function engineChange(type: string, before: Record<string, unknown>, after: Record<string, unknown>): EngineChange | undefined {
    const at = ENGINE_VERSION[type];
    if (!at) return undefined;
    const from = majorOf(before[at.engine], before[at.version]);
    const to = majorOf(after[at.engine], after[at.version]);
    if (!from || !to) return undefined;
    const d = compare(to, from);
    if (d === 0) return undefined;
    return { kind: d > 0 ? "upgrade" : "downgrade", key: at.version, from: String(before[at.version]), to: String(after[at.version]) };
}
