/**
 * `modelguard keygen`: key generation, one branch per key kind.
 *
 * Each kind is an entry of `KINDS` selected by its flag: `--ec` (the default)
 * makes an EC key pair for signing models, `--age` an age identity for the
 * vault. Secret keys are only ever written to a new file created with mode
 * 0600; only public keys go to stdout.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSigningKey, writeKeyPair, type Curve } from '../../sign/keygen.js';
import { fail } from '../../vault/errors.js';
import { parseIdentitiesFile } from '../../age/keys.js';
import { HybridIdentity } from '../../age/hybrid.js';
import { X25519Identity } from '../../age/x25519.js';
import { writeNewFile } from '../../files/fsutil.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { resolvePath } from './age-common.js';
import { signExit } from './signing-common.js';
import { keyPassword } from './key-options.js';

interface KeygenArgs {
  readonly output: string | undefined;
  readonly toPublic: string | undefined;
  /** --age only: a post-quantum hybrid (ML-KEM-768 + X25519) identity. */
  readonly pq: boolean;
  /** --ec only. */
  readonly curve: string;
  readonly password: string | undefined;
}

interface KeyKind {
  /** The selecting flag, without dashes. */
  readonly flag: string;
  readonly describe: string;
  run(args: KeygenArgs, io: CliIO): Promise<number>;
}

const CURVES: readonly Curve[] = ['P-256', 'P-384', 'P-521'];

const ecKind: KeyKind = {
  flag: 'ec',
  describe: 'an EC key pair for sign/verify/attest (default)',
  run(args, io) {
    if (!(CURVES as readonly string[]).includes(args.curve)) {
      io.stderr.write(`modelguard keygen: --curve must be one of ${CURVES.join(', ')}\n`);
      return Promise.resolve(EXIT_USAGE);
    }
    if (args.toPublic !== undefined || args.pq) {
      io.stderr.write('modelguard keygen: -y and --pq apply to --age keys\n');
      return Promise.resolve(EXIT_USAGE);
    }
    const prefix = args.output ?? 'signing';
    try {
      const { password } = keyPassword(args.password, io);
      writeKeyPair(resolve(io.cwd, prefix), generateSigningKey(args.curve as Curve, password));
      io.stdout.write(`wrote ${prefix}.key (private, 0600${password === undefined ? '' : ', encrypted'}) and ${prefix}.pub\n`);
      return Promise.resolve(EXIT_OK);
    } catch (e) {
      return Promise.resolve(signExit(e, io, 'keygen'));
    }
  },
};

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

/** Key kinds in help order; the first is the default. Add a kind here (and its flag in `parseArgs` below). */
const KINDS: readonly KeyKind[] = [ecKind, ageKind];

export const keygen: Command = {
  name: 'keygen',
  summary: 'generate keys: an EC signing key pair (default) or, with --age, an age identity',
  help: `Usage: modelguard keygen [--ec] [--curve P-256|P-384|P-521] [--password PASS] [-o PREFIX]
       modelguard keygen --age [--pq] -o FILE
       modelguard keygen --age -y FILE

Kinds:
${KINDS.map((k) => `  --${k.flag.padEnd(6)} ${k.describe}`).join('\n')}

Signing keys (--ec):
  -o, --output PREFIX  write PREFIX.key (private, PKCS#8 PEM, mode 0600) and
                       PREFIX.pub (SPKI PEM); default prefix: signing
  --curve NAME         P-256 (default), P-384 or P-521
  --password PASS      encrypt the private key with AES-256
                       (or set MODELGUARD_KEY_PASSWORD)

age identities (--age):
  -o, --output FILE    write the secret key to FILE (created new, mode 0600);
                       the public key (age1...) is printed on stdout
  -y FILE              print the public key(s) of an existing identity file
  --pq                 a post-quantum hybrid identity
                       (AGE-SECRET-KEY-PQ-1..., recipient age1pq1...; needs age >= 1.3)

Existing files are never overwritten; secret keys are never printed.
Exit 0 on success, 2 on usage or I/O error.
`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ec: { type: 'boolean' },
        age: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        y: { type: 'string', short: 'y' },
        pq: { type: 'boolean' },
        curve: { type: 'string', default: 'P-256' },
        password: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const chosen = KINDS.filter((k) => (values as Record<string, unknown>)[k.flag] === true);
    if (chosen.length > 1) {
      io.stderr.write(`modelguard keygen: choose one kind (${KINDS.map((k) => `--${k.flag}`).join(', ')})\n`);
      return EXIT_USAGE;
    }
    const kind = chosen[0] ?? ecKind;
    return kind.run({ output: values.output, toPublic: values.y, pq: values.pq === true, curve: values.curve, password: values.password }, io);
  },
};
