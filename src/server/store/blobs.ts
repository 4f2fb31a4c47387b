/**
 * Content-addressed blobs in a local folder: `blobs/sha256/ab/abcdef…`.
 * A blob is written once, by renaming a finished file into place, so a
 * reader never sees half a blob; its name is its SHA-256, so a reader can
 * check what it got.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import { RegistryError } from '../errors.js';

const HEX64 = /^[0-9a-f]{64}$/;

export class BlobStore {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
    mkdirSync(join(root, 'sha256'), { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!HEX64.test(sha256)) throw new RegistryError('E_BAD_REQUEST', 'not a SHA-256 digest');
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  size(sha256: string): number {
    return statSync(this.pathOf(sha256)).size;
  }

  /** Moves a finished file whose digest the caller computed into the store (drops it when the blob exists). */
  adopt(file: string, sha256: string): void {
    const to = this.pathOf(sha256);
    if (existsSync(to)) {
      rmSync(file, { force: true });
      return;
    }
    mkdirSync(join(this.root, 'sha256', sha256.slice(0, 2)), { recursive: true });
    renameSync(file, to);
  }

  /** Stores small content (signatures, attestations); returns its digest. */
  putBytes(data: Uint8Array | string): string {
    const sha = createHash('sha256').update(data).digest('hex');
    if (!this.has(sha)) {
      const tmp = join(this.root, `.put-${sha}-${process.pid}`);
      writeFileSync(tmp, data);
      this.adopt(tmp, sha);
    }
    return sha;
  }

  open(sha256: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(sha256), range);
  }
}

/** SHA-256 of a file, read in a stream (used when an upload resumes after a restart). */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
