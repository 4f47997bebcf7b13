/** `--name N` from the command line: a positive integer, or the fallback when absent. */
export function intArg(name: string, fallback: number, argv: string[] = process.argv): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${argv[i + 1]}`);
  return n;
}

/** Progress on stderr with a prefix; figures and the final JSON line on stdout. */
export function benchOutput(prefix: string): { log: (s: string) => void; out: (s: string) => void } {
  return {
    log: (s) => process.stderr.write(`[${prefix}] ${s}\n`),
    out: (s) => process.stdout.write(`${s}\n`),
  };
}

/** Runs a benchmark's main and exits: 0 when it finished, 1 with the stack when it failed. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${name} failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
