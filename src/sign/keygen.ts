/**
 * EC key pairs for model signing (P-256 by default, P-384, P-521), PEM,
 * private key optionally encrypted with a passphrase (PKCS#8, AES-256-CBC).
 * The private key file is created with mode 0600 and never overwritten.
 */
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { SignError } from './errors.js';

export type Curve = 'P-256' | 'P-384' | 'P-521';

const NAMED: Record<Curve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

export interface KeyPair {
  privatePem: string;
  publicPem: string;
}

export function generateSigningKey(curve: Curve = 'P-256', passphrase?: string): KeyPair {
  const named = (NAMED as Partial<Record<string, string>>)[curve];
  if (named === undefined) throw new SignError('E_SIG_CURVE', `unsupported curve ${curve as string} (P-256, P-384, P-521)`);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: named });
  const privatePem =
    passphrase === undefined
      ? (privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)
      : (privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string);
  return { privatePem, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
}

/** Creates `path` exclusively with `mode` (refuses to overwrite). */
export function writeNewFile(path: string, text: string, mode: number): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', mode);
  } catch (e) {
    throw new SignError('E_SIG_KEY', `cannot create ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export function writeKeyPair(prefix: string, pair: KeyPair): { privatePath: string; publicPath: string } {
  const privatePath = `${prefix}.key`;
  const publicPath = `${prefix}.pub`;
  writeNewFile(privatePath, pair.privatePem, 0o600);
  writeNewFile(publicPath, pair.publicPem, 0o644);
  return { privatePath, publicPath };
}
