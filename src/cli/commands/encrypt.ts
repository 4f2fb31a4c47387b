/**
 * `modelguard encrypt`: age encryption, compatible with `age -e`.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fail } from '../../vault/errors.js';
import { encryptFile, encryptTo, openInput, streamSink } from '../../age/file.js';
import type { Recipient } from '../../age/recipient.js';
import { ScryptRecipient } from '../../age/scrypt.js';
import { atomicWrite } from '../../files/fsutil.js';
import { handleSink } from '../../age/file.js';
import { EXIT_OK, EXIT_USAGE, type Command } from '../command.js';
import { loadRecipients, recipientOptions, makePool, PASSPHRASE_ENV, readPassphrase, resolvePath, THREADS_ENV } from './age-common.js';

export const encrypt: Command = {
  name: 'encrypt',
  summary: 'encrypt a file to age recipients or a passphrase (age v1 format)',
  help: `Usage: modelguard encrypt (-r RECIPIENT | -R FILE)... [-a] [-o OUT] [IN]
       modelguard encrypt -p [-a] [-o OUT] [IN]

Encrypts IN (default: stdin) to OUT (default: stdout) in the age v1 format;
the result decrypts with 'age -d' and 'modelguard decrypt'.

Options:
  -r, --recipient R   an age1... recipient (repeatable)
  -R, --recipients-file FILE
                      a file of recipients, one per line, # comments (repeatable)
  -p, --passphrase    encrypt with a passphrase (scrypt), read from the
                      terminal or ${PASSPHRASE_ENV}
  -a, --armor         PEM-armored ASCII output
  -o, --output OUT    write to OUT atomically (temp file, fsync, rename); '-': stdout
      --no-fsync      with -o: no flushes to disk, as with age; faster, but a
                      power loss can leave OUT empty or short

Large files are sealed on worker threads (${THREADS_ENV}=1 to disable).
Exit 0 on success, 2 on usage or I/O error.
`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        ...recipientOptions(),
        passphrase: { type: 'boolean', short: 'p' },
        armor: { type: 'boolean', short: 'a' },
        output: { type: 'string', short: 'o' },
        'no-fsync': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 1) throw fail('E_USAGE', 'at most one input file');
    const keys = (values.recipient?.length ?? 0) + (values['recipients-file']?.length ?? 0);
    if (values.passphrase === true && keys > 0) throw fail('E_USAGE', '-p cannot be combined with -r/-R');
    if (values.passphrase !== true && keys === 0) throw fail('E_USAGE', 'give -r RECIPIENT, -R FILE or -p');
    const armor = values.armor === true;
    // '-' is standard output, as for age and every Unix tool.
    const output = values.output === '-' ? undefined : values.output;
    if (output === undefined && !armor && io.stdout.isTTY === true) {
      io.stderr.write('modelguard encrypt: refusing to write binary ciphertext to a terminal; use -a or -o\n');
      return EXIT_USAGE;
    }
    const recipients: Recipient[] =
      values.passphrase === true
        ? [new ScryptRecipient(await readPassphrase(io, true))]
        : loadRecipients(values.recipient ?? [], values['recipients-file'] ?? [], io);
    const input = positionals[0];
    const pool = armor ? undefined : makePool(io);
    try {
      const durable = values['no-fsync'] !== true;
      const opts = { armor, pool, durable };
      if (input !== undefined && input !== '-' && output !== undefined) {
        const inPath = resolvePath(io, input);
        if (!(await stat(inPath)).isFile()) throw fail('E_USAGE', `${input} is not a regular file`);
        await encryptFile(inPath, resolvePath(io, output), recipients, opts);
        return EXIT_OK;
      }
      const src = input === undefined || input === '-' ? io.stdin : await openInput(resolvePath(io, input));
      try {
        const source = src as AsyncIterable<Uint8Array> | Awaited<ReturnType<typeof openInput>>;
        if (output === undefined) await encryptTo(source, streamSink(io.stdout), recipients, opts);
        else await atomicWrite(resolvePath(io, output), (h) => encryptTo(source, handleSink(h, durable), recipients, opts), 0o644, durable);
      } finally {
        if (src !== io.stdin) await (src as Awaited<ReturnType<typeof openInput>>).close();
      }
      return EXIT_OK;
    } finally {
      await pool?.close();
    }
  },
};
