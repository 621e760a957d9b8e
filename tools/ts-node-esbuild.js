/**
 * ts-node transpiler backed by esbuild (selected in tsconfig.json): transpile-only, as the
 * TypeScript compiler would emit for this project (CommonJS, ES2022), several times faster.
 * Types are checked by `npm run typecheck`, never here.
 *
 * Outputs are cached on disk by content (source, file name, esbuild version, options): every
 * `pulumi preview`, test process and CLI starts cold, and transpiling the same ~150 files again
 * was a third of a cold evaluation. A changed file has a new key; stale entries are harmless.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");

const OPTIONS = { format: "cjs", target: "es2022", sourcemap: "external" };
const CACHE_DIR = process.env.STELLAOPS_TS_CACHE ?? path.join(__dirname, "..", "node_modules", ".cache", "stellaops-ts");
const SALT = `${esbuild.version}:${JSON.stringify(OPTIONS)}`;

function cached(key, make) {
    const file = path.join(CACHE_DIR, `${key}.json`);
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        const value = make();
        try {
            fs.mkdirSync(CACHE_DIR, { recursive: true });
            // Write then rename: a concurrent reader never sees half a file.
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, JSON.stringify(value));
            fs.renameSync(tmp, file);
        } catch {
            // A read-only tree still transpiles; it only loses the cache.
        }
        return value;
    }
}

exports.create = function create() {
    return {
        transpile(input, { fileName }) {
            const key = crypto.createHash("sha256").update(SALT).update("\0").update(fileName).update("\0").update(input).digest("hex");
            return cached(key, () => {
                const out = esbuild.transformSync(input, { ...OPTIONS, loader: fileName.endsWith(".tsx") ? "tsx" : "ts", sourcefile: fileName });
                return { outputText: out.code, sourceMapText: out.map };
            });
        },
    };
};
