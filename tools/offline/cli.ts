/**
 * Entry point for the project's CLIs: strict argument parsing (unknown options and bad values
 * are errors), prints what `main` returns and exits once stdout has flushed (an early exit cuts
 * piped output at 64 KiB); on error prints the message and exits 1.
 */
import { parseArgs, ParseArgsConfig } from "util";

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with every option known; failures become a UsageError carrying the usage line. */
export function cliArgs<O extends Options>(usage: string, options: O, argv: string[] = process.argv.slice(2)) {
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    } catch (err) {
        throw new UsageError(`${(err as Error).message}\n${usage}`);
    }
}

/** A value among `allowed`, or a UsageError naming the option. */
export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[], usage: string): T {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new UsageError(`--${option}: expected one of ${allowed.join(", ")}, got "${value}"\n${usage}`);
}

export function runCli(main: () => Promise<string>): void {
    main().then(
        (out) => process.stdout.write(out, () => process.exit(0)),
        (err: Error) => process.stderr.write(`${err.message}\n`, () => process.exit(err instanceof UsageError ? 2 : 1)),
    );
}
