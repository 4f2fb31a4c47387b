/**
 * `modelguard sign key|certificate MODEL`: OpenSSF Model Signing with the
 * reference tool's verbs and flags.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { relativeIgnore } from '../../sign/ignore.js';
import { rootDigest } from '../../sign/manifest/manifest.js';
import { signModel, type SignMethod } from '../../sign/sign.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { HASH_HELP, hashOptions, signExit } from './signing-common.js';

const HELP = `Usage: modelguard sign key MODEL --private-key KEY [--password PASS] [options]
       modelguard sign certificate MODEL --private-key KEY --signing-certificate CERT
                                   [--certificate-chain CA ...] [options]

Signs a model folder (or single file) in the OpenSSF Model Signing format:
a Sigstore bundle (v0.3) holding a DSSE envelope with an in-toto statement
(predicate https://model_signing/signature/v1.0) over the digest of every
file. Keys: EC P-256, P-384 or P-521 (PEM, optionally encrypted).
Keyless Sigstore signing (sign sigstore) needs network access.

Options:
  --signature <file>             where to write the signature (default model.sig)
  --private-key <file>           PEM private key
  --password <pass>              passphrase of an encrypted private key
                                 (or MODELGUARD_KEY_PASSWORD in the environment)
  --signing-certificate <file>   certificate of the signing key (certificate method)
  --certificate-chain <file>     intermediate certificates to include; repeatable
${HASH_HELP}

Exit status: 0 signed, 1 the model cannot be hashed as asked, 2 usage or key error.
`;

export const signCommand: Command = {
  name: 'sign',
  summary: 'sign a model (OpenSSF Model Signing: key or certificate)',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values: v, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...hashOptions(),
        signature: { type: 'string', default: 'model.sig' },
        'private-key': { type: 'string' },
        password: { type: 'string' },
        'signing-certificate': { type: 'string' },
        'certificate-chain': { type: 'string', multiple: true, default: [] as string[] },
        hash: { type: 'string', default: 'sha256' },
        'shard-size': { type: 'string' },
      },
    });
    const [mode, model] = positionals;
    if (positionals.length !== 2 || model === undefined || (mode !== 'key' && mode !== 'certificate' && mode !== 'sigstore')) {
      io.stderr.write(`modelguard sign: expected key|certificate MODEL\n\n${HELP}`);
      return EXIT_USAGE;
    }
    if (mode === 'sigstore') {
      io.stderr.write('modelguard sign sigstore: keyless signing needs an OIDC provider, Fulcio and Rekor; this build signs with keys and certificates (verify sigstore works offline)\n');
      return EXIT_USAGE;
    }
    const key = v['private-key'];
    if (key === undefined) {
      io.stderr.write('modelguard sign: --private-key is required\n');
      return EXIT_USAGE;
    }
    if (v.hash !== 'sha256' && v.hash !== 'blake2') {
      io.stderr.write('modelguard sign: --hash must be sha256 or blake2\n');
      return EXIT_USAGE;
    }
    const at = (f: string): string => resolve(io.cwd, f);
    const password = v.password ?? io.env['MODELGUARD_KEY_PASSWORD'];
    let method: SignMethod;
    if (mode === 'key') method = { method: 'key', privateKey: at(key), ...(password === undefined ? {} : { password }) };
    else {
      const cert = v['signing-certificate'];
      if (cert === undefined) {
        io.stderr.write('modelguard sign certificate: --signing-certificate is required\n');
        return EXIT_USAGE;
      }
      method = { method: 'certificate', privateKey: at(key), signingCertificate: at(cert), certificateChain: v['certificate-chain'].map(at), ...(password === undefined ? {} : { password }) };
    }
    const signature = resolve(io.cwd, v.signature);
    try {
      const r = await signModel(resolve(io.cwd, model), method, {
        signature,
        hash: v.hash,
        ignorePaths: relativeIgnore(model, v['ignore-paths'], io.cwd),
        ignoreGitPaths: !v['no-ignore-git-paths'],
        allowSymlinks: v['allow-symlinks'],
        ...(v['shard-size'] === undefined ? {} : { shardSize: Number(v['shard-size']) }),
      });
      io.stdout.write(`signed ${model}: ${r.manifest.resources.length} ${r.manifest.serialization.method === 'files' ? 'files' : 'shards'}, sha256:${rootDigest(r.manifest.resources)} -> ${v.signature}\n`);
      return EXIT_OK;
    } catch (e) {
      return signExit(e, io, 'sign');
    }
  },
};
