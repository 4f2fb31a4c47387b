/**
 * Git's binary files (packs, pack indexes, the index, commit graphs,
 * multi-pack indexes, reverse indexes, bitmaps) all end with the hash of
 * every byte before it (git's `hashfile` trailer), SHA-1 or, in SHA-256
 * repositories, SHA-256. Verifying it is the strongest structural check
 * there is: the file is exactly what git wrote.
 */
import { createHash } from 'node:crypto';
import type { ByteSource } from '../../bytes/source.js';

const CHUNK = 1 << 20;

function digest(src: ByteSource, algorithm: 'sha1' | 'sha256', length: number): Uint8Array {
  const h = createHash(algorithm);
  for (let at = 0; at < length; at += CHUNK) h.update(src.read(at, Math.min(CHUNK, length - at)));
  return new Uint8Array(h.digest());
}

/** The hash algorithm whose digest of everything before the trailer equals the trailer, if any. */
export function trailerHash(src: ByteSource): 'SHA-1' | 'SHA-256' | undefined {
  for (const [alg, n, name] of [
    ['sha1', 20, 'SHA-1'],
    ['sha256', 32, 'SHA-256'],
  ] as const) {
    if (src.size < n) continue;
    const want = src.read(src.size - n, n);
    const got = digest(src, alg, src.size - n);
    if (got.every((b, i) => b === want[i])) return name;
  }
  return undefined;
}
