/**
 * Renders plan diffs as one pull-request comment: stateful warnings first in bold, a summary
 * table, then per stack the resources grouped by type. When the text would pass GitHub's
 * comment limit it is summarised step by step (values, then input paths, then names, then
 * counts), always keeping the warnings.
 */
import type { PlanDiff, PlanResource, ResourceChange, StatefulWarning, ValueChange } from "./diff";

/** Hidden marker the workflow uses to find and update its own comment. */
export const MARKER = "<!-- stellaops-plan-diff -->";
/** GitHub refuses comment bodies longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65536;

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
}

/** 0 full, 1 input paths without values, 2 resource names, 3 counts per type, 4 totals only. */
export type Detail = 0 | 1 | 2 | 3 | 4;
const DETAIL_NAMES = ["full", "input paths only", "resource names only", "counts per type", "totals only"];
const VALUE_MAX = 200;

/** An inline code span that survives backticks inside the text. */
export function code(s: string): string {
    return s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function value(v: unknown): string {
    if (v === undefined) return "(none)";
    const s = JSON.stringify(v);
    return code(s.length > VALUE_MAX ? `${s.slice(0, VALUE_MAX)}…` : s);
}

function change(c: ValueChange, detail: Detail): string {
    const path = code(c.path || "(root)");
    if (detail >= 1) return path;
    if (c.secret) return `${path}: [secret] changed`;
    return `${path}: ${value(c.before)} → ${value(c.after)}`;
}

const ACTION: Record<StatefulWarning["kind"], string> = { delete: "DELETE", replace: "REPLACE", rename: "RENAME", unprotect: "PROTECTION DROPPED" };

/** What `pulumi up` would do about the warned resource, in one clause. */
function consequence(w: StatefulWarning): string {
    if (w.kind === "rename") return "renamed in place: the data stays, every consumer of the old name must follow";
    if (w.kind === "unprotect") return "nothing stops the next change from deleting it";
    const what = w.kind === "delete" ? "the deletion" : "the replacement";
    if (w.protect) return `protected: \`pulumi up\` refuses ${what} until it is unprotected (\`pulumi state unprotect\`)`;
    if (w.retainOnDelete) return "retainOnDelete: Pulumi lets go of it and the data stays, unmanaged";
    return "its data is destroyed";
}

export function warningLine(stack: string, w: StatefulWarning): string {
    const keys = w.keys.length ? ` (${w.keys.map(code).join(", ")})` : "";
    const alias = w.sameTypeAdded ? ` A ${code(w.type)} was added: if this is a rename, give it an \`aliases\` option.` : "";
    return `- **${code(stack)}: ${ACTION[w.kind]} ${code(w.type)} ${code(w.name)}${keys}**: ${consequence(w)}.${alias}`;
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

function stackBody(d: PlanDiff, detail: Detail): string[] {
    const lines: string[] = [];
    for (const [type, g] of byType(d)) {
        if (detail === 3) {
            lines.push(`- ${code(type)}: ${[g.added.length && `${g.added.length} added`, g.removed.length && `${g.removed.length} removed`, g.changed.length && `${g.changed.length} changed`].filter(Boolean).join(", ")}`);
            continue;
        }
        lines.push("", `**${code(type)}**`);
        for (const r of g.added) lines.push(`- ➕ ${code(r.name)}${r.protect ? " (protected)" : ""}`);
        for (const r of g.removed) lines.push(`- ➖ ${code(r.name)}${r.protect ? " (protected)" : ""}`);
        for (const c of g.changed) {
            lines.push(`- ✏️ ${code(c.name)}`);
            if (detail <= 1) for (const x of [...c.inputs, ...c.options]) lines.push(`  - ${change(x, detail)}`);
        }
    }
    if (d.outputs.length > 0 && detail <= 2) {
        lines.push("", "**stack outputs**");
        for (const o of d.outputs) lines.push(`- ${detail === 2 ? code(o.path) : change(o, detail)}`);
    }
    return lines;
}

function render(reports: readonly StackReport[], opts: RenderOptions, detail: Detail, warnings: string[]): string {
    const out = [MARKER, `### Offline plan diff against ${code(opts.base)}`, ""];
    if (warnings.length > 0) out.push("**⚠️ Stateful resources at risk**", "", ...warnings, "");
    out.push("| stack | added | removed | changed |", "| --- | ---: | ---: | ---: |");
    for (const r of reports) {
        const d = r.diff;
        out.push(d ? `| ${r.stack} | ${d.added.length} | ${d.removed.length} | ${d.changed.length} |` : `| ${r.stack} | ? | ? | ? |`);
    }
    for (const r of reports) {
        if (detail === 4 && !r.note) continue;
        out.push("", `#### ${code(r.stack)}${r.diff ? `: ${counts(r.diff)}` : ""}`);
        if (r.note) out.push("", `_${r.note}_`);
        if (!r.diff || detail === 4) continue;
        const body = stackBody(r.diff, detail);
        out.push(...(body.length > 0 ? body : ["", "No changes."]));
    }
    out.push("", "<sub>Evaluated offline under mocks (`npm run plan:diff`): provider-computed values and diffs are not visible here, and secret values never are; `pulumi preview` is authoritative.</sub>");
    if (detail > 0) out.push("", `_Summarised to fit a comment (${DETAIL_NAMES[detail]}). Run \`npm run --silent plan:diff -- --stack <name> --base ${opts.base}\` for every detail._`);
    return out.join("\n") + "\n";
}

/** The comment: as detailed as fits the limit; the warnings always stay (trimmed only if they alone overflow). */
export function renderReport(reports: readonly StackReport[], opts: RenderOptions): string {
    const limit = opts.limit ?? GITHUB_COMMENT_LIMIT - 1024;
    const warnings = reports.flatMap((r) => (r.diff?.warnings ?? []).map((w) => warningLine(r.stack, w)));
    for (const detail of [0, 1, 2, 3, 4] as Detail[]) {
        const text = render(reports, opts, detail, warnings);
        if (text.length <= limit) return text;
    }
    // Even totals with every warning overflow: keep the warnings that fit, then say how many more.
    const more = (n: number) => `- **…and ${n} more stateful warnings: run the diff locally.**`;
    let room = limit - render(reports, opts, 4, [more(warnings.length)]).length;
    const kept: string[] = [];
    for (const w of warnings) {
        if (w.length + 1 > room) break;
        kept.push(w);
        room -= w.length + 1;
    }
    return render(reports, opts, 4, [...kept, more(warnings.length - kept.length)]);
}
