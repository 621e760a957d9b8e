/**
 * How one changed input reads in the comment. A short scalar stays inline (`before` → `after`,
 * a long one shown around its first difference). Anything with lines (an uploaded valkey.conf, a
 * ConfigMap file, a rendered document, a JSON policy string, an object or array that changed as
 * a whole) becomes a unified line diff with context, so the reviewer sees the changed line and
 * not two identical prefixes. Secret values never reach this module: the caller prints
 * "[secret] changed" instead.
 */
import { structuredPatch } from "diff";
import { stringify } from "yaml";

/** Longest inline value (characters of its JSON) before it is windowed around the difference. */
export const INLINE_MAX = 200;
/** Unchanged lines shown around each change. */
export const CONTEXT_LINES = 3;

/** An inline code span that survives backticks inside the text. */
export function code(s: string): string {
    return s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function jsonText(s: string): string | undefined {
    const t = s.trim();
    if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
    try {
        return JSON.stringify(JSON.parse(t), null, 2) + "\n";
    } catch {
        return undefined;
    }
}

const hasLines = (v: unknown): boolean =>
    typeof v === "string" ? v.includes("\n") : v !== null && typeof v === "object" && Object.values(v).some(hasLines);

/**
 * The text a value is line-diffed as; undefined for a value that reads best inline (a scalar, or
 * a short object or array without multi-line strings).
 */
export function textOf(v: unknown): string | undefined {
    if (typeof v === "string") return v.includes("\n") ? v : v.length > INLINE_MAX ? jsonText(v) : undefined;
    if (v === null || typeof v !== "object") return undefined;
    if (!hasLines(v) && JSON.stringify(v).length <= INLINE_MAX) return undefined;
    return stringify(v, { lineWidth: 0 });
}

export interface LineDiff {
    /** Hunk headers and lines (` ` context, `-` removed, `+` added), at most `maxLines`. */
    readonly lines: readonly string[];
    /** Diff lines left out by `maxLines`. */
    readonly omitted: number;
    readonly added: number;
    readonly removed: number;
}

/** A unified diff of two texts (no file headers), cut after `maxLines` lines when given. */
export function lineDiff(before: string, after: string, maxLines?: number, context = CONTEXT_LINES): LineDiff {
    const patch = structuredPatch("before", "after", before, after, undefined, undefined, { context });
    const all = patch.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
    const count = (c: string) => all.filter((l) => l.startsWith(c) && !l.startsWith("@@")).length;
    const keep = maxLines === undefined ? all.length : Math.max(0, maxLines);
    return { lines: all.slice(0, keep), omitted: all.length - Math.min(keep, all.length), added: count("+"), removed: count("-") };
}

/** Whether a change is shown as a line diff rather than inline. */
export const isMultiline = (before: unknown, after: unknown): boolean => textOf(before) !== undefined || textOf(after) !== undefined;

/** Either side as diff text: its text form, a scalar on one line, or nothing when absent. */
function sideText(v: unknown): string {
    if (v === undefined) return "";
    return textOf(v) ?? `${typeof v === "string" ? v : JSON.stringify(v)}\n`;
}

/** `lineDiff` of two values (see `textOf` for how each is turned into text). */
export const valueDiff = (before: unknown, after: unknown, maxLines?: number, context?: number): LineDiff => lineDiff(sideText(before), sideText(after), maxLines, context);

/** Two inline values; long ones are cut to a window that starts just before their first difference. */
export function inline(before: unknown, after: unknown): [string, string] {
    const show = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));
    const [b, a] = [show(before), show(after)];
    let at = 0;
    while (b !== undefined && a !== undefined && at < Math.min(b.length, a.length) && b[at] === a[at]) at++;
    const start = Math.max(0, at - 40);
    const clip = (s: string | undefined) => {
        if (s === undefined) return "(none)";
        if (s.length <= INLINE_MAX) return code(s);
        const from = s.length - start > INLINE_MAX ? start : Math.max(0, s.length - INLINE_MAX);
        return code(`${from > 0 ? "…" : ""}${s.slice(from, from + INLINE_MAX)}${from + INLINE_MAX < s.length ? "…" : ""}`);
    };
    return [clip(b), clip(a)];
}

/** Markdown lines of a fenced `diff` block, indented to sit inside a list item. */
export function fenced(lines: readonly string[], indent: string): string[] {
    const longest = Math.max(0, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((r) => r.length)));
    const fence = "`".repeat(Math.max(3, longest + 1));
    return [`${indent}${fence}diff`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}
