/**
 * The schedule format of CNPG's ScheduledBackup: robfig/cron (v1) with a seconds field. CNPG
 * parses five fields without complaint but reads them as `sec min hour dom month`, so the
 * Kubernetes CronJob habit `0 2 * * *` would back up at minute 2 of every hour: six fields
 * (seconds first) or a descriptor are required here.
 */

const FIELDS = [
    { name: "seconds", min: 0, max: 59 },
    { name: "minutes", min: 0, max: 59 },
    { name: "hours", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31, any: true },
    { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
    { name: "day of week", min: 0, max: 6, any: true, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
] as const;

const DESCRIPTOR = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly|every ([0-9]+(\.[0-9]+)?(h|m|s|ms))+)$/;

type Field = (typeof FIELDS)[number];

function value(f: Field, token: string): number | undefined {
    const named = "names" in f ? (f.names as readonly string[]).indexOf(token.toUpperCase()) : -1;
    if (named >= 0) return f.min + named;
    if (!/^[0-9]+$/.test(token)) return undefined;
    const n = Number(token);
    return n >= f.min && n <= f.max ? n : undefined;
}

/** One comma-separated part: `*`, `?`, `a`, `a-b`, each optionally `/step`. */
function partOk(f: Field, part: string): boolean {
    const [range, step, extra] = part.split("/");
    if (extra !== undefined || (step !== undefined && !/^[1-9][0-9]*$/.test(step))) return false;
    if (range === "*" || (range === "?" && "any" in f)) return true;
    const [from, to, more] = range.split("-");
    if (more !== undefined) return false;
    const a = value(f, from);
    if (a === undefined) return false;
    if (to === undefined) return true;
    const b = value(f, to);
    return b !== undefined && a <= b;
}

/** Why `schedule` is not a six-field CNPG schedule ("expected ..."), or undefined when it is. */
export function cronProblem(schedule: string): string | undefined {
    const trimmed = schedule.trim();
    if (trimmed.startsWith("@")) return DESCRIPTOR.test(trimmed) ? undefined : "expected a cron descriptor such as @daily or @every 12h";
    const fields = trimmed.split(/\s+/);
    if (fields.length === 5) return "expected six fields with seconds first (CNPG reads five as `sec min hour dom month`): prepend 0, e.g. `0 0 2 * * *`";
    if (fields.length !== 6) return `expected six fields (seconds minutes hours day-of-month month day-of-week), got ${fields.length}`;
    const bad = fields.findIndex((token, i) => !token.split(",").every((part) => partOk(FIELDS[i], part)));
    if (bad < 0) return undefined;
    const f = FIELDS[bad];
    return `expected ${f.name} within ${f.min}-${f.max} (or *, lists, ranges, /steps), not ${JSON.stringify(fields[bad])}`;
}
