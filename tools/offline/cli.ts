/**
 * Entry point for the project's CLIs: prints what `main` returns and exits once stdout has
 * flushed (an early exit cuts piped output at 64 KiB); on error prints the message, exits 1.
 */
export function runCli(main: () => Promise<string>): void {
    main().then(
        (out) => process.stdout.write(out, () => process.exit(0)),
        (err: Error) => process.stderr.write(`${err.message}\n`, () => process.exit(1)),
    );
}
