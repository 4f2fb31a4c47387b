/** The registry's signing key: generated on first start (P-256, no passphrase, mode 0600) unless one is configured. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKey, writeKeyPair } from '../../sign/keygen.js';

export interface RegistryKey {
  privateKey: string;
  publicKey: string;
  publicPem: string;
}

export function registryKey(dataDir: string, configured?: { privateKey: string; publicKey: string }): RegistryKey {
  if (configured !== undefined) return { ...configured, publicPem: readFileSync(configured.publicKey, 'utf8') };
  const dir = join(dataDir, 'keys');
  const prefix = join(dir, 'registry');
  if (!existsSync(`${prefix}.key`)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeKeyPair(prefix, generateSigningKey('P-256'));
    } catch (e) {
      // Another process of the same registry created it first.
      if (!existsSync(`${prefix}.pub`)) throw e;
    }
  }
  return { privateKey: `${prefix}.key`, publicKey: `${prefix}.pub`, publicPem: readFileSync(`${prefix}.pub`, 'utf8') };
}
