/**
 * The signing-key flags that sign, attest and scan --attest share, and the
 * one place a key's passphrase comes from (--password, else
 * MODELGUARD_KEY_PASSWORD, which keeps it out of the process list).
 * Type-only imports beyond node:path: a command that merely accepts these
 * flags loads no signing code until it signs.
 */
import { resolve } from 'node:path';
import type { LocalSignMethod } from '../../sign/sign.js';
import type { CliIO } from '../command.js';

export const KEY_PASSWORD_ENV = 'MODELGUARD_KEY_PASSWORD';

/** parseArgs options naming a local signing key (a fresh object: parseArgs wants mutable defaults). */
export function signingKeyOptions() {
  return {
    'private-key': { type: 'string' as const },
    password: { type: 'string' as const },
    'signing-certificate': { type: 'string' as const },
    'certificate-chain': { type: 'string' as const, multiple: true as const, default: [] as string[] },
  };
}

/** The values `signingKeyOptions` parse to. */
export interface SigningKeyValues {
  'private-key'?: string | undefined;
  password?: string | undefined;
  'signing-certificate'?: string | undefined;
  'certificate-chain'?: string[] | undefined;
}

/** The private key's passphrase, as an optional field: --password, else the environment, else none. */
export function keyPassword(flag: string | undefined, io: CliIO): { password?: string } {
  const password = flag ?? io.env[KEY_PASSWORD_ENV];
  return password === undefined ? {} : { password };
}

/**
 * The key or certificate signing method the flags name, paths resolved
 * against the working directory, or what is missing. `certificate`: 'yes'
 * requires --signing-certificate, 'no' ignores it, 'if-given' uses it when
 * it is there.
 */
export function localSignMethod(v: SigningKeyValues, io: CliIO, certificate: 'yes' | 'no' | 'if-given'): LocalSignMethod | string {
  const at = (f: string): string => resolve(io.cwd, f);
  const key = v['private-key'];
  if (key === undefined) return '--private-key is required';
  const password = keyPassword(v.password, io);
  const cert = certificate === 'no' ? undefined : v['signing-certificate'];
  if (cert === undefined) return certificate === 'yes' ? '--signing-certificate is required' : { method: 'key', privateKey: at(key), ...password };
  const chain = v['certificate-chain'] ?? [];
  return { method: 'certificate', privateKey: at(key), signingCertificate: at(cert), certificateChain: chain.map(at), ...password };
}
