/**
 * `modelguard sign key|certificate|sigstore MODEL`: OpenSSF Model Signing
 * with the reference tool's verbs and flags.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { relativeIgnore } from '../../sign/ignore.js';
import { rootDigest } from '../../sign/manifest/manifest.js';
import { SignError } from '../../sign/errors.js';
import { PUBLIC_GOOD_SERVICES, type SigningServices } from '../../sign/keyless-sign.js';
import { signModel, type SignMethod } from '../../sign/sign.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { HASH_HELP, hashOptions, signExit } from './signing-common.js';

const HELP = `Usage: modelguard sign key MODEL --private-key KEY [--password PASS] [options]
       modelguard sign certificate MODEL --private-key KEY --signing-certificate CERT
                                   [--certificate-chain CA ...] [options]
       modelguard sign sigstore MODEL [--identity-token TOKEN] [options]

Signs a model folder (or single file) in the OpenSSF Model Signing format:
a Sigstore bundle (v0.3) holding a DSSE envelope with an in-toto statement
(predicate https://model_signing/signature/v1.0) over the digest of every
file. Keys: EC P-256, P-384 or P-521 (PEM, optionally encrypted).
Keyless signing (sign sigstore) needs network access: an OIDC identity
token (--identity-token, SIGSTORE_ID_TOKEN, or GitHub Actions' id-token
endpoint), a certificate from Fulcio and an entry in Rekor (public-good
Sigstore unless other services are named).

Options:
  --signature <file>             where to write the signature (default model.sig)
  --private-key <file>           PEM private key
  --password <pass>              passphrase of an encrypted private key
                                 (or MODELGUARD_KEY_PASSWORD in the environment)
  --signing-certificate <file>   certificate of the signing key (certificate method)
  --certificate-chain <file>     intermediate certificates to include; repeatable
  --identity-token <jwt>         OIDC identity token (sigstore method)
  --no-use-ambient-credentials   do not read a token from the environment / CI
  --fulcio-url, --rekor-url, --tsa-url <url>
                                 Sigstore services (default public good)
  --trust-config <file>          client trust config naming the services
${HASH_HELP}

Exit status: 0 signed, 1 the model cannot be hashed as asked, 2 usage or key error.
`;

export const signCommand: Command = {
  name: 'sign',
  summary: 'sign a model (OpenSSF Model Signing: key, certificate or keyless sigstore)',
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
        'identity-token': { type: 'string' },
        'use-ambient-credentials': { type: 'boolean', default: true },
        'no-use-ambient-credentials': { type: 'boolean', default: false },
        'fulcio-url': { type: 'string' },
        'rekor-url': { type: 'string' },
        'tsa-url': { type: 'string' },
        'trust-config': { type: 'string' },
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
    const at = (f: string): string => resolve(io.cwd, f);
    let method: SignMethod;
    if (mode === 'sigstore') {
      let services: SigningServices;
      try {
        services = v['trust-config'] === undefined ? { ...PUBLIC_GOOD_SERVICES } : servicesFromTrustConfig(at(v['trust-config']));
      } catch (e) {
        return signExit(e, io, 'sign');
      }
      if (v['fulcio-url'] !== undefined) services.fulcioUrl = v['fulcio-url'];
      if (v['rekor-url'] !== undefined) services.rekorUrl = v['rekor-url'];
      if (v['tsa-url'] !== undefined) services.tsaUrl = v['tsa-url'];
      const token = v['identity-token'];
      method = {
        method: 'sigstore',
        services,
        env: io.env,
        useAmbientCredentials: v['use-ambient-credentials'] && !v['no-use-ambient-credentials'],
        ...(token === undefined ? {} : { identityToken: token }),
      };
      return sign(model, method, v, io);
    }
    const key = v['private-key'];
    if (key === undefined) {
      io.stderr.write('modelguard sign: --private-key is required\n');
      return EXIT_USAGE;
    }
    const password = v.password ?? io.env['MODELGUARD_KEY_PASSWORD'];
    if (mode === 'key') method = { method: 'key', privateKey: at(key), ...(password === undefined ? {} : { password }) };
    else {
      const cert = v['signing-certificate'];
      if (cert === undefined) {
        io.stderr.write('modelguard sign certificate: --signing-certificate is required\n');
        return EXIT_USAGE;
      }
      method = { method: 'certificate', privateKey: at(key), signingCertificate: at(cert), certificateChain: v['certificate-chain'].map(at), ...(password === undefined ? {} : { password }) };
    }
    return sign(model, method, v, io);
  },
};

interface SignValues {
  signature: string;
  hash: string;
  'ignore-paths': string[];
  'no-ignore-git-paths': boolean;
  'allow-symlinks': boolean;
  'shard-size'?: string | undefined;
}

async function sign(model: string, method: SignMethod, v: SignValues, io: CliIO): Promise<number> {
  const signature = resolve(io.cwd, v.signature);
  try {
    const r = await signModel(resolve(io.cwd, model), method, {
      signature,
      hash: v.hash as 'sha256' | 'blake2',
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
}

/** Fulcio, Rekor (v1 API) and TSA URLs from a Sigstore client trust config's signingConfig. */
function servicesFromTrustConfig(path: string): SigningServices {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new SignError('E_SIG_KEY', `cannot read trust config ${path}: ${(e as Error).message}`, { cause: e });
  }
  const sc = (doc['signingConfig'] ?? {}) as Record<string, unknown>;
  const first = (list: unknown): string | undefined => {
    if (!Array.isArray(list)) return undefined;
    for (const s of list as { url?: unknown; majorApiVersion?: unknown }[]) {
      if (typeof s?.url === 'string' && (s.majorApiVersion === undefined || s.majorApiVersion === 1)) return s.url;
    }
    return undefined;
  };
  const fulcioUrl = first(sc['caUrls']);
  const rekorUrl = first(sc['rekorTlogUrls']);
  if (fulcioUrl === undefined || rekorUrl === undefined) {
    throw new SignError('E_SIG_KEY', `${path} has no signingConfig with caUrls and rekorTlogUrls (Rekor v1 API)`);
  }
  const tsaUrl = first(sc['tsaUrls']);
  return { fulcioUrl, rekorUrl, ...(tsaUrl === undefined ? {} : { tsaUrl }) };
}
