#!/usr/bin/env node
/**
 * The `modelguard` executable: a thin layer over the library.
 */
import { describeError } from '../errors.js';
import { EXIT_USAGE, type CliIO } from './command.js';
import { main } from './dispatch.js';

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
    process.stderr.write(`modelguard: ${describeError(e)}\n`);
    process.exitCode = EXIT_USAGE;
  },
);
