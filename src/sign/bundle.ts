/**
 * Sigstore bundles as model signatures: parsed strictly (size, depth,
 * shape, canonical base64) before anything is verified, and written in the
 * v0.3 form the reference writes.
 */
import { parseStrictJson } from '../bytes/strict-json.js';
import { SignError } from './errors.js';

export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const MEDIA_TYPES = new Set([
  BUNDLE_V03,
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
]);

/** Largest signature file read (a sharded manifest of a large model is big, but not this big; CWE-400). */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;
/** Nesting accepted in a bundle (real ones are under 10 levels; CWE-674). */
const MAX_DEPTH = 32;

export type KeyMaterial =
  | { kind: 'publicKey'; hint: string | undefined; rawBytes: Buffer | undefined }
  | { kind: 'chain'; certificates: Buffer[] }
  | { kind: 'certificate'; certificate: Buffer };

export interface ParsedBundle {
  mediaType: string;
  material: KeyMaterial;
  payloadType: string;
  payload: Buffer;
  signatures: Buffer[];
  /** The bundle as JSON, for keyless verification by @sigstore/verify. */
  json: Record<string, unknown>;
  /** Transparency-log entries present (keyless bundles). */
  tlogEntries: number;
}

function bad(message: string): SignError {
  return new SignError('E_SIG_BUNDLE', `invalid signature bundle: ${message}`);
}

/**
 * The fields a bundle may hold (protobuf-specs `Bundle` in its JSON form,
 * as the reference and sigstore-js write it). `true`: a scalar or a value
 * checked where it is used; an object: the allowed fields of a nested
 * object (or of every item of a list). Anything else is refused: a field
 * this parser does not know is a field some other verifier might honour.
 */
type Shape = true | { readonly [field: string]: Shape };
const TLOG_ENTRY: Shape = {
  logIndex: true,
  logId: { keyId: true },
  kindVersion: { kind: true, version: true },
  integratedTime: true,
  inclusionPromise: { signedEntryTimestamp: true },
  inclusionProof: { logIndex: true, rootHash: true, treeSize: true, hashes: true, checkpoint: { envelope: true } },
  canonicalizedBody: true,
};
const BUNDLE_SHAPE: Shape = {
  mediaType: true,
  verificationMaterial: {
    publicKey: { hint: true, rawBytes: true, keyDetails: true },
    x509CertificateChain: { certificates: { rawBytes: true } },
    certificate: { rawBytes: true },
    tlogEntries: TLOG_ENTRY,
    timestampVerificationData: { rfc3161Timestamps: { signedTimestamp: true } },
  },
  dsseEnvelope: { payload: true, payloadType: true, signatures: { sig: true, keyid: true } },
  messageSignature: true,
};

function checkShape(v: unknown, shape: Shape, where: string): void {
  if (shape === true) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      checkShape(x, shape, `${where}[${i}]`);
    });
    return;
  }
  if (typeof v !== 'object' || v === null) return; // types are checked where the value is read
  for (const [k, x] of Object.entries(v)) {
    const sub = shape[k];
    if (sub === undefined) throw bad(`unknown field '${where === '' ? k : `${where}.${k}`}'`);
    checkShape(x, sub, where === '' ? k : `${where}.${k}`);
  }
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw bad(`${what} must be a string`);
  return v;
}

/** Standard base64 with padding; non-canonical encodings are refused (they hide different bytes from different decoders). */
export function b64(v: unknown, what: string): Buffer {
  const s = str(v, what);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw bad(`${what} is not canonical base64`);
  const out = Buffer.from(s, 'base64');
  if (out.toString('base64') !== s) throw bad(`${what} is not canonical base64`);
  return out;
}

