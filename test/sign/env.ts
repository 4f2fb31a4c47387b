/** Paths and helpers for the signing tests. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

export const VECTORS = join(ROOT, 'test', 'vectors', 'model-signing');
export const REF = join(VECTORS, 'reference');
export const KEYS = join(REF, 'keys');
export const SPEC = join(VECTORS, 'spec');
export const IBM_ID = 'stefanb@us.ibm.com';
export const IBM_ISSUER = 'https://sigstore.verify.ibm.com/oauth2';

export function tmp(prefix = 'mg-sign-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A writable copy of a golden folder. */
export function copyGolden(name: string): string {
  const dir = join(tmp(), name);
  cpSync(join(REF, name), dir, { recursive: true });
  return dir;
}

export interface Golden {
  name: string;
  /** The signed model: the folder, or signme-1 for the single-file goldens. */
  model: (dir: string) => string;
  method: 'key' | 'certificate' | 'sigstore';
}

export const GOLDENS: Golden[] = ['v0.3.1', 'v1.0.0', 'v1.0.1', 'v1.1.0']
  .flatMap((v) => {
    const single = v === 'v0.3.1' || v === 'v1.0.0';
    return [
      { name: `${v}-elliptic-key`, model: (d: string) => (single ? join(d, 'signme-1') : d), method: 'key' as const },
      { name: `${v}-certificate`, model: (d: string) => d, method: 'certificate' as const },
      { name: `${v}-sigstore`, model: (d: string) => d, method: 'sigstore' as const },
    ];
  })
  .concat([{ name: 'v0.2.0-certificate', model: (d: string) => d, method: 'certificate' as const }]);

export function methodFor(g: Golden) {
  switch (g.method) {
    case 'key':
      return { method: 'key' as const, publicKey: join(KEYS, 'signing-key-pub.pem') };
    case 'certificate':
      return { method: 'certificate' as const, certificateChain: [join(KEYS, 'ca-cert.pem')] };
    case 'sigstore':
      return { method: 'sigstore' as const, identity: IBM_ID, identityProvider: IBM_ISSUER };
  }
}
