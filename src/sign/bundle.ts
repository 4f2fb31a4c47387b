/**
 * Sigstore bundles as model signatures: parsed strictly (size, depth,
 * shape, canonical base64) before anything is verified, and written in the
 * v0.3 form the reference writes.
 */
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

function depth(v: unknown, d = 0): void {
  if (d > MAX_DEPTH) throw bad(`nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) for (const x of v) depth(x, d + 1);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) depth(x, d + 1);
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
    doc = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch (e) {
    throw new SignError('E_SIG_BUNDLE', `invalid signature bundle: not JSON (${(e as Error).message})`, { cause: e });
  }
  depth(doc);
  const b = obj(doc, 'the bundle');
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
