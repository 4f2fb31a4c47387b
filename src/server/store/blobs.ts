/**
 * Content-addressed blobs: the name of a blob is its SHA-256. The rest of
 * the server sees only `BlobStore`; where the bytes live (a local folder, or
 * an S3-compatible bucket: `s3-blobs.ts`) is configuration.
 *
 * Both stores keep two promises: a blob is stored under its final name only
 * once it is complete (a local rename, an S3 PUT or multipart completion,
 * each atomic), so a reader never sees half a blob; and the caller hands
 * over a finished file whose digest it computed while the bytes arrived.
 *
 * Beside blobs, a store keeps the parts of uploads in progress
 * (`uploads/<upload id>/<part>`, not content-addressed): each PATCH of a tus
 * upload is one part, so any web process can resume an upload another one
 * began (upload/tus.ts). Parts are removed once the upload is assembled.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  copyFileSync,
  writeFileSync,
} from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RegistryError } from '../errors.js';
import { tempNameFor } from '../../files/temp.js';

const HEX64 = /^[0-9a-f]{64}$/;
/** `<upload id>/<start, 16 digits>-<random hex>`: the only part names the stores accept (no path tricks). */
const PART = /^[0-9a-f]{32}\/[0-9]{16}-[0-9a-f]{8}$/;

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** `local` or `s3`, for messages. */
  readonly kind: 'local' | 's3';
  has(sha256: string): Promise<boolean>;
  /** Size in bytes (E_NOT_FOUND when absent). */
  size(sha256: string): Promise<number>;
  /** Stores a finished file whose SHA-256 the caller computed, and removes the file (also when the blob already exists). */
  adopt(file: string, sha256: string): Promise<void>;
  /** Stores a finished file whose SHA-256 the caller computed; the file is left where it is. */
  putFile(file: string, sha256: string): Promise<void>;
  /** Stores small content (signatures, attestations); returns its digest. */
  putBytes(data: Uint8Array | string): Promise<string>;
  /** The blob (or a range of it) as a stream (E_NOT_FOUND when absent). */
  open(sha256: string, range?: ByteRange): Promise<Readable>;
  /** The whole blob in memory, refused above `maxBytes` (for small blobs: attestations). */
  readBytes(sha256: string, maxBytes: number): Promise<Buffer>;
  /** Writes the blob to `file`, checking on the way that its content has the digest it is stored under. */
  copyTo(sha256: string, file: string): Promise<void>;
  delete(sha256: string): Promise<void>;
  /** Digests of stored blobs greater than `after`, ascending, at most `limit` (garbage collection walks the store with it). */
  list(after: string | undefined, limit: number): Promise<string[]>;
  /**
   * Upload parts stored, by name greater than `after`, ascending, at most `limit`, with when each was written
   * (milliseconds since the epoch; the store's clock): garbage collection finds parts no upload records with it.
   */
  listParts(after: string | undefined, limit: number): Promise<StoredPart[]>;
  /** Stores `file` as the upload part `name` (checkPartName) and removes the file; `sha256` is its digest (S3 checks it on a single PUT). */
  putPart(name: string, file: string, sha256: string): Promise<void>;
  /** The upload part as a stream (E_NOT_FOUND when absent). */
  openPart(name: string): Promise<Readable>;
  /** Removes an upload part (nothing when absent). */
  deletePart(name: string): Promise<void>;
  /**
   * Makes the part (a whole upload in one part, whose digest the caller computed as it arrived) the blob
   * `sha256` without copying it through this process; false when this store cannot (the caller assembles it).
   */
  adoptPart(name: string, sha256: string, size: number): Promise<boolean>;
  /** Releases connections (the local store has none). */
  close(): void;
}

/** An upload part found in the store. */
export interface StoredPart {
  name: string;
  writtenMs: number;
}

export function isPartName(name: string): boolean {
  return PART.test(name);
}

export function checkDigest(sha256: string): string {
  if (!HEX64.test(sha256)) throw new RegistryError('E_BAD_REQUEST', 'not a SHA-256 digest');
  return sha256;
}

export function checkPartName(name: string): string {
  if (!PART.test(name)) throw new RegistryError('E_BAD_REQUEST', 'not an upload part name');
  return name;
}

/** The key of an upload part below the store's root: `uploads/<upload id>/<part>`. */
export function partKey(name: string): string {
  return `uploads/${checkPartName(name)}`;
}

/** The key of a blob below the store's root: `sha256/ab/abcdef…`. */
export function blobKey(sha256: string): string {
  checkDigest(sha256);
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** Copies a stream to a file while hashing it; refuses content whose digest is not the expected one (the partial file is removed). */
export async function copyChecked(from: Readable, file: string, sha256: string): Promise<void> {
  const h = createHash('sha256');
  from.on('data', (chunk: Buffer) => h.update(chunk));
  try {
    await pipeline(from, createWriteStream(file));
  } catch (e) {
    rmSync(file, { force: true });
    throw e;
  }
  if (h.digest('hex') !== sha256) {
    rmSync(file, { force: true });
    throw tampered(sha256);
  }
}

function tampered(sha256: string): RegistryError {
  return new RegistryError('E_STORAGE', `blob ${sha256.slice(0, 12)}… does not have the content its name promises (storage damaged or tampered with)`);
}

/** The bytes, if their SHA-256 is the one they are stored under. */
export function checkedBytes(bytes: Buffer, sha256: string): Buffer {
  if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw tampered(sha256);
  return bytes;
}

/** Runs synchronous work as a promise, so a throw becomes a rejection like the S3 store's. */
function attempt<T>(f: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(f());
  });
}

