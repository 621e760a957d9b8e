/**
 * Renders plan diffs as one pull-request comment: stateful warnings first in bold, then the other
 * replacements the provider would do (restarts, recreated ConfigMaps), a summary table, then per
 * stack the resources grouped by type, multi-line values as line diffs. When the text would pass
 * GitHub's comment limit it is summarised step by step (shorter line diffs, input paths, names,
 * counts), always keeping the warnings.
 */
import type { PlanDiff, PlanResource, Replacement, ResourceChange, StatefulWarning, ValueChange } from "./diff";
import { code, fenced, inline, isMultiline, valueDiff } from "./values";

export { code };

/** Hidden marker the workflow uses to find and update its own comment. */
export const MARKER = "<!-- stellaops-plan-diff -->";
/** GitHub refuses comment bodies longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65536;
/** Diff lines shown per value at full detail; the rest is counted. */
export const DIFF_LINES = 60;
/** Once the comment is summarised: one line of context, and enough lines for a hunk or two. */
const SHORT = { lines: 8, context: 1 };

export interface StackReport {
    readonly stack: string;
    /** Absent when the stack could not be diffed (see note). */
    readonly diff?: PlanDiff;
    /** Shown under the stack's heading, e.g. "no plan at the base: everything shows as added". */
    readonly note?: string;
}

export interface RenderOptions {
    /** The git ref the working tree is compared with. */
    readonly base: string;
    /** Maximum length of the whole comment; defaults to GitHub's limit minus a margin. */
    readonly limit?: number;
    /** Diff lines per value at full detail (default DIFF_LINES; Infinity for all). */
    readonly diffLines?: number;
}

/** 0 full, 1 short line diffs, 2 input paths without values, 3 resource names, 4 counts per type, 5 totals only. */
export type Detail = 0 | 1 | 2 | 3 | 4 | 5;
const DETAIL_NAMES = ["full", "short line diffs", "input paths only", "resource names only", "counts per type", "totals only"];
const FULL_HINT = "`npm run --silent plan:diff -- --full`";

/** One changed input as list lines: `path`: before → after, or a line diff under it. */
function change(c: ValueChange, detail: Detail, fullLines: number): string[] {
    const path = `${code(c.path || "(root)")}${c.label ? ` (${code(c.label)})` : ""}`;
    if (detail >= 2) return [`- ${path}`];
    if (c.secret) return [`- ${path}: [secret] changed`];
    if (!isMultiline(c.before, c.after)) {
        const [b, a] = inline(c.before, c.after);
        return [`- ${path}: ${b} → ${a}`];
    }
    const [maxLines, context] = detail === 0 ? [fullLines, undefined] : [SHORT.lines, SHORT.context];
    const d = valueDiff(c.before, c.after, Number.isFinite(maxLines) ? maxLines : undefined, context);
    const more = d.omitted > 0 ? [`  _…${d.omitted} more diff lines: ${FULL_HINT}_`] : [];
    return [`- ${path}: +${d.added} −${d.removed} lines`, ...fenced(d.lines, "  "), ...more];
}

const ACTION: Record<StatefulWarning["kind"], string> = {
    delete: "DELETE",
    replace: "REPLACE",
    downgrade: "MAJOR DOWNGRADE",
    upgrade: "MAJOR UPGRADE",
    rename: "RENAME",
    unprotect: "PROTECTION DROPPED",
};

/** What `pulumi up` would do about the warned resource, in one clause. */
function consequence(w: StatefulWarning): string {
    if (w.kind === "upgrade") return "upgraded in place: the server is down while it runs, and the only way back is restoring a snapshot; check extensions and clients against the new major first";
    if (w.kind === "downgrade") return "a managed engine cannot go back a major version: `pulumi up` fails; restore a snapshot into a new instance instead";
    if (w.kind === "rename") return "renamed in place: the data stays, every consumer of the old name must follow";
    if (w.kind === "unprotect") return "nothing stops the next change from deleting it";
    const what = w.kind === "delete" ? "the deletion" : "the replacement";
    if (w.protect) return `protected: \`pulumi up\` refuses ${what} until it is unprotected (\`pulumi state unprotect\`)`;
    if (w.retainOnDelete) return "retainOnDelete: Pulumi lets go of it and the data stays, unmanaged";
    return "its data is destroyed";
}

const keyList = (keys: readonly string[], detail?: string) => (keys.length ? ` (${keys.map(code).join(", ")}${detail ? ` ${detail}` : ""})` : "");

export function warningLine(stack: string, w: StatefulWarning): string {
    const alias = w.sameTypeAdded ? ` A ${code(w.type)} was added: if this is a rename, give it an \`aliases\` option.` : "";
    return `- **${code(stack)}: ${ACTION[w.kind]} ${code(w.type)} ${code(w.name)}${keyList(w.keys, w.detail)}**: ${consequence(w)}.${alias}`;
}

const NAMES_SHOWN = 3;

/** Replacements of one type for the same inputs (every grant of a renamed role) read as one line. */
export function replacementLines(stack: string, replacements: readonly Replacement[]): string[] {
    const groups = new Map<string, Replacement[]>();
    for (const r of replacements) {
        const k = JSON.stringify([r.type, r.keys]);
        const group = groups.get(k) ?? groups.set(k, []).get(k)!;
        group.push(r);
    }
    return [...groups.values()].map((rs) => {
        const [r] = rs;
        const names = rs.slice(0, NAMES_SHOWN).map((x) => code(x.name)).join(", ") + (rs.length > NAMES_SHOWN ? ` and ${rs.length - NAMES_SHOWN} more` : "");
        return `- ${code(stack)}: REPLACE ${code(r.type)} ${names}${keyList(r.keys)}: ${r.effect ?? "deleted and created again"}.`;
    });
}

