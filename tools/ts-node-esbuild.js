/**
 * ts-node transpiler backed by esbuild (selected in tsconfig.json): transpile-only, as the
 * TypeScript compiler would emit for this project (CommonJS, ES2022), several times faster.
 * Types are checked by `npm run typecheck`, never here.
 */
const esbuild = require("esbuild");

exports.create = function create() {
    return {
        transpile(input, { fileName }) {
            const out = esbuild.transformSync(input, {
                loader: fileName.endsWith(".tsx") ? "tsx" : "ts",
                format: "cjs",
                target: "es2022",
                sourcemap: "external",
                sourcefile: fileName,
            });
            return { outputText: out.code, sourceMapText: out.map };
        },
    };
};
