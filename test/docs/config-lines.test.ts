/**
 * Every `pulumi config set` line in README.md and docs/ is checked against the config schema:
 * the key exists (nested keys need --path), secrets are set with --secret, and a literal value
 * passes the key's rule. A documented command that the program would refuse fails here.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { z } from "zod";
import { FIELDS, FieldSection } from "../../stacks/config/schema";
import { SECRET_KEYS } from "../../stacks/profiles";
import { ROOT } from "../../tools/offline/stack-file";

const PROVIDER_KEYS = /^(aws|kubernetes|docker|postgresql|random|minio):[A-Za-z]+$/;

function documents(): string[] {
    const docs = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f));
    return ["README.md", ...docs, "tools/e2e/README.md", "tools/engine/README.md"].filter((f) => fs.existsSync(path.join(ROOT, f)));
}

interface Line {
    readonly where: string;
    readonly flags: readonly string[];
    readonly key: string;
    readonly value?: string;
}

function configSetLines(): Line[] {
    const out: Line[] = [];
    for (const doc of documents()) {
        fs.readFileSync(path.join(ROOT, doc), "utf8")
            .split("\n")
            .forEach((text, i) => {
                const m = /pulumi config set((?:\s+--[a-z-]+)*)\s+([^\s`]+)(?:\s+([^\s`]+))?/.exec(text);
                // Prose that mentions the command without a key ("`pulumi config set --path`") is not a line to check.
                if (m && /^[A-Za-z]+:/.test(m[2])) out.push({ where: `${doc}:${i + 1}`, flags: m[1].trim().split(/\s+/).filter(Boolean), key: m[2], value: m[3] });
            });
    }
    return out;
}

/** Why the line would be refused, or undefined. */
function problem(l: Line): string | undefined {
    if (PROVIDER_KEYS.test(l.key)) return undefined;
    const m = /^stellaops:([A-Za-z]+)(?:\.([A-Za-z]+)(?:\.([A-Za-z0-9.]+))?)?$/.exec(l.key);
    if (!m) return "not a stellaops key";
    const [, top, key] = m;
    if ((SECRET_KEYS as readonly string[]).includes(top)) return l.flags.includes("--secret") ? undefined : "a secret set without --secret";
    if (top === "profile") return undefined;
    if (!(top in FIELDS) && top !== "services") return `no section ${top}`;
    if (!key) return undefined;
    if (!l.flags.includes("--path")) return "a nested key without --path (the program would see an unknown top-level key)";
    if (top === "services") return undefined;
    const field = (FIELDS[top as FieldSection] as Record<string, z.ZodType>)[key];
    if (!field) return `no key ${top}.${key}`;
    // Placeholders (`...`, `<digest>`) are for the reader to fill in.
    if (l.value === undefined || /\.\.\.|</.test(l.value) || m[3]) return undefined;
    let value: unknown = l.value;
    try {
        value = JSON.parse(l.value);
    } catch {
        // a plain string
    }
    const parsed = field.safeParse(value);
    return parsed.success ? undefined : `value ${l.value}: ${parsed.error.issues[0]?.message}`;
}

describe("documented pulumi config set lines", () => {
    const lines = configSetLines();

    it("finds the documented lines", () => assert.ok(lines.length >= 5, `${lines.length} lines`));

    it("are all accepted by the config schema", () => {
        const bad = lines.flatMap((l) => {
            const p = problem(l);
            return p ? [`${l.where}: ${l.flags.join(" ")} ${l.key} ${l.value ?? ""}: ${p}`] : [];
        });
        assert.deepStrictEqual(bad, []);
    });

    it("would catch a nested key without --path, a plaintext secret and a bad value", () => {
        assert.match(problem({ where: "x", flags: [], key: "stellaops:objectStore.providerEndpoint", value: "http://x" })!, /without --path/);
        assert.match(problem({ where: "x", flags: [], key: "stellaops:postgresAdminPassword", value: "..." })!, /without --secret/);
        assert.match(problem({ where: "x", flags: ["--path"], key: "stellaops:postgres.connectionLimit", value: "-3" })!, /expected an integer/);
        assert.match(problem({ where: "x", flags: ["--path"], key: "stellaops:postgres.conectionLimit", value: "3" })!, /no key/);
    });
});
