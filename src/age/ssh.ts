/**
 * The ssh-ed25519 recipient type: encrypt to an OpenSSH Ed25519 public key
 * (`ssh-ed25519 AAAA...`) and decrypt with the matching unencrypted OpenSSH
 * private key file, as `age -R ~/.ssh/id_ed25519.pub` / `age -i ~/.ssh/id_ed25519`.
 *
 * Stanza: `-> ssh-ed25519 <tag> <share>` where tag = SHA-256(SSH public key
 * blob)[:4]. The Ed25519 key is used as X25519 (Edwards y -> Montgomery u,
 * and the clamped SHA-512 of the seed as the scalar), with the shared secret
 * tweaked by X25519(HKDF(salt = key blob, info = label), ·). All on
 * node:crypto plus a BigInt field inversion; no dependency.
 */
import { byteAt } from '../bytes/at.js';
import { createHash, createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from 'node:crypto';
import { ByteReader } from '../bytes/reader.js';
import { fail, recode } from './errors.js';
import { decodeRawExact, encodeRaw } from './base64.js';
import type { Stanza } from './format.js';
import { equalBytes, hkdf, unwrapFileKey, wrapFileKey } from './primitives.js';
import type { Identity, Recipient } from './recipient.js';

const LABEL = 'age-encryption.org/v1/ssh-ed25519';
const KEY_TYPE = 'ssh-ed25519';
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
const P = 2n ** 255n - 19n;

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  let x = b % P;
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = (r * x) % P;
    x = (x * x) % P;
  }
  return r;
}

/** Ed25519 public key (Edwards y, little endian) -> X25519 public key (Montgomery u = (1+y)/(1-y)). */
export function edwardsToMontgomery(pub: Uint8Array): Uint8Array {
  if (pub.length !== 32) throw fail('E_AGE_KEY', 'Ed25519 public key must be 32 bytes');
  const le = Uint8Array.from(pub);
  le[31] = byteAt(le, 31) & 0x7f;
  const y = BigInt(`0x${Buffer.from(le).reverse().toString('hex')}`);
  if (y >= P || y === 1n) throw fail('E_AGE_KEY', 'invalid Ed25519 public key');
  const u = ((1n + y) * modPow((1n - y + P) % P, P - 2n)) % P;
  return Uint8Array.from(Buffer.from(u.toString(16).padStart(64, '0'), 'hex').reverse());
}

function x25519Private(raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' });
}

function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  let out: Buffer;
  try {
    out = diffieHellman({
      privateKey: x25519Private(scalar),
      publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519, point]), format: 'der', type: 'spki' }),
    });
  } catch (e) {
    throw fail('E_AGE_HEADER', 'ssh-ed25519 share is a low-order point', { cause: e });
  }
  if (out.every((b) => b === 0)) throw fail('E_AGE_HEADER', 'ssh-ed25519 shared secret is all zeros');
  return new Uint8Array(out);
}

function sshString(r: ByteReader, what: string): Uint8Array {
  return r.bytesView(r.u32be(what), what);
}

function wireString(b: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** The SSH wire blob of an Ed25519 public key. */
function publicBlob(pub: Uint8Array): Uint8Array {
  return Buffer.concat([wireString(Buffer.from(KEY_TYPE)), wireString(pub)]);
}

function decodeStdBase64(s: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) throw fail('E_AGE_KEY', `${what}: not base64`);
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw fail('E_AGE_KEY', `${what}: non-canonical base64`);
  return b;
}

class KeyMaterial {
  readonly blob: Uint8Array;
  readonly tag: string;
  readonly montgomery: Uint8Array;
  readonly tweak: Uint8Array;
  constructor(edPublic: Uint8Array) {
    this.blob = publicBlob(edPublic);
    this.tag = encodeRaw(createHash('sha256').update(this.blob).digest().subarray(0, 4));
    this.montgomery = edwardsToMontgomery(edPublic);
    this.tweak = hkdf(new Uint8Array(0), this.blob, LABEL);
  }
}

export class SshEd25519Recipient implements Recipient {
  private readonly key: KeyMaterial;

  constructor(edPublic: Uint8Array) {
    this.key = new KeyMaterial(edPublic);
  }

  /** Parses an OpenSSH public key line: `ssh-ed25519 AAAA... [comment]`. */
  static parse(line: string): SshEd25519Recipient {
    const [type, b64] = line.trim().split(/\s+/);
    if (type !== KEY_TYPE || b64 === undefined) throw fail('E_AGE_UNSUPPORTED', 'only ssh-ed25519 SSH keys are supported');
    const r = new ByteReader(decodeStdBase64(b64, 'SSH public key'));
    try {
      if (Buffer.from(sshString(r, 'key type')).toString('latin1') !== KEY_TYPE) throw fail('E_AGE_KEY', 'SSH key type mismatch');
      const pub = sshString(r, 'public key');
      if (pub.length !== 32 || r.remaining !== 0) throw fail('E_AGE_KEY', 'malformed ssh-ed25519 public key');
      return new SshEd25519Recipient(Uint8Array.from(pub));
    } catch (e) {
      recode(e, 'E_AGE_KEY', 'SSH public key');
    }
  }

