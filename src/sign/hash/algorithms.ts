/**
 * Hash algorithms of the OpenSSF Model Signing reference: `sha256` (the
 * default) and `blake2` (Python's hashlib.blake2b, 64-byte digests, named
 * `blake2b` in manifests). Shards are named `<algo>-sharded-<shard size>`.
 */
import { SignError } from '../errors.js';

export type HashName = 'sha256' | 'blake2';

export interface Algorithm {
  /** Name in `serialization.hash_type`. */
  readonly id: HashName;
  /** Name recorded on each resource for whole files. */
  readonly digestName: string;
  /** node:crypto algorithm. */
  readonly node: string;
}

export const ALGORITHMS: Readonly<Record<HashName, Algorithm>> = {
  sha256: { id: 'sha256', digestName: 'sha256', node: 'sha256' },
  blake2: { id: 'blake2', digestName: 'blake2b', node: 'blake2b512' },
};

export function algorithm(name: string): Algorithm {
  if (name === 'sha256' || name === 'blake2') return ALGORITHMS[name];
  if (name === 'blake2b') return ALGORITHMS.blake2;
  throw new SignError('E_SIG_BUNDLE', `unsupported hash algorithm '${name}' (supported: sha256, blake2)`);
}

export function shardDigestName(a: Algorithm, shardSize: number): string {
  return `${a.digestName}-sharded-${shardSize}`;
}
