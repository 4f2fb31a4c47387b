/**
 * Verifying a signed model, as small named steps: read the bundle, check
 * the signature for the chosen method, parse the statement into the signed
 * manifest, hash the files on disk the way the manifest says they were
 * hashed, and compare. Any failure is a `SignError`; nothing passes by default.
 */
import { verify as cryptoVerify, type KeyObject, createPublicKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { parseBundle, type ParsedBundle, MAX_BUNDLE_BYTES } from './bundle.js';
import { verifyChain, loadCertificates } from './certificates.js';
import { INTOTO_PAYLOAD_TYPE, pae, paeCompat } from './dsse.js';
import { SignError } from './errors.js';
import { curveHash, loadPublicKey, publicKeyHint } from './keys.js';
import { verifyKeyless } from './keyless.js';
import { diffManifests } from './manifest/manifest.js';
import { hashModel, GIT_PATHS } from './manifest/serialize.js';
import { PREDICATE_COMPAT, statementManifest, type SignedManifest } from './statement.js';

export type VerifyMethod =
  | { method: 'key'; publicKey: string }
  | { method: 'certificate'; certificateChain: readonly string[] }
  | { method: 'sigstore'; identity: string; identityProvider: string; trustedRoot?: string };

export interface VerifyOptions {
  /** Signature file (default `model.sig` inside the model folder, or beside a single-file model). */
  signature: string;
  ignorePaths?: readonly string[];
  ignoreGitPaths?: boolean;
  /** Hash only the files the signature lists (extra files on disk are then not an error). */
  ignoreUnsignedFiles?: boolean;
  threads?: number;
}

export interface VerifyResult {
  manifest: SignedManifest;
  /** Who signed: key hint, certificate subject, or OIDC identity. */
  signer: string;
}

export function readBundle(path: string): ParsedBundle {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new SignError('E_SIG_BUNDLE', `cannot read signature ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (!st.isFile() || st.size > MAX_BUNDLE_BYTES) throw new SignError('E_SIG_BUNDLE', `${path} is not a signature file of at most ${MAX_BUNDLE_BYTES} bytes`);
  return parseBundle(readFileSync(path));
}

/** The predicate type, read before the signature is checked only to choose the v0.2 compatibility string. */
function claimsCompat(payload: Buffer): boolean {
  try {
    return (JSON.parse(payload.toString('utf8')) as { predicateType?: unknown }).predicateType === PREDICATE_COMPAT;
  } catch {
    return false;
  }
}

function checkEnvelope(b: ParsedBundle, key: KeyObject, v02Hash: string): void {
  if (b.payloadType !== INTOTO_PAYLOAD_TYPE) throw new SignError('E_SIG_VERIFY', `payload type is ${b.payloadType}, not ${INTOTO_PAYLOAD_TYPE}`);
  const sig = b.signatures[0] as Buffer;
  const hash = curveHash(key);
  if (cryptoVerify(hash, pae(b.payloadType, b.payload), key, sig)) return;
  // model_signing v0.2 signed a different string (and with SHA-256 for certificates).
  if (claimsCompat(b.payload)) {
    const compat = paeCompat(b.payloadType, b.payload);
    if (cryptoVerify(v02Hash, compat, key, sig) || cryptoVerify(hash, compat, key, sig)) return;
  }
  throw new SignError('E_SIG_VERIFY', 'the signature does not match the payload and key');
}

/** Checks a bundle's signature for the method; returns the signed payload. */
export function verifyEnvelope(b: ParsedBundle, m: VerifyMethod): { payload: Buffer; signer: string } {
  switch (m.method) {
    case 'key': {
      const key = loadPublicKey(m.publicKey);
      const hint = publicKeyHint(key);
      if (b.material.kind === 'publicKey') {
        if (b.material.hint !== undefined && b.material.hint !== hint) {
          throw new SignError('E_SIG_VERIFY', 'the bundle names another public key (publicKey.hint differs)');
        }
        if (b.material.rawBytes !== undefined) {
          let embedded: string | undefined;
          try {
            embedded = publicKeyHint(createPublicKey(b.material.rawBytes.toString('utf8')));
          } catch {
            embedded = undefined; // not a key: older bundles vary; the signature check decides
          }
          if (embedded !== undefined && embedded !== hint) throw new SignError('E_SIG_VERIFY', 'the bundle embeds another public key (publicKey.rawBytes)');
        }
      }
      checkEnvelope(b, key, curveHash(key));
      return { payload: b.payload, signer: `key ${hint.slice(0, 16)}…` };
    }
    case 'certificate': {
      if (b.material.kind === 'publicKey') throw new SignError('E_SIG_VERIFY', 'the bundle was signed with a bare key, not a certificate');
      const chain = b.material.kind === 'chain' ? b.material.certificates : [b.material.certificate];
      const leaf = verifyChain(chain, loadCertificates(m.certificateChain));
      checkEnvelope(b, leaf.publicKey, 'sha256');
      return { payload: b.payload, signer: `certificate ${leaf.subject.replace(/\n/g, ', ')}` };
    }
    case 'sigstore': {
      if (b.tlogEntries === 0) throw new SignError('E_SIG_VERIFY', 'a keyless signature needs a transparency-log entry');
      const who = verifyKeyless(b.json, {
        identity: m.identity,
        issuer: m.identityProvider,
        ...(m.trustedRoot === undefined ? {} : { trustedRoot: m.trustedRoot }),
      });
      if (b.payloadType !== INTOTO_PAYLOAD_TYPE) throw new SignError('E_SIG_VERIFY', `payload type is ${b.payloadType}`);
      return { payload: b.payload, signer: `${who} (${m.identityProvider})` };
    }
  }
}

/** The signature file's path relative to the model, if it lies inside it. */
function insideModel(model: string, file: string): string | undefined {
  const rel = relative(resolve(model), resolve(file));
  return rel === '' || rel.startsWith('..') || rel.startsWith(sep) ? undefined : rel.split(sep).join('/');
}

/** Checks the signature and the statement's consistency, without looking at the model. */
export function verifySignatureFile(signature: string, method: VerifyMethod): VerifyResult {
  const { payload, signer } = verifyEnvelope(readBundle(signature), method);
  return { manifest: statementManifest(payload), signer };
}

export async function verifyModel(model: string, method: VerifyMethod, o: VerifyOptions): Promise<VerifyResult> {
  const { manifest: signed, signer } = verifySignatureFile(o.signature, method);
  // A signature over nothing proves nothing: with --ignore-unsigned-files it would pass any folder.
  if (signed.resources.length === 0) throw new SignError('E_SIG_VERIFY', 'the signature lists no files; an empty manifest never verifies');
  const ser = signed.serialization;
  const sigRel = insideModel(model, o.signature);
  const ignore = [...(ser.ignore_paths ?? []), ...(o.ignorePaths ?? []), ...(sigRel === undefined ? [] : [sigRel])].filter((p) => !GIT_PATHS.includes(p));
  const only =
    o.ignoreUnsignedFiles === true
      ? new Set(signed.resources.map((r) => (ser.method === 'shards' ? r.name.slice(0, r.name.lastIndexOf(':', r.name.lastIndexOf(':') - 1)) : r.name)))
      : undefined;
  const actual = await hashModel(model, {
    hash: ser.hash_type === 'blake2' || ser.hash_type === 'blake2b' ? 'blake2' : 'sha256',
    ...(ser.method === 'shards' ? { shardSize: ser.shard_size } : {}),
    allowSymlinks: ser.allow_symlinks,
    ignorePaths: ignore,
    ignoreGitPaths: o.ignoreGitPaths !== false,
    ...(only === undefined ? {} : { only }),
    ...(o.threads === undefined ? {} : { threads: o.threads }),
  });
  if (ser.hash_type !== 'sha256' && ser.hash_type !== 'blake2' && ser.hash_type !== 'blake2b') {
    throw new SignError('E_SIG_BUNDLE', `unsupported hash type ${ser.hash_type}`);
  }
  const differences = diffManifests(actual.resources, signed.resources, o.ignoreUnsignedFiles === true);
  if (differences.length > 0) {
    const summary = differences
      .slice(0, 5)
      .map((d) => `${d.kind} ${d.name}`)
      .join(', ');
    throw new SignError('E_SIG_MISMATCH', `the model differs from what was signed: ${summary}${differences.length > 5 ? ', …' : ''}`, { differences });
  }
  return { manifest: signed, signer };
}
