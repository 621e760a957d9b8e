/**
 * The profile descriptor is the one list of profiles: every row has its stack files and plan
 * snapshots, every tool and the PR workflow take their stack list from it, no code compares a
 * profile's name, and a new row is all a new profile needs from the config schema.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { profileSchema } from "../../stacks/config/schema";
import { EXAMPLE_STACKS, PROFILES, PROFILE_NAMES, ProfileDescriptor } from "../../stacks/profiles";
import { readStackFile, ROOT } from "../../tools/offline/stack-file";
import { STACKS as SNAPSHOT_STACKS, snapshotPath } from "../../tools/snapshots";
import { STACKS } from "../../tools/stacks";

function sources(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

describe("the profile descriptor", () => {
    it("has, per row, example stacks whose files name that profile and whose plans are snapshotted", () => {
        for (const name of PROFILE_NAMES) {
            const row = PROFILES[name];
            assert.strictEqual(row.name, name);
            assert.ok(row.stacks.length > 0, `${name}: no example stack`);
            for (const stack of row.stacks) {
                assert.strictEqual(readStackFile(stack).config["stellaops:profile"], name, `Pulumi.${stack}.yaml`);
                assert.ok(fs.existsSync(snapshotPath(stack)), `no plan snapshot for ${stack}`);
            }
        }
    });

    it("is where every tool takes its stack list from", () => {
        const expected = EXAMPLE_STACKS.map((s) => s.stack);
        assert.deepStrictEqual([...STACKS], expected);
        assert.deepStrictEqual([...SNAPSHOT_STACKS], expected);
        const bench = fs.readFileSync(path.join(ROOT, "tools/bench/bench.ts"), "utf8");
        assert.match(bench, /import \{ STACKS \} from "\.\.\/stacks";/, "the bench imports the stack list");
    });

    it("is where the PR workflow takes its stacks and their preview credentials from", () => {
        const wf = fs.readFileSync(path.join(ROOT, ".github/workflows/preview.yml"), "utf8");
        assert.match(wf, /npm run --silent stacks -- --json/);
        assert.match(wf, /for s in \$\(npm run --silent stacks\)/);
        assert.match(wf, /previewCredentials/);
        for (const name of PROFILE_NAMES) assert.doesNotMatch(wf, new RegExp(`--stack ${name}\\b|matrix\\.stack == '${name}'|stacks\\+=\\(.*\\b${name}\\b`), `the workflow names ${name}`);
    });

    it("leaves no code comparing a profile's name: capabilities are fields of the row", () => {
        const offenders: string[] = [];
        const names = PROFILE_NAMES.join("|");
        const compare = new RegExp(`(profile|kind)\\s*[!=]==?\\s*"(${names})"|case "(${names})":`);
        for (const file of ["components", "stacks", "tools", "policy"].flatMap(sources)) {
            if (file === path.join("stacks", "profiles.ts")) continue;
            fs.readFileSync(path.join(ROOT, file), "utf8")
                .split("\n")
                .forEach((line, i) => compare.test(line) && offenders.push(`${file}:${i + 1}: ${line.trim()}`));
        }
        assert.deepStrictEqual(offenders, []);
    });

    it("makes a new profile one row: the schema reads a made-up row's keys and refuses the rest", () => {
        const edge: ProfileDescriptor = { ...PROFILES.dev, name: "edge", stacks: ["edge"], keys: { postgres: ["host", "connectionLimit"], valkey: ["maxmemoryMb"], objectStore: ["objectLock", "evidenceRetention", "replayExpirationDays", "buckets"], nats: ["enabled"] }, required: { postgres: ["host"] } };
        const schema = profileSchema(edge);
        const ok = schema.safeParse({ profile: "edge", postgres: { host: "db", connectionLimit: 5 } });
        assert.ok(ok.success, JSON.stringify(ok.error?.issues));
        const bad = schema.safeParse({ profile: "edge", postgres: { host: "db", multiAz: true }, docker: {} });
        assert.ok(!bad.success);
        const unknown = bad.error!.issues.filter((i): i is z.core.$ZodIssueUnrecognizedKeys => i.code === "unrecognized_keys").flatMap((i) => i.keys);
        assert.deepStrictEqual(unknown.sort(), ["docker", "multiAz"]);
        const missing = schema.safeParse({ profile: "edge" });
        assert.deepStrictEqual(missing.error?.issues.map((i) => i.path.join(".")), ["postgres.host"]);
    });
});
