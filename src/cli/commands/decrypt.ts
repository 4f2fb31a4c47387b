/**
 * `modelguard decrypt`: age decryption, compatible with `age -d`.
 *
 * With -o, the output name appears only after the whole file authenticated.
 * To stdout, like age, each 64 KiB chunk is written once its tag verified;
 * a later failure exits 2 with an error, and bytes already written cannot be
 * taken back: use -o when a partial plaintext must never be seen.
 */
import { parseArgs } from 'node:util';
import { fail } from '../../vault/errors.js';
import { decryptFile, decryptHandle, decryptTo, openInput, streamSink, handleSink } from '../../age/file.js';
import type { Identity } from '../../age/recipient.js';
import { ScryptIdentity } from '../../age/scrypt.js';
import { atomicWrite } from '../../files/fsutil.js';
import { EXIT_OK, type CliIO, type Command } from '../command.js';
import { loadIdentities, makePool, PASSPHRASE_ENV, readPassphrase, resolvePath, withVerifyExit } from './age-common.js';

export const decrypt: Command = {
  name: 'decrypt',
  summary: 'decrypt an age file (binary or armored) with identities or a passphrase',
  help: `Usage: modelguard decrypt [-i IDENTITY]... [-o OUT] [IN]

Decrypts IN (default: stdin) to OUT (default: stdout). Without -i, the file
must be passphrase-encrypted; the passphrase is read from the terminal or
${PASSPHRASE_ENV}.

Options:
  -i, --identity FILE  an identity file (AGE-SECRET-KEY-1... lines; repeatable)
  -o, --output OUT     write OUT only after the whole file authenticated; '-': stdout
                       (temp file in the same directory, fsync, rename)
      --no-fsync       with -o: no flushes to disk, as with age; OUT still
                       appears only after the whole file authenticated, but
                       a power loss can leave it empty or short

To stdout, plaintext is written chunk by chunk as each chunk verifies (as
age does); if a later chunk fails the command exits 2 and the output so far
must be discarded.
Exit 0 on success, 1 if the file does not verify (wrong key, tampering,
truncation, malformed), 2 on usage or I/O error.
`,
  run(argv, io) {
    return withVerifyExit('decrypt', io, () => run(argv, io));
  },
};

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      identity: { type: 'string', short: 'i', multiple: true },
      output: { type: 'string', short: 'o' },
      'no-fsync': { type: 'boolean' },
      decrypt: { type: 'boolean', short: 'd' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) throw fail('E_USAGE', 'at most one input file');
  const identities: Identity[] =
    (values.identity?.length ?? 0) > 0 ? loadIdentities(values.identity ?? [], io) : [new ScryptIdentity(await readPassphrase(io, false))];
  const input = positionals[0];
  // '-' is standard output, as for age and every Unix tool.
  const output = values.output === '-' ? undefined : values.output;
  const pool = makePool(io);
  try {
    const durable = values['no-fsync'] !== true;
    const opts = { pool, durable };
    if (input !== undefined && input !== '-' && output !== undefined) {
      await decryptFile(resolvePath(io, input), resolvePath(io, output), identities, opts);
      return EXIT_OK;
    }
    if (input === undefined || input === '-') {
      const src = io.stdin as AsyncIterable<Uint8Array>;
      if (output === undefined) await decryptTo(src, streamSink(io.stdout), identities, opts);
      else await atomicWrite(resolvePath(io, output), (h) => decryptTo(src, handleSink(h, durable), identities, opts), 0o644, durable);
      return EXIT_OK;
    }
    const h = await openInput(resolvePath(io, input));
    try {
      await decryptHandle(h, streamSink(io.stdout), identities, opts);
    } finally {
      await h.close();
    }
    return EXIT_OK;
  } finally {
    await pool?.close();
  }
}
