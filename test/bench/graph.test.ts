/** The critical-path function the benchmark reports, on hand-built graphs. */
import * as assert from "assert";
import { criticalPath } from "../../tools/bench/graph";
import type { RecordedResource } from "../harness";

function res(name: string, opts: { deps?: string[]; parent?: string; provider?: string; custom?: boolean } = {}): RecordedResource {
    return {
        type: "t", name, urn: name, parent: opts.parent ?? null, custom: opts.custom ?? true, provider: opts.provider ?? null,
        protect: false, retainOnDelete: false, deleteBeforeReplace: false, dependsOn: [], dependencies: opts.deps ?? [],
        ignoreChanges: [], aliases: 0, inputs: {}, secretPaths: [], rawInputs: {},
    };
}

describe("bench critical path", () => {
    it("follows dependencies, parents and providers, counting custom resources only", () => {
        const graph = [
            res("server"),
            res("provider", { deps: ["server"] }),
            res("component", { custom: false }),
            res("role", { parent: "component", provider: "provider" }),
            res("schema", { parent: "component", deps: ["role"] }),
            res("grant", { parent: "component", deps: ["schema", "role"] }),
            res("unrelated"),
        ];
        assert.deepStrictEqual(criticalPath(graph).chain, ["server", "provider", "role", "schema", "grant"]);
    });

    it("does not chain independent branches", () => {
        assert.deepStrictEqual(criticalPath([res("a"), res("b"), res("c", { deps: ["a"] })]).chain, ["a", "c"]);
    });
});
