/**
 * Signing a model: hash it (manifest), wrap the manifest in an in-toto
 * statement, sign the DSSE pre-authentication encoding with an EC key
 * (digest by curve) or keylessly through Sigstore, and write a Sigstore
 * v0.3 bundle atomically (nothing is written when signing fails).
 */
import { createPublicKey, sign as cryptoSign, type KeyObject, X509Certificate } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import { writeFileAtomicSync } from '../files/temp.js';
import { serializeBundle, type BundleParts } from './bundle.js';
import { loadCertificates } from './certificates.js';
import { INTOTO_PAYLOAD_TYPE, pae } from './dsse.js';
import { SignError } from './errors.js';
import { checkKeylessReady, signKeyless, type SigstoreSignMethod } from './keyless-sign.js';
import { curveHash, loadPrivateKey, publicKeyHint } from './keys.js';
import type { Manifest } from './manifest/manifest.js';
import { hashModel, type HashOptions } from './manifest/serialize.js';
import { manifestStatement, type Statement } from './statement.js';

/** Signing with a key on this machine: synchronous, no network. */
export type LocalSignMethod =
  | { method: 'key'; privateKey: string; password?: string }
  | { method: 'certificate'; privateKey: string; password?: string; signingCertificate: string; certificateChain: readonly string[] };

/** Key, certificate, or keyless Sigstore signing (network: OIDC token, Fulcio, Rekor). */
export type SignMethod = LocalSignMethod | SigstoreSignMethod;
export type { SigstoreSignMethod };

export interface SignOptions extends Omit<HashOptions, 'only'> {
  /** Where the bundle goes (default `model.sig`). */
  signature: string;
}

export interface SignResult {
  manifest: Manifest;
  statement: Statement;
  bundle: string;
}

/** The DSSE payload of a statement, the same bytes for every method. */
function statementPayload(statement: object): Buffer {
  return Buffer.from(JSON.stringify(statement), 'utf8');
}

/** Signs a statement's payload with a local key and returns the bundle text. */
export function signStatement(statement: object, method: LocalSignMethod): string {
  const payload = statementPayload(statement);
  const key = loadPrivateKey(method.privateKey, method.password);
  const signature = signPae(payload, key);
  let material: BundleParts['material'];
  if (method.method === 'key') {
    material = { publicKeyHint: publicKeyHint(key) };
  } else {
    const [leaf] = loadCertificates([method.signingCertificate]);
    if (leaf === undefined) throw new SignError('E_SIG_KEY', `${method.signingCertificate} holds no certificate`);
    const pub = createPublicKey(key).export({ type: 'spki', format: 'der' });
    if (!leaf.publicKey.export({ type: 'spki', format: 'der' }).equals(pub)) {
      throw new SignError('E_SIG_KEY', 'the signing certificate is for another key than --private-key');
    }
    const chain = loadCertificates(method.certificateChain);
    material = { certificates: [leaf, ...chain].map((c: X509Certificate) => c.raw) };
  }
  return serializeBundle({ payload, signature, material });
}

/** Signs a statement with any method (keyless signing needs the network); returns the bundle text. */
export async function signStatementAsync(statement: object, method: SignMethod): Promise<string> {
  if (method.method === 'sigstore') return signKeyless(statementPayload(statement), method);
  return signStatement(statement, method);
}

function signPae(payload: Buffer, key: KeyObject): Buffer {
  return cryptoSign(curveHash(key), pae(INTOTO_PAYLOAD_TYPE, payload), key);
}

/** Writes to a temporary name beside the target, flushes and renames: never a half-written signature. */
export function writeAtomic(path: string, text: string): void {
  // Exclusive 0600 temp beside the target (a symlink planted there is never followed), see src/files/temp.ts.
  writeFileAtomicSync(path, text, 0o644);
}

/** The signature's path relative to the model folder when it lies inside it (it is then not signed). */
export function signatureInside(model: string, signature: string): string | undefined {
  const rel = relative(resolve(model), resolve(signature));
  return rel === '' || rel.startsWith('..') || rel.startsWith(sep) ? undefined : rel.split(sep).join('/');
}

export async function signModel(model: string, method: SignMethod, o: SignOptions): Promise<SignResult> {
  // Fail on a missing token or a bad URL before hashing (which can take minutes).
  if (method.method === 'sigstore') checkKeylessReady(method);
  const sigRel = signatureInside(model, o.signature);
  const manifest = await hashModel(model, { ...o, ignorePaths: [...(o.ignorePaths ?? []), ...(sigRel === undefined ? [] : [sigRel])] });
  const statement = manifestStatement(manifest);
  const bundle = await signStatementAsync(statement, method);
  writeAtomic(o.signature, bundle);
  return { manifest, statement, bundle };
}