export function parseBundle(text: string | Uint8Array): ParsedBundle {
  const size = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
  if (size > MAX_BUNDLE_BYTES) throw bad(`larger than ${MAX_BUNDLE_BYTES} bytes`);
  let doc: unknown;
  try {
    // Strict JSON: a repeated key is refused (two parsers would each see a different value), depth bounded (CWE-674).
    doc = parseStrictJson(text, { maxDepth: MAX_DEPTH, duplicates: 'error', what: 'signature bundle' });
  } catch (e) {
    throw new SignError('E_SIG_BUNDLE', `invalid signature bundle: ${(e as Error).message}`, { cause: e });
  }
  const b = obj(doc, 'the bundle');
  checkShape(b, BUNDLE_SHAPE, '');
  const mediaType = str(b['mediaType'], 'mediaType');
  if (!MEDIA_TYPES.has(mediaType)) throw bad(`unknown mediaType '${mediaType}'`);
  const vm = obj(b['verificationMaterial'], 'verificationMaterial');
  let material: KeyMaterial;
  if (vm['publicKey'] !== undefined) {
    const pk = obj(vm['publicKey'], 'verificationMaterial.publicKey');
    const hint = pk['hint'] === undefined || pk['hint'] === null ? undefined : str(pk['hint'], 'publicKey.hint');
    if (hint !== undefined && !/^[0-9a-f]{64}$/.test(hint)) throw bad('publicKey.hint is not a SHA-256 hex digest');
    material = { kind: 'publicKey', hint, rawBytes: pk['rawBytes'] === undefined ? undefined : b64(pk['rawBytes'], 'publicKey.rawBytes') };
  } else if (vm['x509CertificateChain'] !== undefined) {
    const chain = obj(vm['x509CertificateChain'], 'x509CertificateChain');
    const certs = chain['certificates'];
    if (!Array.isArray(certs) || certs.length === 0 || certs.length > 10) throw bad('x509CertificateChain.certificates must hold 1 to 10 certificates');
    material = { kind: 'chain', certificates: certs.map((c, i) => b64(obj(c, `certificate ${i}`)['rawBytes'], `certificate ${i}`)) };
  } else if (vm['certificate'] !== undefined) {
    material = { kind: 'certificate', certificate: b64(obj(vm['certificate'], 'certificate')['rawBytes'], 'certificate') };
  } else {
    throw bad('verificationMaterial has no publicKey, x509CertificateChain or certificate');
  }
  const tlog = vm['tlogEntries'];
  if (tlog !== undefined && !Array.isArray(tlog)) throw bad('tlogEntries must be a list');
  if (material.kind === 'certificate' && (!Array.isArray(tlog) || tlog.length === 0)) {
    // A single short-lived certificate is keyless signing: it is only meaningful with its log entry.
    throw bad('a keyless (single certificate) bundle without transparency-log entries');
  }
  if (b['messageSignature'] !== undefined) throw bad('a message signature bundle, not a DSSE envelope');
  const env = obj(b['dsseEnvelope'], 'dsseEnvelope');
  const sigs = env['signatures'];
  if (!Array.isArray(sigs) || sigs.length === 0) throw bad('dsseEnvelope.signatures must hold a signature');
  // One signer per bundle, as the reference writes; several would each need a key, and checking one would pass the rest unseen.
  if (sigs.length > 1) throw bad(`dsseEnvelope holds ${sigs.length} signatures; exactly one is accepted`);
  return {
    mediaType,
    material,
    payloadType: str(env['payloadType'], 'payloadType'),
    payload: b64(env['payload'], 'payload'),
    signatures: sigs.map((s, i) => b64(obj(s, `signature ${i}`)['sig'], `signature ${i}`)),
    json: b,
    tlogEntries: Array.isArray(tlog) ? tlog.length : 0,
  };
}

export interface BundleParts {
  payload: Buffer;
  signature: Buffer;
  material: { publicKeyHint: string } | { certificates: Buffer[] };
}

/** A v0.3 bundle as the reference writes it for key and certificate signing. */
export function serializeBundle(p: BundleParts): string {
  const verificationMaterial =
    'publicKeyHint' in p.material
      ? { publicKey: { hint: p.material.publicKeyHint }, tlogEntries: [] }
      : { x509CertificateChain: { certificates: p.material.certificates.map((c) => ({ rawBytes: c.toString('base64') })) }, tlogEntries: [] };
  return JSON.stringify({
    mediaType: BUNDLE_V03,
    verificationMaterial,
    dsseEnvelope: {
      payload: p.payload.toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: p.signature.toString('base64'), keyid: '' }],
    },
  });
}
