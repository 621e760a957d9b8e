/**
 * What every plan reports when its input is wrong: the path of the option (relative to its
 * config section), what was expected, what was given. The stack turns them into config errors
 * (`stellaops:<section>.<path>: expected ..., got ...`) before anything is registered.
 */

export interface Problem {
    readonly path: readonly (string | number)[];
    /** Starts with "expected". */
    readonly message: string;
    readonly input: unknown;
}

export class PlanError extends Error {
    /** `section`: the config section the paths are relative to ("" when they are absolute). */
    constructor(
        readonly section: string,
        readonly problems: readonly Problem[],
    ) {
        super(`invalid ${section || "stack"} options:\n  ${problems.map((p) => `${[section, ...p.path].filter((s) => s !== "").join(".")}: ${p.message}, got ${JSON.stringify(p.input) ?? "nothing"}`).join("\n  ")}`);
        this.name = "PlanError";
    }
}

/** Collects problems; `need` adds one when a condition fails. */
export class Problems {
    readonly list: Problem[] = [];
    need(ok: boolean, path: readonly (string | number)[], message: string, input: unknown): boolean {
        if (!ok) this.list.push({ path, message, input });
        return ok;
    }
    /** Throws a PlanError for `section` when anything was collected. */
    throwIfAny(section: string): void {
        if (this.list.length > 0) throw new PlanError(section, this.list);
    }
}
