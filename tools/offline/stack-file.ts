/**
 * Reads Pulumi.<stack>.yaml the way the Pulumi runtime presents config: every value a string
 * (JSON for objects), `secure:` values replaced by placeholders and listed as secret keys.
 * A missing stack lists the ones there are; a YAML error names the file and line.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");
/** Where the stack files are: the project root, or STELLAOPS_STACK_DIR (tests of the CLIs). */
const STACK_DIR = process.env.STELLAOPS_STACK_DIR ?? ROOT;

export interface StackFile {
    /** Config as the Pulumi runtime holds it: every value a string (JSON for non-strings). */
    readonly config: Record<string, string>;
    /** Keys whose values were `secure:` in the file. */
    readonly secretKeys: string[];
}

export function stackFilePath(stack: string, root = STACK_DIR): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

/** Stacks that have a file in `root`. */
export function availableStacks(root = STACK_DIR): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

export function readStackFile(stack: string, root = STACK_DIR): StackFile {
    const file = stackFilePath(stack, root);
    const rel = path.relative(root, file);
    if (!fs.existsSync(file)) throw new Error(`no stack "${stack}": ${rel} does not exist; stacks here: ${availableStacks(root).join(", ") || "none"}`);
    const doc = parseDocument(fs.readFileSync(file, "utf8"), { prettyErrors: true });
    if (doc.errors.length > 0) {
        const e = doc.errors[0];
        const at = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : "";
        throw new Error(`${rel}${at}: invalid YAML: ${e.message.split("\n")[0]}`);
    }
    const parsed = (doc.toJS() ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(parsed.config ?? {})) {
        const isSecure = !!value && typeof value === "object" && "secure" in (value as object);
        if (isSecure) secretKeys.push(key);
        config[key] = isSecure ? `placeholder-${key.replace(/[^a-zA-Z0-9]/g, "-")}` : typeof value === "string" ? value : JSON.stringify(value);
    }
    return { config, secretKeys };
}
