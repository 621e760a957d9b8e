/**
 * Reads Pulumi.<stack>.yaml the way the Pulumi runtime presents config: every value a string
 * (JSON for objects), `secure:` values replaced by placeholders and listed as secret keys.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface StackFile {
    /** Config as the Pulumi runtime holds it: every value a string (JSON for non-strings). */
    readonly config: Record<string, string>;
    /** Keys whose values were `secure:` in the file. */
    readonly secretKeys: string[];
}

export function stackFilePath(stack: string): string {
    return path.join(ROOT, `Pulumi.${stack}.yaml`);
}

export function readStackFile(stack: string): StackFile {
    const file = stackFilePath(stack);
    if (!fs.existsSync(file)) throw new Error(`no stack file ${path.relative(ROOT, file)}`);
    const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const isSecure = !!value && typeof value === "object" && "secure" in (value as object);
        if (isSecure) secretKeys.push(key);
        config[key] = isSecure ? `placeholder-${key.replace(/[^a-zA-Z0-9]/g, "-")}` : typeof value === "string" ? value : JSON.stringify(value);
    }
    return { config, secretKeys };
}

