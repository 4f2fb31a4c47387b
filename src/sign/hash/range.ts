/**
 * Hashes one byte range of one file with large positioned reads, and
 * checks the file did not change while it was read (size and mtime before
 * and after, and the range fully present): a file that changes during
 * hashing yields no digest rather than a digest of a mix of versions.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface RangeJob {
  path: string;
  start: number;
  /** Exclusive. */
  end: number;
  /** node:crypto algorithm name. */
  node: string;
  /** Size and mtime seen when the model was listed. */
  size: number;
  mtimeMs: number;
}

export type RangeResult = { digest: string } | { error: string };

/** Read size: few enough syscalls, and small enough that each chunk is hashed while still in the L2 cache (8 MiB chunks were 8% slower). */
const CHUNK = 256 * 1024;

let buffer: Buffer | undefined;

export function hashRange(job: RangeJob): RangeResult {
  let fd: number;
  try {
    fd = openSync(job.path, 'r');
  } catch (e) {
    return { error: `cannot open ${job.path}: ${(e as Error).message}` };
  }
  try {
    const before = fstatSync(fd);
    if (before.size !== job.size || before.mtimeMs !== job.mtimeMs) return { error: `${job.path} changed since the model was listed` };
    const h = createHash(job.node);
    buffer ??= Buffer.allocUnsafe(CHUNK);
    let pos = job.start;
    while (pos < job.end) {
      const n = readSync(fd, buffer, 0, Math.min(CHUNK, job.end - pos), pos);
      if (n === 0) return { error: `${job.path} ended at ${pos} while being hashed` };
      h.update(buffer.subarray(0, n));
      pos += n;
    }
    const after = fstatSync(fd);
    if (after.size !== job.size || after.mtimeMs !== job.mtimeMs) return { error: `${job.path} changed while being hashed` };
    return { digest: h.digest('hex') };
  } catch (e) {
    return { error: `reading ${job.path}: ${(e as Error).message}` };
  } finally {
    closeSync(fd);
  }
}
