/**
 * Config errors as people read them: `stellaops:<key path>: <what was expected>, got <value>`.
 * A key the profile does not read says which profile does; an unknown key gets the closest
 * known one as a suggestion.
 */
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";
import { PROFILES, PROFILE_NAMES, ProfileName, SECRET_KEYS } from "../profiles";
import { FIELDS, FIELD_SECTIONS, FieldSection } from "./schema";

export const NAMESPACE = "stellaops";

/** A configuration error: every problem, one per line, each naming its key. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid stack configuration:\n  ${problems.join("\n  ")}`);
        this.name = "ConfigError";
    }
}

export function keyPath(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path.map(String);
    const tail = rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");
    return `${NAMESPACE}:${head ?? "<root>"}${tail}`;
}

function describe(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The closest candidate within a small edit distance, as ` (did you mean "x"?)`, or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
    if (candidates.length === 0) return "";
    const best = closest(word, [...candidates]);
    const limit = Math.max(2, Math.floor(best.length / 3));
    return distance(word.toLowerCase(), best.toLowerCase()) <= limit ? ` (did you mean "${best}"?)` : "";
}

function profilesReading(section: string, key?: string): ProfileName[] {
    return PROFILE_NAMES.filter((n) => {
        const keys = (PROFILES[n].keys as Record<string, readonly string[] | undefined>)[section];
        return keys !== undefined && (key === undefined || keys.includes(key));
    });
}

/** Why a key is not accepted: another profile reads it, or it exists nowhere (with a suggestion). */
function unknownKey(profile: ProfileName | undefined, path: readonly PropertyKey[], key: string): string {
    const at = keyPath([...path, key]);
    if (path.length === 0) {
        if ((SECRET_KEYS as readonly string[]).includes(key)) return `${at}: not used by the ${profile} profile`;
        const readers = profilesReading(key);
        if (readers.length > 0) return `${at}: not used by the ${profile} profile (read by ${readers.join(", ")})`;
        return `${at}: unknown key${didYouMean(key, ["profile", ...FIELD_SECTIONS, "services", ...SECRET_KEYS])}`;
    }
    const section = String(path[0]);
    if (path.length === 1 && FIELD_SECTIONS.includes(section as FieldSection)) {
        const readers = profilesReading(section, key);
        if (readers.length > 0) return `${at}: not used by the ${profile} profile (read by ${readers.join(", ")})`;
        return `${at}: unknown key${didYouMean(key, Object.keys(FIELDS[section as FieldSection]))}`;
    }
    return `${at}: unknown key`;
}

export function formatIssue(issue: z.core.$ZodIssue, profile: ProfileName | undefined): string {
    if (issue.code === "unrecognized_keys") return issue.keys.map((k) => unknownKey(profile, issue.path, k)).join("\n  ");
    if (issue.code === "invalid_union") {
        return `${keyPath(["profile"])}: expected one of ${PROFILE_NAMES.join(", ")}, got ${describe((issue.input as Record<string, unknown> | undefined)?.profile)}`;
    }
    // A record key that breaks its rule: the key's own message.
    const text = issue.code === "invalid_key" && issue.issues[0] ? issue.issues[0].message : issue.message;
    if (text.startsWith("not used")) return `${keyPath(issue.path)}: ${text}`;
    const message = text.startsWith("expected") ? text : `expected ${text.replace(/^Invalid input: expected /, "")}`;
    return `${keyPath(issue.path)}: ${message}, got ${describe(issue.input)}`;
}
