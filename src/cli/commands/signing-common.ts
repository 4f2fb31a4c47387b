/** Shared pieces of the signing commands: exit codes for sign errors, option parsing helpers. */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SignError } from '../../sign/errors.js';
import { EXIT_FINDINGS, EXIT_USAGE, type CliIO } from '../command.js';

/** Failed checks exit 1 (like findings); bad keys, arguments or unreachable services exit 2. */
export function signExit(e: unknown, io: CliIO, cmd: string): number {
  if (e instanceof SignError) {
    io.stderr.write(`modelguard ${cmd}: ${e.code}: ${e.message}\n`);
    for (const d of e.differences.slice(0, 200)) {
      const detail = d.kind === 'changed' ? ` (signed ${d.expected ?? ''}, now ${d.actual ?? ''})` : '';
      io.stderr.write(`  ${d.kind.padEnd(8)} ${d.name}${detail}\n`);
    }
    if (e.differences.length > 200) io.stderr.write(`  ... and ${e.differences.length - 200} more\n`);
    return e.code === 'E_SIG_KEY' || e.code === 'E_SIG_CURVE' || e.code === 'E_SIG_NETWORK' ? EXIT_USAGE : EXIT_FINDINGS;
  }
  throw e;
}

/** parseArgs options shared by digest and sign (a fresh object: parseArgs wants mutable defaults). */
export function hashOptions() {
  return {
    'ignore-paths': { type: 'string' as const, multiple: true as const, default: [] as string[] },
    'ignore-git-paths': { type: 'boolean' as const, default: true },
    'no-ignore-git-paths': { type: 'boolean' as const, default: false },
    'allow-symlinks': { type: 'boolean' as const, default: false },
  };
}

export const HASH_HELP = `  --ignore-paths <path>...       files or folders (relative to the model or the current
                                 directory) left out of the signature; repeatable
  --no-ignore-git-paths          also sign .git, .gitattributes, .github, .gitignore
  --allow-symlinks               follow symbolic links (refused by default)
  --hash <sha256|blake2>         digest for each file (default sha256)
  --shard-size <bytes>           sign files in shards of this size ("shards" serialization;
                                 large files then hash on all cores)`;

/**
 * Where `sign` writes and `verify` reads the signature when `--signature` is
 * not given: `model.sig` inside a model folder (left out of what is signed),
 * as the library examples do, or `<file>.sig` beside a single-file model.
 */
export function defaultSignature(model: string, cwd: string): string {
  const abs = resolve(cwd, model);
  let dir = false;
  try {
    dir = statSync(abs).isDirectory();
  } catch {
    dir = false;
  }
  return dir ? join(abs, 'model.sig') : `${abs}.sig`;
}
