/**
 * Signing keys: EC P-256, P-384 and P-521 only (what Sigstore's protobuf
 * specs and the reference accept), each signed with the digest that
 * matches its curve. PEM may be embedded in a text dump (as `openssl ... -text`
 * writes it): the PEM block is taken from it.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignError } from './errors.js';

const CURVE_HASH: Readonly<Record<string, string>> = {
  prime256v1: 'sha256',
  secp384r1: 'sha384',
  secp521r1: 'sha512',
};

/** Largest key or certificate file read. */
const MAX_KEY_FILE = 1024 * 1024;

export function readPemFile(path: string, what: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new SignError('E_SIG_KEY', `cannot read ${what} ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (buf.length > MAX_KEY_FILE) throw new SignError('E_SIG_KEY', `${what} ${path} is larger than ${MAX_KEY_FILE} bytes`);
  return buf.toString('utf8');
}

/** The PEM blocks of a given label in a text. */
export function pemBlocks(text: string, label: string): string[] {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => `${m[0]}\n`);
}

/** The digest a key's curve calls for; throws for other key types and curves. */
export function curveHash(key: KeyObject): string {
  if (key.asymmetricKeyType !== 'ec') {
    throw new SignError('E_SIG_KEY', `only elliptic-curve keys are supported, not ${key.asymmetricKeyType ?? 'a secret key'}`);
  }
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  const h = CURVE_HASH[curve];
  if (h === undefined) throw new SignError('E_SIG_CURVE', `unsupported curve '${curve}' (supported: P-256, P-384, P-521)`);
  return h;
}

export function loadPublicKey(path: string): KeyObject {
  const text = readPemFile(path, 'public key');
  const block = pemBlocks(text, 'PUBLIC KEY')[0];
  let key: KeyObject;
  try {
    key = createPublicKey(block ?? text);
  } catch (e) {
    throw new SignError('E_SIG_KEY', `${path} holds no usable public key: ${(e as Error).message}`, { cause: e });
  }
  curveHash(key);
  return key;
}

export function loadPrivateKey(path: string, password?: string): KeyObject {
  const text = readPemFile(path, 'private key');
  if (password === undefined && /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: *4, *ENCRYPTED/.test(text)) {
    throw new SignError('E_SIG_KEY', `${path} is encrypted: give its passphrase with --password or MODELGUARD_KEY_PASSWORD`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(password === undefined ? text : { key: text, passphrase: password });
  } catch (e) {
    const msg = (e as Error).message;
    const hint = /passphrase|decrypt|bad decrypt/i.test(msg) ? ' (wrong or missing --password?)' : '';
    throw new SignError('E_SIG_KEY', `${path} holds no usable private key${hint}: ${msg}`, { cause: e });
  }
  curveHash(key);
  return key;
}

/** The reference's key hint: hex SHA-256 of the SubjectPublicKeyInfo PEM. */
export function publicKeyHint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'pem' }))
    .digest('hex');
}
