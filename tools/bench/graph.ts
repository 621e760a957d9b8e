/**
 * The deploy critical path of a recorded resource graph: the longest chain of dependencies,
 * parent links and provider references, since each link is a wait in a real `pulumi up`.
 * Only custom resources count (a component registers instantly); components pass links through.
 */
import type { RecordedResource } from "../offline/recorder";

export interface CriticalPath {
    /** Custom resource names from first created to last. */
    readonly chain: readonly string[];
}

export function criticalPath(resources: readonly RecordedResource[]): CriticalPath {
    const byName = new Map(resources.map((r) => [r.name, r]));
    const memo = new Map<string, string[]>();
    const longest = (name: string, seen: Set<string>): string[] => {
        const hit = memo.get(name);
        if (hit) return hit;
        const r = byName.get(name);
        if (!r || seen.has(name)) return [];
        seen.add(name);
        const preds = new Set([...r.dependencies, ...(r.parent ? [r.parent] : []), ...(r.provider ? [r.provider] : [])]);
        let best: string[] = [];
        for (const p of preds) {
            if (!byName.has(p)) continue;
            const c = longest(p, seen);
            if (c.length > best.length) best = c;
        }
        seen.delete(name);
        const chain = r.custom ? [...best, name] : best;
        memo.set(name, chain);
        return chain;
    };
    let best: string[] = [];
    for (const r of resources) {
        const c = longest(r.name, new Set());
        if (c.length > best.length) best = c;
    }
    return { chain: best };
}
