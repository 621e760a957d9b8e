/**
 * `npm run --silent plan -- --stack <name> [--format text|json]`: evaluates the stack offline
 * under mocks and prints its resource tree; secrets appear as "[secret]". Stable order, so two
 * commits' plans diff cleanly.
 */
import { evaluateStack, Evaluation } from "./offline/evaluate";
import { RecordedResource } from "./offline/recorder";
import { createHash } from "crypto";
import { UsageError, cliArgs, oneOf, runCli } from "./offline/cli";

export interface PlanJson {
    readonly stack: string;
    readonly resources: {
        type: string;
        name: string;
        parent: string | null;
        protect: boolean;
        retainOnDelete: boolean;
        dependsOn: readonly string[];
        inputs: Record<string, unknown>;
    }[];
    readonly outputs: Record<string, unknown>;
    /** Existing resources read (type, name, id), sorted. */
    readonly reads?: readonly { type: string; name: string; id: string }[];
}

/** A dynamic provider's serialized code is long and not reviewable: show its digest instead. */
function showInputs(inputs: Record<string, unknown>): Record<string, unknown> {
    if (typeof inputs.__provider !== "string") return inputs;
    const digest = createHash("sha256").update(inputs.__provider).digest("hex").slice(0, 16);
    return { ...inputs, __provider: `[serialized dynamic provider, sha256:${digest}]` };
}

/** Resources sorted by (parent chain, type, name) so unrelated edits do not reorder output. */
export function toPlanJson(ev: Evaluation): PlanJson {
    const resources = [...ev.resources]
        .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type))
        .map((r: RecordedResource) => ({
            type: r.type,
            name: r.name,
            parent: r.parent,
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            dependsOn: r.dependsOn,
            inputs: showInputs(r.inputs),
        }));
    const reads = [...ev.reads].map((r) => ({ type: r.type, name: r.name, id: r.id })).sort((a, b) => a.name.localeCompare(b.name));
    return { stack: ev.stack, resources, outputs: ev.shownOutputs, ...(reads.length > 0 && { reads }) };
}

function flags(r: PlanJson["resources"][number]): string {
    const f = [r.protect && "protect", r.retainOnDelete && "retainOnDelete", r.dependsOn.length > 0 && `dependsOn=${r.dependsOn.join(",")}`].filter(Boolean);
    return f.length ? `  [${f.join(" ")}]` : "";
}

/** An indented tree: children under their parent, key inputs one per line. */
export function toPlanText(plan: PlanJson): string {
    const byParent = new Map<string | null, PlanJson["resources"]>();
    for (const r of plan.resources) byParent.set(r.parent, [...(byParent.get(r.parent) ?? []), r]);
    const lines = [`stack ${plan.stack}: ${plan.resources.length} resources`];
    const walk = (parent: string | null, depth: number) => {
        for (const r of byParent.get(parent) ?? []) {
            const pad = "  ".repeat(depth);
            lines.push(`${pad}+ ${r.type} ${r.name}${flags(r)}`);
            for (const [k, v] of Object.entries(r.inputs)) {
                if (k === "__defaults") continue;
                lines.push(`${pad}    ${k}: ${JSON.stringify(v)}`);
            }
            walk(r.name, depth + 1);
        }
    };
    walk(null, 0);
    if (plan.reads?.length) {
        lines.push("reads (must exist before anything is created):");
        for (const r of plan.reads) lines.push(`  = ${r.type} ${r.name} (${r.id})`);
    }
    lines.push("outputs:");
    for (const l of JSON.stringify(plan.outputs, null, 2).split("\n")) lines.push(`  ${l}`);
    return lines.join("\n") + "\n";
}

const USAGE = "usage: npm run --silent plan -- --stack <name> [--format text|json]";

async function main(): Promise<string> {
    const { values } = cliArgs(USAGE, { stack: { type: "string" }, format: { type: "string", default: "text" } });
    const format = oneOf("format", values.format!, ["text", "json"] as const, USAGE);
    if (!values.stack) throw new UsageError(`--stack is required\n${USAGE}`);
    const plan = toPlanJson(await evaluateStack(values.stack));
    return format === "json" ? JSON.stringify(plan, null, 2) + "\n" : toPlanText(plan);
}

if (require.main === module) runCli(main);
