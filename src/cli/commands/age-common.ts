/**
 * Shared plumbing of the age commands (encrypt, decrypt, keygen, vault):
 * key loading, passphrase input, worker pool choice, stdin/stdout.
 *
 * Secrets: identity files are read, parsed and dropped; nothing here prints
 * or logs them. Passphrases come from `MODELGUARD_PASSPHRASE` (for scripts
 * and tests) or are read from the controlling terminal without echo.
 */
import { openSync, readFileSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { availableParallelism } from 'node:os';
import { describeError } from '../../errors.js';
import { AgeError } from '../../age/errors.js';
import { fail, VaultError } from '../../vault/errors.js';
import { parseIdentitiesFile, parseRecipient, parseRecipientsFile } from '../../age/keys.js';
import { ChunkPool } from '../../age/pool.js';
import type { Identity, Recipient } from '../../age/recipient.js';
import { EXIT_FINDINGS, type CliIO } from '../command.js';

export const PASSPHRASE_ENV = 'MODELGUARD_PASSPHRASE';
export const THREADS_ENV = 'MODELGUARD_THREADS';

function readText(path: string, io: CliIO, what: string): string {
  try {
    if (path === '-') return readFileSync(0, 'utf8');
    return readFileSync(path.startsWith('/') ? path : `${io.cwd}/${path}`, 'utf8');
  } catch (e) {
    throw fail('E_IO', `cannot read ${what} ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** parseArgs options naming age recipients, as age spells them (encrypt, vault watch). */
export function recipientOptions() {
  return {
    recipient: { type: 'string' as const, short: 'r', multiple: true as const },
    'recipients-file': { type: 'string' as const, short: 'R', multiple: true as const },
  };
}

export function loadRecipients(values: readonly string[], files: readonly string[], io: CliIO): Recipient[] {
  const out = values.map((v) => parseRecipient(v));
  for (const f of files) out.push(...parseRecipientsFile(readText(f, io, 'recipients file'), f));
  return out;
}

export function loadIdentities(files: readonly string[], io: CliIO): Identity[] {
  return files.flatMap((f) => parseIdentitiesFile(readText(f, io, 'identity file'), f));
}

/**
 * Reads a line from the controlling terminal with echo off (raw mode);
 * `undefined` if there is no terminal. Ctrl-C aborts, backspace edits.
 */
async function readFromTty(prompt: string): Promise<string | undefined> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return undefined;
  }
  const input = new ReadStream(fd);
  const out = new WriteStream(fd);
  try {
    out.write(prompt);
    input.setRawMode(true);
    return await new Promise<string>((resolve, reject) => {
      let line = '';
      input.on('data', (d: Buffer) => {
        for (const ch of d.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            resolve(line);
            return;
          }
          if (ch === '\u0003') {
            reject(fail('E_USAGE', 'interrupted'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
          else line += ch;
          if (line.length > 4096) {
            reject(fail('E_USAGE', 'passphrase too long'));
            return;
          }
        }
      });
      input.on('error', reject);
    });
  } finally {
    input.setRawMode(false);
    out.write('\n');
    input.destroy();
    out.destroy();
  }
}

export async function readPassphrase(io: CliIO, confirm: boolean): Promise<string> {
  const env = io.env[PASSPHRASE_ENV];
  if (env !== undefined && env !== '') return env;
  const p = await readFromTty('Enter passphrase: ');
  if (p === undefined) throw fail('E_USAGE', `no terminal to read a passphrase from; set ${PASSPHRASE_ENV}`);
  if (p === '') throw fail('E_USAGE', 'empty passphrase');
  if (confirm && (await readFromTty('Confirm passphrase: ')) !== p) throw fail('E_USAGE', 'passphrases do not match');
  return p;
}

/** The worker pool for large files: `MODELGUARD_THREADS` (0/1 = none) or one per core up to 4. */
export function makePool(io: CliIO): ChunkPool | undefined {
  const env = io.env[THREADS_ENV];
  const n = env === undefined ? Math.min(4, availableParallelism()) : Number(env);
  if (!Number.isInteger(n) || n < 0) throw fail('E_USAGE', `${THREADS_ENV} must be a non-negative integer`);
  return n >= 2 ? new ChunkPool(n) : undefined;
}

export function resolvePath(io: CliIO, p: string): string {
  return p.startsWith('/') ? p : `${io.cwd}/${p}`;
}

/** Codes that mean "this file failed to verify" (exit 1) rather than a usage or I/O problem (exit 2). */
const VERIFY_CODES = new Set(['E_AGE_HEADER', 'E_AGE_ARMOR', 'E_AGE_LIMIT', 'E_AGE_NO_IDENTITY', 'E_AGE_MAC', 'E_AGE_PAYLOAD', 'E_VAULT_VERIFY']);

/** Runs a command body, mapping verification failures to exit 1 with a one-line message. */
export async function withVerifyExit(name: string, io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if ((e instanceof AgeError || e instanceof VaultError) && VERIFY_CODES.has(e.code)) {
      io.stderr.write(`modelguard ${name}: ${describeError(e)}\n`);
      return EXIT_FINDINGS;
    }
    throw e;
  }
}
