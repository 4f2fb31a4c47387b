/**
 * Random-access byte sources.
 *
 * Scanners never load a whole file: they ask a `ByteSource` for the ranges
 * they need (the zip central directory, a pickle member), which keeps a 4 GB
 * checkpoint scan to a few kilobytes of I/O. Reads are synchronous: one file
 * is scanned on one thread, and directories are spread over worker threads.
 *
 * `read` throws `E_TRUNCATED` for ranges outside the source, never clamps.
 */
import { nameFromBytes } from './names.js';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ModelguardError } from '../errors.js';
import { inBounds } from './reader.js';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes at `offset`; throws `E_TRUNCATED` if out of range. */
  read(offset: number, length: number): Uint8Array;
  /** Releases the underlying handle; reads after `close` are an error. */
  close(): void;
}

function checkRange(offset: number, length: number, size: number): void {
  if (!inBounds(offset, length, size)) {
    throw new ModelguardError('E_TRUNCATED', `range ${offset}+${length} is outside the input (${size} bytes)`, {
      offset,
    });
  }
}

/** A source over bytes already in memory (browser, tests, decompressed data). */
export class BufferSource implements ByteSource {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  get size(): number {
    return this.bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    checkRange(offset, length, this.bytes.length);
    return this.bytes.subarray(offset, offset + length);
  }
  close(): void {}
}

/** A window into another source: `[start, start + size)` of `parent`. */
export class SliceSource implements ByteSource {
  readonly parent: ByteSource;
  readonly start: number;
  readonly size: number;
  constructor(parent: ByteSource, start: number, size: number) {
    checkRange(start, size, parent.size);
    this.parent = parent;
    this.start = start;
    this.size = size;
  }
  read(offset: number, length: number): Uint8Array {
    checkRange(offset, length, this.size);
    return this.parent.read(this.start + offset, length);
  }
  close(): void {}
}

/** A file read with positioned synchronous reads; the size is fixed at open. */
export class FileSource implements ByteSource {
  readonly path: string;
  readonly size: number;
  private fd: number | undefined;

  /** `path` may be the raw bytes of a name that is not UTF-8 (`path` then shows them escaped, see `names.ts`). */
  constructor(path: string | Uint8Array) {
    this.path = typeof path === 'string' ? path : nameFromBytes(path);
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer; it is then refused below. No effect on regular files.
      this.fd = openSync(
        typeof path === 'string' ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength),
        constants.O_RDONLY | constants.O_NONBLOCK,
      );
      const st = fstatSync(this.fd);
      if (!st.isFile()) {
        closeSync(this.fd);
        this.fd = undefined;
        throw new ModelguardError('E_IO', `${this.path} is not a regular file (device, FIFO or socket)`);
      }
      this.size = st.size;
    } catch (e) {
      if (e instanceof ModelguardError) throw e;
      throw new ModelguardError('E_IO', `cannot open ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }

  read(offset: number, length: number): Uint8Array {
    return this.readInto(offset, length, new Uint8Array(length));
  }

  /** Reads `length` bytes at `offset` into the front of `out` and returns that view. */
  readInto(offset: number, length: number, out: Uint8Array): Uint8Array {
    checkRange(offset, length, this.size);
    if (this.fd === undefined) throw new ModelguardError('E_IO', `${this.path} is closed`);
    if (out.length < length) throw new RangeError('readInto: target too small');
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        n = readSync(this.fd, out, done, length - done, offset + done);
      } catch (e) {
        throw new ModelguardError('E_IO', `read failed on ${this.path}: ${(e as Error).message}`, { cause: e });
      }
      if (n === 0) {
        // The file shrank after it was opened.
        throw new ModelguardError('E_TRUNCATED', `${this.path} ended at ${offset + done} while reading`, {
          offset: offset + done,
        });
      }
      done += n;
    }
    return out.length === length ? out : out.subarray(0, length);
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** Reads the first `n` bytes (or fewer, if the source is smaller). */
export function head(src: ByteSource, n: number): Uint8Array {
  return src.read(0, Math.min(n, src.size));
}
