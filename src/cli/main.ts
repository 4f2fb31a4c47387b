#!/usr/bin/env node
/**
 * The `modelguard` executable: a thin layer over the library.
 *
 * Output failures end the process cleanly (docs/reliability.md):
 * - standard output closed early (EPIPE: a report piped into `head`) ends
 *   quietly with status 141, as a process killed by SIGPIPE;
 * - any other error writing standard output (ENOSPC on a full disk, EIO)
 *   prints one line on standard error and ends with status 2;
 * - an unexpected error prints one line; its stack trace only with
 *   `--debug` or MODELGUARD_DEBUG set.
 */
import { describeError } from '../errors.js';
import { removeAllTemps } from '../files/temp.js';
import { EXIT_PIPE, EXIT_USAGE, type CliIO } from './command.js';
import { main } from './dispatch.js';

const debug = process.argv.includes('--debug') || process.env['MODELGUARD_DEBUG'] !== undefined;

function fatal(what: string, e: unknown, code: number): never {
  removeAllTemps();
  try {
    // One line: Node's errno messages already start with their code.
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    const text = e instanceof Error && typeof code === 'string' && e.message.startsWith(`${code}:`) ? e.message : describeError(e);
    process.stderr.write(`modelguard: ${what}${text.split('\n')[0] ?? ''}\n`);
    if (debug && e instanceof Error && e.stack !== undefined) process.stderr.write(`${e.stack}\n`);
  } catch {
    // standard error is gone too: nothing more to say
  }
  process.exit(code);
}

function onOutputError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') {
    removeAllTemps();
    process.exit(EXIT_PIPE);
  }
  fatal('cannot write to standard output: ', e, EXIT_USAGE);
}

process.stdout.on('error', onOutputError);
process.stderr.on('error', () => {
  // Nowhere left to report: keep going, the exit status still tells.
});
process.on('uncaughtException', (e: unknown) => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EPIPE') {
    removeAllTemps();
    process.exit(EXIT_PIPE);
  }
  fatal('', e, EXIT_USAGE);
});
process.on('unhandledRejection', (e: unknown) => {
  fatal('', e, EXIT_USAGE);
});

const io: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
};

// Flush-safe exit: set the code and let pending writes drain.
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    fatal('', e, EXIT_USAGE);
  },
);
