/**
 * Keyless (Sigstore) verification: the Fulcio certificate chain, the Rekor
 * transparency-log entry and timestamps, and the signer's identity and
 * OIDC issuer, checked by @sigstore/verify against a trusted root, fully
 * offline. The default trusted root is the public-good instance's, as
 * shipped by @sigstore/tuf; a root can also be given as a file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { SignError } from './errors.js';

const PUBLIC_GOOD = 'https://tuf-repo-cdn.sigstore.dev';

/** The trusted root shipped with @sigstore/tuf (public-good Sigstore). */
export function shippedTrustedRoot(): unknown {
  const require = createRequire(import.meta.url);
  const seeds = require('@sigstore/tuf/seeds.json') as Record<string, { targets: Record<string, string> }>;
  const b64 = seeds[PUBLIC_GOOD]?.targets['trusted_root.json'];
  if (b64 === undefined) throw new SignError('E_SIG_KEY', 'no trusted root shipped with @sigstore/tuf');
  return JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
}

export function loadTrustedRoot(path: string | undefined): unknown {
  if (path === undefined) return shippedTrustedRoot();
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    // A sigstore ClientTrustConfig wraps the trusted root.
    return doc['trustedRoot'] ?? doc;
  } catch (e) {
    throw new SignError('E_SIG_KEY', `cannot read trusted root ${path}: ${(e as Error).message}`, { cause: e });
  }
}

export interface KeylessPolicy {
  identity: string;
  issuer: string;
  trustedRoot?: string;
}

/** Verifies a keyless bundle; returns the verified identity. Throws E_SIG_VERIFY. */
export function verifyKeyless(bundleJson: Record<string, unknown>, policy: KeylessPolicy): string {
  let root;
  try {
    root = TrustedRoot.fromJSON(loadTrustedRoot(policy.trustedRoot));
  } catch (e) {
    if (e instanceof SignError) throw e;
    throw new SignError('E_SIG_KEY', `invalid trusted root: ${(e as Error).message}`, { cause: e });
  }
  try {
    const bundle = bundleFromJSON(bundleJson);
    const signer = new Verifier(toTrustMaterial(root)).verify(toSignedEntity(bundle), {
      subjectAlternativeName: policy.identity,
      extensions: { issuer: policy.issuer },
    });
    return signer.identity?.subjectAlternativeName ?? policy.identity;
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new SignError('E_SIG_VERIFY', `Sigstore verification failed${code === undefined ? '' : ` (${code})`}: ${(e as Error).message}`, { cause: e });
  }
}