function counts(d: PlanDiff): string {
    return `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`;
}

interface TypeGroup {
    added: PlanResource[];
    removed: PlanResource[];
    changed: ResourceChange[];
}

function byType(d: PlanDiff): [string, TypeGroup][] {
    const groups = new Map<string, TypeGroup>();
    const group = (t: string) => groups.get(t) ?? groups.set(t, { added: [], removed: [], changed: [] }).get(t)!;
    for (const r of d.added) group(r.type).added.push(r);
    for (const r of d.removed) group(r.type).removed.push(r);
    for (const c of d.changed) group(c.type).changed.push(c);
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const indent = (lines: string[]) => lines.map((l) => `  ${l}`);

function stackBody(d: PlanDiff, detail: Detail, maxLines: number): string[] {
    const lines: string[] = [];
    for (const [type, g] of byType(d)) {
        if (detail === 4) {
            lines.push(`- ${code(type)}: ${[g.added.length && `${g.added.length} added`, g.removed.length && `${g.removed.length} removed`, g.changed.length && `${g.changed.length} changed`].filter(Boolean).join(", ")}`);
            continue;
        }
        lines.push("", `**${code(type)}**`);
        for (const r of g.added) lines.push(`- ➕ ${code(r.name)}${r.protect ? " (protected)" : ""}`);
        for (const r of g.removed) lines.push(`- ➖ ${code(r.name)}${r.protect ? " (protected)" : ""}`);
        for (const c of g.changed) {
            lines.push(`- ✏️ ${code(c.name)}${c.replace.length ? ` 🔁 **replaced**${keyList(c.replace)}` : ""}`);
            if (detail <= 2) for (const x of [...c.inputs, ...c.options]) lines.push(...indent(change(x, detail, maxLines)));
        }
    }
    if (d.outputs.length > 0 && detail <= 3) {
        lines.push("", "**stack outputs**");
        for (const o of d.outputs) lines.push(...change(o, detail === 3 ? 2 : detail, maxLines));
    }
    return lines;
}

interface Notices {
    readonly risks: readonly string[];
    readonly replaced: readonly string[];
}

function render(reports: readonly StackReport[], opts: RenderOptions, detail: Detail, notices: Notices): string {
    const out = [MARKER, `### Offline plan diff against ${code(opts.base)}`, ""];
    if (notices.risks.length > 0) out.push("**⚠️ Stateful resources at risk**", "", ...notices.risks, "");
    if (notices.replaced.length > 0) out.push("**🔁 Replaced by the provider** (deleted and created again; no data held)", "", ...notices.replaced, "");
    out.push("| stack | added | removed | changed |", "| --- | ---: | ---: | ---: |");
    for (const r of reports) {
        const d = r.diff;
        out.push(d ? `| ${r.stack} | ${d.added.length} | ${d.removed.length} | ${d.changed.length} |` : `| ${r.stack} | ? | ? | ? |`);
    }
    const maxLines = opts.diffLines ?? DIFF_LINES;
    for (const r of reports) {
        if (detail === 5 && !r.note) continue;
        out.push("", `#### ${code(r.stack)}${r.diff ? `: ${counts(r.diff)}` : ""}`);
        if (r.note) out.push("", `_${r.note}_`);
        if (!r.diff || detail === 5) continue;
        const body = stackBody(r.diff, detail, maxLines);
        out.push(...(body.length > 0 ? body : ["", "No changes."]));
    }
    out.push("", "<sub>Evaluated offline under mocks (`npm run plan:diff`): provider-computed values and diffs are not visible here, and secret values never are; `pulumi preview` is authoritative.</sub>");
    if (detail > 0) out.push("", `_Summarised to fit a comment (${DETAIL_NAMES[detail]}). Run ${FULL_HINT.replace("--full", `--full --stack <name> --base ${opts.base}`)} for every detail._`);
    return out.join("\n") + "\n";
}

/** The lines of `lines` that fit in `room` characters (one newline each). */
function fitting(lines: readonly string[], room: number): string[] {
    const kept: string[] = [];
    for (const l of lines) {
        if (l.length + 1 > room) break;
        kept.push(l);
        room -= l.length + 1;
    }
    return kept;
}

/** The comment: as detailed as fits the limit; the warnings always stay (trimmed only if they alone overflow). */
export function renderReport(reports: readonly StackReport[], opts: RenderOptions): string {
    const limit = opts.limit ?? GITHUB_COMMENT_LIMIT - 1024;
    const notices: Notices = {
        risks: reports.flatMap((r) => (r.diff?.warnings ?? []).map((w) => warningLine(r.stack, w))),
        replaced: reports.flatMap((r) => replacementLines(r.stack, r.diff?.replacements ?? [])),
    };
    for (const detail of [0, 1, 2, 3, 4, 5] as Detail[]) {
        const text = render(reports, opts, detail, notices);
        if (text.length <= limit) return text;
    }
    // Even totals with every notice overflow: keep the stateful warnings that fit, then replacements.
    const more = (n: number, what: string) => (n > 0 ? [`- **…and ${n} more ${what}: run the diff locally.**`] : []);
    const worst = { risks: more(notices.risks.length, "stateful warnings"), replaced: more(notices.replaced.length, "replacements") };
    let room = limit - render(reports, opts, 5, worst).length;
    const risks = fitting(notices.risks, room);
    room -= risks.reduce((n, l) => n + l.length + 1, 0);
    const replaced = risks.length === notices.risks.length ? fitting(notices.replaced, room) : [];
    return render(reports, opts, 5, {
        risks: [...risks, ...more(notices.risks.length - risks.length, "stateful warnings")],
        replaced: [...replaced, ...more(notices.replaced.length - replaced.length, "replacements")],
    });
}
