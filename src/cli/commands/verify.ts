/**
 * `modelguard verify key|certificate|sigstore MODEL`: checks an OpenSSF
 * Model Signing signature and that the files on disk are what was signed.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { relativeIgnore } from '../../sign/ignore.js';
import { verifyAttestation } from '../../sign/attest.js';
import { verifyModel, type VerifyMethod } from '../../sign/verify.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { signExit, defaultSignature } from './signing-common.js';

const HELP = `Usage: modelguard verify key MODEL --public-key KEY [options]
       modelguard verify certificate MODEL --certificate-chain CA [--certificate-chain CA ...] [options]
       modelguard verify sigstore MODEL --identity ID --identity-provider ISSUER [options]

Verifies a model signature (OpenSSF Model Signing, every released variant
of the reference tool: v0.2 digests predicate, v0.3, v1.0, v1.1 bundles) and
that every signed file on disk matches its signed digest. Keyless Sigstore
signatures are checked offline against the public-good trusted root shipped
with @sigstore/tuf, or --trust-config.

Options:
  --signature <file>             signature to verify (default: model.sig inside a model
                                 folder, <file>.sig beside a model file)
  --public-key <file>            PEM public key (key method)
  --certificate-chain <file>     trust anchor certificates (certificate method); repeatable
  --identity <id>                expected signer identity (sigstore method)
  --identity-provider <url>      expected OIDC issuer (sigstore method)
  --trust-config <file>          Sigstore trusted root (or client trust config) JSON
  --ignore-paths <path>...       paths left out of the comparison; repeatable
  --ignore-unsigned-files        only check the files the signature lists
  --no-ignore-git-paths          do not skip .git and friends
  --require-clean-scan           also require a scan attestation (same signer/trust)
                                 bound to these files whose verdict is clean
  --attestation <file>           the attestation (default modelguard-scan.sig)

Exit status: 0 verified, 1 verification failed (differences listed), 2 usage or key error.
`;

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify a model signature (OpenSSF Model Signing: key, certificate or sigstore)',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values: v, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        signature: { type: 'string' },
        'public-key': { type: 'string' },
        'certificate-chain': { type: 'string', multiple: true, default: [] as string[] },
        identity: { type: 'string' },
        'identity-provider': { type: 'string' },
        'trust-config': { type: 'string' },
        'ignore-paths': { type: 'string', multiple: true, default: [] as string[] },
        'ignore-unsigned-files': { type: 'boolean', default: false },
        'no-ignore-git-paths': { type: 'boolean', default: false },
        'require-clean-scan': { type: 'boolean', default: false },
        attestation: { type: 'string', default: 'modelguard-scan.sig' },
        'ignore-git-paths': { type: 'boolean', default: true },
      },
    });
    const [mode, model] = positionals;
    if (positionals.length !== 2 || model === undefined) {
      io.stderr.write(`modelguard verify: expected key|certificate|sigstore MODEL\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const at = (f: string): string => resolve(io.cwd, f);
    let method: VerifyMethod;
    if (mode === 'key' && v['public-key'] !== undefined) method = { method: 'key', publicKey: at(v['public-key']) };
    else if (mode === 'certificate' && v['certificate-chain'].length > 0) method = { method: 'certificate', certificateChain: v['certificate-chain'].map(at) };
    else if (mode === 'sigstore' && v.identity !== undefined && v['identity-provider'] !== undefined) {
      method = {
        method: 'sigstore',
        identity: v.identity,
        identityProvider: v['identity-provider'],
        ...(v['trust-config'] === undefined ? {} : { trustedRoot: at(v['trust-config']) }),
      };
    } else {
      io.stderr.write(
        `modelguard verify: '${mode ?? ''}' needs ${mode === 'key' ? '--public-key' : mode === 'certificate' ? '--certificate-chain' : mode === 'sigstore' ? '--identity and --identity-provider' : 'a method: key, certificate or sigstore'}\n\n${HELP}`,
      );
      return EXIT_USAGE;
    }
    const attestation = at(v.attestation);
    try {
      const r = await verifyModel(resolve(io.cwd, model), method, {
        signature: v.signature === undefined ? defaultSignature(model, io.cwd) : resolve(io.cwd, v.signature),
        ignorePaths: [...relativeIgnore(model, v['ignore-paths'], io.cwd), ...(v['require-clean-scan'] ? relativeIgnore(model, [attestation], io.cwd) : [])],
        ignoreGitPaths: !v['no-ignore-git-paths'],
        ignoreUnsignedFiles: v['ignore-unsigned-files'],
      });
      io.stdout.write(
        `verified ${model}: ${r.manifest.resources.length} signed ${r.manifest.serialization.method === 'shards' ? 'shards' : 'files'} match; signed by ${r.signer}\n`,
      );
      if (v['require-clean-scan']) {
        const a = await verifyAttestation(resolve(io.cwd, model), attestation, method);
        if (a.verdict !== 'clean') {
          io.stderr.write(`modelguard verify: the attested scan (modelguard ${a.scannerVersion}, ${a.scannedAt}) found the model ${a.verdict}\n`);
          return EXIT_FINDINGS;
        }
        io.stdout.write(`scan attestation: clean (modelguard ${a.scannerVersion}, ${a.scannedAt}), bound to sha256:${a.root}, signed by ${a.signer}\n`);
      }
      return EXIT_OK;
    } catch (e) {
      return signExit(e, io, 'verify');
    }
  },
};
