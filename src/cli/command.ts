/**
 * A CLI subcommand. `run` gets the arguments after the subcommand name and
 * returns the exit status: 0 success/clean, 1 findings or a failed check,
 * 2 usage or I/O error (141: standard output closed early, set by main.ts). It throws only `ModelguardError`; `main` prints it.
 */
export interface Command {
  readonly name: string;
  /** One line for `modelguard --help`. */
  readonly summary: string;
  /** Full `--help` text of the subcommand. */
  readonly help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Where a command writes; injectable so tests drive commands without a process. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** Standard output closed early (EPIPE): 128 + SIGPIPE, what a shell shows for a process killed by it. */
export const EXIT_PIPE = 141;
