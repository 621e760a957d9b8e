/**
 * No import cycles in the Valkey layer (issue 14: plan.ts and validate.ts imported each other),
 * type-only imports included, and its pure modules import nothing from the Pulumi runtime.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const DIR = path.join(__dirname, "..", "..", "components", "valkey");
const PURE = ["options.ts", "validate.ts", "namespaces.ts", "acl.ts", "plan.ts", "render.ts", "render-local.ts", "connection-string.ts", "ha-plan.ts", "ha-render.ts", "ha-scripts.ts"];

/** Local imports of each file in the layer, as file names (./x -> x.ts). */
function graph(): Map<string, string[]> {
    const g = new Map<string, string[]>();
    for (const f of fs.readdirSync(DIR).filter((x) => x.endsWith(".ts"))) {
        const src = fs.readFileSync(path.join(DIR, f), "utf8");
        g.set(f, [...src.matchAll(/from "\.\/([^"]+)"/g)].map((m) => `${m[1]}.ts`));
    }
    return g;
}

describe("valkey module structure", () => {
    it("has no import cycle", () => {
        const g = graph();
        assert.ok(g.get("plan.ts")!.includes("validate.ts"), "the graph is read (plan imports validate)");
        const cycles: string[] = [];
        const visit = (f: string, stack: string[]) => {
            if (stack.includes(f)) return void cycles.push([...stack.slice(stack.indexOf(f)), f].join(" -> "));
            for (const next of g.get(f) ?? []) visit(next, [...stack, f]);
        };
        for (const f of g.keys()) visit(f, []);
        assert.deepEqual([...new Set(cycles)], []);
    });

    it("keeps the plan and its renderers free of the Pulumi runtime", () => {
        for (const f of PURE) {
            const src = fs.readFileSync(path.join(DIR, f), "utf8");
            assert.ok(!/^import (?!type)[^;]*from "@pulumi\//m.test(src), `${f} imports @pulumi at runtime`);
        }
    });
});
