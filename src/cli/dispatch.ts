/**
 * Subcommand dispatch, separate from the executable so tests can call `main`.
 */
import { describeError, isModelguardError } from '../errors.js';
import { VERSION } from '../version.js';
import { EXIT_USAGE, type CliIO } from './command.js';
import { COMMANDS } from './commands/index.js';

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `modelguard ${VERSION}: make ML frameworks' security guidance executable.

Usage: modelguard <command> [options]

Commands:
${lines.join('\n')}

Run 'modelguard <command> --help' for a command's options.
Exit status: 0 clean/success, 1 findings or failed verification, 2 usage or I/O error
(a full disk, an unreadable input), 141 standard output closed early (piped into head).
Add --debug (or set MODELGUARD_DEBUG=1) for stack traces of unexpected errors.
`;
}

/** Errors `parseArgs` throws for what was typed (their codes are Node's, stable since Node 18). */
function isArgumentError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

export async function main(argvIn: string[], ioIn: CliIO): Promise<number> {
  // `--debug` anywhere: stack traces of unexpected errors (as MODELGUARD_DEBUG=1).
  const debug = argvIn.includes('--debug');
  const argv = debug ? argvIn.filter((a) => a !== '--debug') : argvIn;
  const io: CliIO = debug ? { ...ioIn, env: { ...ioIn.env, MODELGUARD_DEBUG: '1' } } : ioIn;
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const sub = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(sub === undefined ? topHelp() : (await sub.load()).help);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr.write(`modelguard: unknown command '${name}'\n\n${topHelp()}`);
    return EXIT_USAGE;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (isArgumentError(e)) {
      // node:util parseArgs: an unknown option, a missing value, a stray positional.
      io.stderr.write(`modelguard ${name}: ${e.message}\nRun 'modelguard ${name} --help' for its options.\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`modelguard ${name}: ${describeError(e)}\n`);
    if (!isModelguardError(e) && io.env['MODELGUARD_DEBUG'] !== undefined && e instanceof Error) {
      io.stderr.write(`${e.stack ?? ''}\n`);
    }
    return EXIT_USAGE;
  }
}
