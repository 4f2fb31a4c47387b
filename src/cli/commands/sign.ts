/**
 * `modelguard sign key|certificate|sigstore MODEL`: OpenSSF Model Signing
 * with the reference tool's verbs and flags.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { relativeIgnore } from '../../sign/ignore.js';
import { rootDigest } from '../../sign/manifest/manifest.js';
import { signModel, type SignMethod } from '../../sign/sign.js';
import { loadSigningServices, type SigstoreServices } from '../../sign/signing-config.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { HASH_HELP, hashOptions, signExit, defaultSignature } from './signing-common.js';
import { localSignMethod, signingKeyOptions, type SigningKeyValues } from './key-options.js';

const HELP = `Usage: modelguard sign key MODEL --private-key KEY [--password PASS] [options]
       modelguard sign certificate MODEL --private-key KEY --signing-certificate CERT
                                   [--certificate-chain CA ...] [options]
       modelguard sign sigstore MODEL [--identity-token TOKEN] [--no-use-ambient-credentials]
                                   [--fulcio-url URL --rekor-url URL [--tsa-url URL] | --trust-config FILE]
                                   [options]

Signs a model folder (or single file) in the OpenSSF Model Signing format:
a Sigstore bundle (v0.3) holding a DSSE envelope with an in-toto statement
(predicate https://model_signing/signature/v1.0) over the digest of every
file. Keys: EC P-256, P-384 or P-521 (PEM, optionally encrypted).

sign sigstore (keyless) needs network access: it gets a short-lived
certificate for your OIDC identity from Fulcio and records the signature in
Rekor (Sigstore public good unless told otherwise). The identity token comes
from --identity-token, else SIGSTORE_ID_TOKEN, else GitHub Actions
(ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN, needs 'permissions: id-token: write');
there is no interactive browser login. The log entry, with your identity, is public.

Options:
  --signature <file>             where to write the signature (default: model.sig inside a model
                                 folder, <file>.sig beside a model file)
  --private-key <file>           PEM private key
  --password <pass>              passphrase of an encrypted private key
                                 (or MODELGUARD_KEY_PASSWORD in the environment)
  --signing-certificate <file>   certificate of the signing key (certificate method)
  --certificate-chain <file>     intermediate certificates to include; repeatable
  --identity-token <jwt>         OIDC identity token (sigstore; SIGSTORE_ID_TOKEN keeps
                                 it out of the process list)
  --no-use-ambient-credentials   do not read SIGSTORE_ID_TOKEN or CI token endpoints
  --fulcio-url <url>             Fulcio instance (sigstore; with --rekor-url)
  --rekor-url <url>              Rekor instance, v1 API (sigstore)
  --tsa-url <url>                also timestamp with this RFC 3161 authority (sigstore)
  --trust-config <file>          take the service URLs from a Sigstore signing config or
                                 client trust config JSON (sigstore)
${HASH_HELP}

Exit status: 0 signed, 1 the model cannot be hashed as asked, 2 usage or key
error, or a Sigstore service unreachable or refusing (nothing is written).
`;

type Values = Record<string, string | boolean | string[] | undefined> & SigningKeyValues;

/** The --fulcio-url/--rekor-url/--tsa-url or --trust-config choice; undefined means public good. */
function sigstoreServices(v: Values, at: (f: string) => string): SigstoreServices | string | undefined {
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? v[k] : undefined);
  const fulcio = str('fulcio-url');
  const rekor = str('rekor-url');
  const tsa = str('tsa-url');
  const config = str('trust-config');
  if (config !== undefined) {
    if (fulcio !== undefined || rekor !== undefined || tsa !== undefined)
      return '--trust-config names the services: drop --fulcio-url, --rekor-url and --tsa-url';
    return loadSigningServices(at(config));
  }
  if ((fulcio === undefined) !== (rekor === undefined)) return '--fulcio-url and --rekor-url go together';
  if (fulcio === undefined || rekor === undefined) return tsa === undefined ? undefined : '--tsa-url needs --fulcio-url and --rekor-url';
  return { fulcioUrl: fulcio, rekorUrl: rekor, ...(tsa === undefined ? {} : { tsaUrl: tsa }) };
}

/** The signing method from the flags, or an error message. */
function methodFor(mode: 'key' | 'certificate' | 'sigstore', v: Values, io: CliIO): SignMethod | string {
  const at = (f: string): string => resolve(io.cwd, f);
  if (mode === 'sigstore') {
    const services = sigstoreServices(v, at);
    if (typeof services === 'string') return services;
    const token = v['identity-token'];
    return {
      method: 'sigstore',
      env: io.env,
      useAmbientCredentials: v['use-ambient-credentials'] !== false && v['no-use-ambient-credentials'] !== true,
      ...(typeof token === 'string' ? { identityToken: token } : {}),
      ...(services === undefined ? {} : { services }),
    };
  }
  return localSignMethod(v, io, mode === 'key' ? 'no' : 'yes');
}

export const signCommand: Command = {
  name: 'sign',
  summary: 'sign a model (OpenSSF Model Signing: key, certificate or sigstore)',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values: v, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...hashOptions(),
        signature: { type: 'string' },
        ...signingKeyOptions(),
        'identity-token': { type: 'string' },
        'use-ambient-credentials': { type: 'boolean', default: true },
        'no-use-ambient-credentials': { type: 'boolean', default: false },
        'fulcio-url': { type: 'string' },
        'rekor-url': { type: 'string' },
        'tsa-url': { type: 'string' },
        'trust-config': { type: 'string' },
        hash: { type: 'string', default: 'sha256' },
        'shard-size': { type: 'string' },
      },
    });
    const [mode, model] = positionals;
    if (positionals.length !== 2 || model === undefined || (mode !== 'key' && mode !== 'certificate' && mode !== 'sigstore')) {
      io.stderr.write(`modelguard sign: expected key|certificate|sigstore MODEL\n\n${HELP}`);
      return EXIT_USAGE;
    }
    if (v.hash !== 'sha256' && v.hash !== 'blake2') {
      io.stderr.write('modelguard sign: --hash must be sha256 or blake2\n');
      return EXIT_USAGE;
    }
    const method = methodFor(mode, v, io);
    if (typeof method === 'string') {
      io.stderr.write(`modelguard sign ${mode}: ${method}\n`);
      return EXIT_USAGE;
    }
    const signature = v.signature === undefined ? defaultSignature(model, io.cwd) : resolve(io.cwd, v.signature);
    try {
      const r = await signModel(resolve(io.cwd, model), method, {
        signature,
        hash: v.hash,
        ignorePaths: relativeIgnore(model, v['ignore-paths'], io.cwd),
        ignoreGitPaths: !v['no-ignore-git-paths'],
        allowSymlinks: v['allow-symlinks'],
        ...(v['shard-size'] === undefined ? {} : { shardSize: Number(v['shard-size']) }),
      });
      io.stdout.write(
        `signed ${model}: ${r.manifest.resources.length} ${r.manifest.serialization.method === 'files' ? 'files' : 'shards'}, sha256:${rootDigest(r.manifest.resources)} -> ${relative(io.cwd, signature) || signature}\n`,
      );
      return EXIT_OK;
    } catch (e) {
      return signExit(e, io, 'sign');
    }
  },
};
