/**
 * `modelguard keygen`: an EC key pair for signing models (default), written
 * as PREFIX.key (0600) and PREFIX.pub. Other key kinds (`--age`) plug in here.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSigningKey, writeKeyPair, type Curve } from '../../sign/keygen.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { signExit } from './signing-common.js';

const HELP = `Usage: modelguard keygen [--curve P-256|P-384|P-521] [--password PASS] [-o PREFIX]

Generates an EC key pair for signing models: PREFIX.key (private, PKCS#8
PEM, mode 0600, encrypted with AES-256 when a password is given) and
PREFIX.pub (public, SPKI PEM). Existing files are never overwritten.

Options:
  --curve <name>      P-256 (default), P-384 or P-521
  --password <pass>   encrypt the private key (or MODELGUARD_KEY_PASSWORD)
  -o, --output <pfx>  file name prefix (default: signing)
`;

export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'generate a key pair for signing models',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values: v, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { curve: { type: 'string', default: 'P-256' }, password: { type: 'string' }, output: { type: 'string', short: 'o', default: 'signing' } },
    });
    if (positionals.length > 0 || !['P-256', 'P-384', 'P-521'].includes(v.curve)) {
      io.stderr.write(`modelguard keygen: bad arguments\n\n${HELP}`);
      return EXIT_USAGE;
    }
    try {
      const password = v.password ?? io.env['MODELGUARD_KEY_PASSWORD'];
      writeKeyPair(resolve(io.cwd, v.output), generateSigningKey(v.curve as Curve, password));
      io.stdout.write(`wrote ${v.output}.key (private, 0600${password === undefined ? '' : ', encrypted'}) and ${v.output}.pub\n`);
      return EXIT_OK;
    } catch (e) {
      return signExit(e, io, 'keygen');
    }
  },
};
