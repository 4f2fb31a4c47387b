/**
 * Crash-safe output: everything is written to a temporary name beside the
 * destination (`.<name>.modelguard-<pid>-<random>.tmp`), flushed to disk
 * (fsync), then renamed over the final name and the directory flushed. An
 * interrupted conversion leaves at most a temporary file, never a partial
 * file under the final name. Folders are staged the same way and renamed
 * whole.
 */
import { closeSync, existsSync, fchmodSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTempSync, finalMode, forgetTemp, trackTemp, tempNameFor as sharedTempName } from '../files/temp.js';
import { ConvertError } from './errors.js';

/** Copy buffer: large enough to amortise system calls, small enough to keep memory flat. */
export const COPY_CHUNK = 1024 * 1024;

/** A fresh temp name beside `finalPath` (the shared helper's, `src/files/temp.ts`). */
export function tempNameFor(finalPath: string): string {
  return sharedTempName(finalPath);
}

/** Creates a staging folder beside `finalPath` (mode 0700, tracked for removal on SIGINT/SIGTERM). */
export function stagingDirFor(finalPath: string, mkdir: (p: string, mode: number) => void): string {
  const p = sharedTempName(finalPath);
  mkdir(p, 0o700);
  trackTemp(p);
  return p;
}

function ioError(what: string, e: unknown): ConvertError {
  return new ConvertError('E_CONVERT_OUTPUT', `${what}: ${(e as Error).message}`, { cause: e });
}

export function checkDestination(finalPath: string, overwrite: boolean): void {
  if (!overwrite && existsSync(finalPath)) {
    throw new ConvertError('E_CONVERT_OUTPUT', `${finalPath} exists (use --force to replace it)`);
  }
}

/** Flushes a directory entry (the rename) to disk; best effort where directories cannot be opened. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms/filesystems refuse fsync on directories; the file itself was flushed.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export class AtomicFile {
  readonly finalPath: string;
  readonly tempPath: string;
  private fd: number | undefined;

  constructor(finalPath: string, overwrite: boolean) {
    checkDestination(finalPath, overwrite);
    this.finalPath = finalPath;
    try {
      const t = createTempSync(finalPath);
      this.tempPath = t.path;
      this.fd = t.fd;
    } catch (e) {
      throw ioError(`cannot create a temporary file beside ${finalPath}`, e);
    }
  }

  get handle(): number {
    if (this.fd === undefined) throw new ConvertError('E_CONVERT_OUTPUT', `${this.tempPath} is closed`);
    return this.fd;
  }

  /** Writes all of `buf` at `position`. */
  write(buf: Uint8Array, position: number): void {
    const fd = this.handle;
    let done = 0;
    try {
      while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, position + done);
    } catch (e) {
      throw ioError(`write to ${this.tempPath} failed`, e);
    }
  }

  /** Flushes (unless `durable` is false), closes and renames into place. */
  commit(durable = true): void {
    const fd = this.handle;
    try {
      fchmodSync(fd, finalMode(0o644));
      if (durable) fsyncSync(fd);
      closeSync(fd);
      this.fd = undefined;
      renameSync(this.tempPath, this.finalPath);
      forgetTemp(this.tempPath);
    } catch (e) {
      this.abort();
      throw ioError(`cannot finish ${this.finalPath}`, e);
    }
    if (durable) fsyncDir(dirname(this.finalPath));
  }

  /** Closes and removes the temporary file (idempotent). */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed by the OS
      }
      this.fd = undefined;
    }
    rmSync(this.tempPath, { force: true });
    forgetTemp(this.tempPath);
  }
}

/** Reads exactly `length` bytes at `position` into `buf` (from 0). */
export function readExact(fd: number, buf: Uint8Array, length: number, position: number, what: string): void {
  let done = 0;
  while (done < length) {
    let n: number;
    try {
      n = readSync(fd, buf, done, length - done, position + done);
    } catch (e) {
      throw new ConvertError('E_IO', `read failed on ${what}: ${(e as Error).message}`, { cause: e });
    }
    if (n === 0) throw new ConvertError('E_TRUNCATED', `${what} ended at ${position + done} while reading`);
    done += n;
  }
}

/** Copies `length` bytes from `inFd` at `from` to `out` at `to` through `buf`. */
export function copyRange(inFd: number, from: number, out: AtomicFile, to: number, length: number, buf: Uint8Array, what: string): void {
  for (let done = 0; done < length;) {
    const n = Math.min(buf.length, length - done);
    readExact(inFd, buf, n, from + done, what);
    out.write(n === buf.length ? buf : buf.subarray(0, n), to + done);
    done += n;
  }
}
