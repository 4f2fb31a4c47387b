/**
 * `modelguard keygen`: key generation, one branch per key kind.
 *
 * Each kind is an entry of `KINDS` selected by its flag (`--age` today;
 * signing adds `--ec` by adding an entry, without touching the others).
 * Secret keys are only ever written to a new file created with mode 0600;
 * only public keys go to stdout.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fail } from '../../vault/errors.js';
import { parseIdentitiesFile } from '../../vault/age/keys.js';
import { HybridIdentity } from '../../vault/age/hybrid.js';
import { X25519Identity } from '../../vault/age/x25519.js';
import { writeNewFile } from '../../vault/fsutil.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { resolvePath } from './age-common.js';

interface KeygenArgs {
  readonly output: string | undefined;
  readonly toPublic: string | undefined;
  /** --age only: a post-quantum hybrid (ML-KEM-768 + X25519) identity. */
  readonly pq: boolean;
}

interface KeyKind {
  /** The selecting flag, without dashes. */
  readonly flag: string;
  readonly describe: string;
  run(args: KeygenArgs, io: CliIO): Promise<number>;
}

const ageKind: KeyKind = {
  flag: 'age',
  describe: 'an age X25519 identity (AGE-SECRET-KEY-1...) for encrypt/decrypt/vault',
  async run(args, io) {
    if (args.toPublic !== undefined) {
      const text = readFileSync(resolvePath(io, args.toPublic), 'utf8');
      for (const id of parseIdentitiesFile(text, args.toPublic)) {
        if (id instanceof X25519Identity || id instanceof HybridIdentity) io.stdout.write(`${id.recipient.toString()}\n`);
      }
      return EXIT_OK;
    }
    if (args.output === undefined) throw fail('E_USAGE', 'keygen --age needs -o FILE: identities are never printed');
    const { identity, encoded } = args.pq ? HybridIdentity.generate() : X25519Identity.generate();
    const pub = identity.recipient.toString();
    const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await writeNewFile(resolvePath(io, args.output), `# created: ${created}\n# public key: ${pub}\n${encoded}\n`, 0o600);
    io.stderr.write(`Public key: ${pub}\n`);
    io.stdout.write(`${pub}\n`);
    return EXIT_OK;
  },
};

/** Key kinds in help order. Add a kind here (and its flag in `parseArgs` below). */
const KINDS: readonly KeyKind[] = [ageKind];

export const keygen: Command = {
  name: 'keygen',
  summary: 'generate keys (--age: an age identity for encryption)',
  help: `Usage: modelguard keygen --age [--pq] -o FILE
       modelguard keygen --age -y FILE

Kinds:
${KINDS.map((k) => `  --${k.flag.padEnd(6)} ${k.describe}`).join('\n')}

Options:
  -o, --output FILE  write the secret key to FILE (created new, mode 0600);
                     the public key (age1...) is printed on stdout
  -y FILE            print the public key(s) of an existing identity file
  --pq               (with --age) a post-quantum hybrid identity
                     (AGE-SECRET-KEY-PQ-1..., recipient age1pq1...; needs age >= 1.3)

Secret keys are never printed. Exit 0 on success, 2 on usage or I/O error.
`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        age: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        y: { type: 'string', short: 'y' },
        pq: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
    const chosen = KINDS.filter((k) => (values as Record<string, unknown>)[k.flag] === true);
    if (chosen.length !== 1) {
      io.stderr.write(`modelguard keygen: choose exactly one kind (${KINDS.map((k) => `--${k.flag}`).join(', ')})\n`);
      return EXIT_USAGE;
    }
    return (chosen[0] as KeyKind).run({ output: values.output, toPublic: values.y, pq: values.pq === true }, io);
  },
};