/** Blobs in a local folder: `blobs/sha256/ab/abcdef…`; a blob is written by renaming a finished file into place. */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';
  readonly root: string;
  constructor(root: string) {
    this.root = root;
    mkdirSync(join(root, 'sha256'), { recursive: true });
  }

  pathOf(sha256: string): string {
    return join(this.root, blobKey(sha256));
  }

  has(sha256: string): Promise<boolean> {
    return attempt(() => existsSync(this.pathOf(sha256)));
  }

  async size(sha256: string): Promise<number> {
    const path = this.pathOf(sha256);
    try {
      return (await stat(path)).size;
    } catch {
      throw new RegistryError('E_NOT_FOUND', `no blob ${sha256.slice(0, 12)}…`);
    }
  }

  adopt(file: string, sha256: string): Promise<void> {
    return attempt(() => {
      const to = this.pathOf(sha256);
      if (existsSync(to)) {
        rmSync(file, { force: true });
        return;
      }
      mkdirSync(join(this.root, 'sha256', sha256.slice(0, 2)), { recursive: true });
      renameSync(file, to);
    });
  }

  async putFile(file: string, sha256: string): Promise<void> {
    if (await this.has(sha256)) return;
    const tmp = tempNameFor(join(this.root, `put-${sha256}`));
    copyFileSync(file, tmp);
    await this.adopt(tmp, sha256);
  }

  async putBytes(data: Uint8Array | string): Promise<string> {
    const sha = createHash('sha256').update(data).digest('hex');
    if (!(await this.has(sha))) {
      const tmp = tempNameFor(join(this.root, `put-${sha}`));
      writeFileSync(tmp, data);
      await this.adopt(tmp, sha);
    }
    return sha;
  }

  async open(sha256: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(sha256);
    if (!(await this.has(sha256))) throw new RegistryError('E_NOT_FOUND', `no blob ${sha256.slice(0, 12)}…`);
    return createReadStream(path, range);
  }

  async readBytes(sha256: string, maxBytes: number): Promise<Buffer> {
    if ((await this.size(sha256)) > maxBytes) throw new RegistryError('E_TOO_LARGE', `blob ${sha256.slice(0, 12)}… is larger than ${String(maxBytes)} bytes`);
    return checkedBytes(await readFile(this.pathOf(sha256)), sha256);
  }

  async copyTo(sha256: string, file: string): Promise<void> {
    await copyChecked(await this.open(sha256), file, sha256);
  }

  delete(sha256: string): Promise<void> {
    return attempt(() => {
      rmSync(this.pathOf(sha256), { force: true });
    });
  }

  list(after: string | undefined, limit: number): Promise<string[]> {
    return attempt(() => {
      const out: string[] = [];
      const from = after ?? '';
      const dirs = readdirSync(join(this.root, 'sha256'))
        .filter((d) => /^[0-9a-f]{2}$/.test(d) && d >= from.slice(0, 2))
        .sort();
      for (const d of dirs) {
        const names = readdirSync(join(this.root, 'sha256', d))
          .filter((n) => HEX64.test(n) && n.startsWith(d) && n > from)
          .sort();
        for (const n of names) {
          out.push(n);
          if (out.length >= limit) return out;
        }
      }
      return out;
    });
  }

  listParts(after: string | undefined, limit: number): Promise<StoredPart[]> {
    return attempt(() => {
      const out: StoredPart[] = [];
      const from = after ?? '';
      const root = join(this.root, 'uploads');
      if (!existsSync(root)) return out;
      const ids = readdirSync(root)
        .filter((d) => /^[0-9a-f]{32}$/.test(d) && d >= from.slice(0, 32))
        .sort();
      for (const id of ids) {
        let names: string[];
        try {
          names = readdirSync(join(root, id));
        } catch {
          continue; // removed meanwhile (its last part deleted)
        }
        for (const n of names
          .map((p) => `${id}/${p}`)
          .filter((p) => PART.test(p) && p > from)
          .sort()) {
          try {
            out.push({ name: n, writtenMs: statSync(join(root, n)).mtimeMs });
          } catch {
            continue; // deleted meanwhile
          }
          if (out.length >= limit) return out;
        }
      }
      return out;
    });
  }

  partPath(name: string): string {
    return join(this.root, partKey(name));
  }

  putPart(name: string, file: string): Promise<void> {
    return attempt(() => {
      const to = this.partPath(name);
      mkdirSync(dirname(to), { recursive: true });
      renameSync(file, to);
    });
  }

  async openPart(name: string): Promise<Readable> {
    const path = this.partPath(name);
    if (!(await attempt(() => existsSync(path)))) throw new RegistryError('E_NOT_FOUND', `no upload part ${name}`);
    return createReadStream(path);
  }

  deletePart(name: string): Promise<void> {
    return attempt(() => {
      const path = this.partPath(name);
      rmSync(path, { force: true });
      try {
        rmdirSync(dirname(path)); // the upload's folder, once its last part is gone
      } catch {
        // not empty yet
      }
    });
  }

  async adoptPart(name: string, sha256: string, size: number): Promise<boolean> {
    const path = this.partPath(name);
    const found = await stat(path).catch(() => undefined);
    if (found?.size !== size) return false;
    await this.adopt(path, sha256);
    await this.deletePart(name);
    return true;
  }

  close(): void {
    // Nothing to release.
  }
}

/** SHA-256 of a file, read in a stream (used when an upload resumes after a restart). */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Size of a local file (helper for stores that upload files). */
export function fileSize(path: string): number {
  return statSync(path).size;
}