  wrap(fileKey: Uint8Array): Stanza[] {
    const eph = randomBytes(32);
    const share = publicOf(eph);
    const secret = x25519(this.key.tweak, x25519(eph, this.key.montgomery));
    const salt = Buffer.concat([share, this.key.montgomery]);
    const body = wrapFileKey(hkdf(secret, salt, LABEL), fileKey);
    return [{ args: [KEY_TYPE, this.key.tag, encodeRaw(share)], body }];
  }
}

function publicOf(scalar: Uint8Array): Uint8Array {
  const der = createPublicKey(x25519Private(scalar)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

export class SshEd25519Identity implements Identity {
  private readonly key: KeyMaterial;
  private readonly scalar: Uint8Array;

  constructor(seed: Uint8Array, edPublic: Uint8Array) {
    this.key = new KeyMaterial(edPublic);
    this.scalar = new Uint8Array(createHash('sha512').update(seed).digest().subarray(0, 32));
  }

  /**
   * Parses an unencrypted OpenSSH private key file holding one Ed25519 key.
   * Passphrase-protected keys are `E_AGE_UNSUPPORTED`; nothing of the key
   * appears in errors.
   */
  static parse(text: string): SshEd25519Identity {
    const m = /^-----BEGIN OPENSSH PRIVATE KEY-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END OPENSSH PRIVATE KEY-----\s*$/.exec(text.trim() + '\n');
    const body = m?.[1];
    if (body === undefined) throw fail('E_AGE_KEY', 'not an OpenSSH private key file');
    const r = new ByteReader(decodeStdBase64(body.replace(/\s+/g, ''), 'OpenSSH private key'));
    try {
      const magic = r.bytesView(15, 'magic');
      if (Buffer.from(magic).toString('latin1') !== 'openssh-key-v1\0') throw fail('E_AGE_KEY', 'not an openssh-key-v1 file');
      if (Buffer.from(sshString(r, 'cipher')).toString('latin1') !== 'none') {
        throw fail('E_AGE_UNSUPPORTED', 'passphrase-protected SSH keys are not supported; decrypt with age, or remove the passphrase');
      }
      sshString(r, 'kdf');
      sshString(r, 'kdf options');
      if (r.u32be('key count') !== 1) throw fail('E_AGE_UNSUPPORTED', 'SSH key files with several keys are not supported');
      const outer = sshString(r, 'public key blob');
      const priv = new ByteReader(sshString(r, 'private section'));
      if (priv.u32be('check') !== priv.u32be('check')) throw fail('E_AGE_KEY', 'corrupt OpenSSH private key (check words differ)');
      if (Buffer.from(sshString(priv, 'key type')).toString('latin1') !== KEY_TYPE) {
        throw fail('E_AGE_UNSUPPORTED', 'only ssh-ed25519 SSH keys are supported');
      }
      const pub = sshString(priv, 'public key');
      const secret = sshString(priv, 'private key');
      if (pub.length !== 32 || secret.length !== 64 || !equalBytes(secret.subarray(32), pub) || !equalBytes(publicBlob(pub), outer)) {
        throw fail('E_AGE_KEY', 'corrupt OpenSSH Ed25519 key (its public parts disagree)');
      }
      return new SshEd25519Identity(Uint8Array.from(secret.subarray(0, 32)), Uint8Array.from(pub));
    } catch (e) {
      recode(e, 'E_AGE_KEY', 'OpenSSH private key');
    }
  }

  unwrap(stanzas: readonly Stanza[]): Uint8Array | undefined {
    for (const s of stanzas) {
      if (s.args[0] !== KEY_TYPE) continue;
      const [, tagText, shareText] = s.args;
      if (s.args.length !== 3 || tagText === undefined || shareText === undefined)
        throw fail('E_AGE_HEADER', 'ssh-ed25519 stanza must have exactly two arguments');
      const tag = decodeRawExact(tagText, 4, 'ssh-ed25519 tag');
      const share = decodeRawExact(shareText, 32, 'ssh-ed25519 share');
      if (s.body.length !== 32) throw fail('E_AGE_HEADER', 'ssh-ed25519 stanza body must be 32 bytes');
      if (encodeRaw(tag) !== this.key.tag) continue;
      const secret = x25519(this.key.tweak, x25519(this.scalar, share));
      const salt = Buffer.concat([share, this.key.montgomery]);
      const fileKey = unwrapFileKey(hkdf(secret, salt, LABEL), s.body);
      if (fileKey !== undefined) return fileKey;
    }
    return undefined;
  }
}
