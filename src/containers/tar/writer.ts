/**
 * A small streaming tar writer (POSIX ustar, with pax extended headers for
 * long names and large sizes), used to turn a `checkpoint-N/` folder into
 * one archive. Files are read block by block: memory stays constant.
 *
 * Only directories and regular files are archived, in sorted order, with
 * relative names under the folder's own name. Symbolic links and special
 * files are skipped and reported (a link could point outside the folder).
 */
import { opendir, open, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelguardError } from '../../errors.js';

const BLOCK = 512;
const READ = 1024 * 1024;

export interface TarEntry {
  /** Path inside the archive, `/`-separated. */
  readonly name: string;
  readonly path: string;
  readonly type: 'file' | 'dir';
  readonly size: number;
  readonly mode: number;
  readonly mtimeMs: number;
}

/** Walks `root` and returns its entries (sorted, depth first) and the names it skipped. */
export async function listTree(root: string, prefix: string): Promise<{ entries: TarEntry[]; skipped: string[] }> {
  const entries: TarEntry[] = [];
  const skipped: string[] = [];
  async function walk(dir: string, name: string): Promise<void> {
    const st = await lstat(dir);
    entries.push({ name: `${name}/`, path: dir, type: 'dir', size: 0, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs });
    const names: string[] = [];
    for await (const d of await opendir(dir)) names.push(d.name);
    names.sort();
    for (const n of names) {
      const p = join(dir, n);
      const s = await lstat(p);
      if (s.isDirectory()) await walk(p, `${name}/${n}`);
      else if (s.isFile()) entries.push({ name: `${name}/${n}`, path: p, type: 'file', size: s.size, mode: s.mode & 0o7777, mtimeMs: s.mtimeMs });
      else skipped.push(`${name}/${n}`);
    }
  }
  await walk(root, prefix);
  return { entries, skipped };
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0');
}

function putString(buf: Buffer, off: number, len: number, s: string): void {
  buf.write(s, off, len, 'utf8');
}

function paxRecord(key: string, value: string): string {
  // Length prefix counts itself: iterate until stable.
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function header(name: string, size: number, mode: number, mtimeSec: number, type: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  putString(h, 0, 100, name);
  putString(h, 100, 8, octal(mode, 8));
  putString(h, 108, 8, octal(0, 8));
  putString(h, 116, 8, octal(0, 8));
  putString(h, 124, 12, octal(size, 12));
  putString(h, 136, 12, octal(mtimeSec, 12));
  h.fill(0x20, 148, 156);
  putString(h, 156, 1, type);
  putString(h, 257, 6, 'ustar\0');
  putString(h, 263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, `${octal(sum, 7)}\0`);
  return h;
}

function padding(size: number): Buffer {
  const r = size % BLOCK;
  return Buffer.alloc(r === 0 ? 0 : BLOCK - r);
}

/** Headers for one entry: a pax header first when the name or size does not fit ustar. */
function entryHeaders(e: TarEntry): Buffer[] {
  const out: Buffer[] = [];
  const mtime = Math.floor(e.mtimeMs / 1000);
  const nameFits = Buffer.byteLength(e.name) <= 100;
  const sizeFits = e.size < 8 ** 11;
  let short = e.name;
  if (!nameFits || !sizeFits) {
    let pax = '';
    if (!nameFits) pax += paxRecord('path', e.name);
    if (!sizeFits) pax += paxRecord('size', String(e.size));
    const body = Buffer.from(pax);
    out.push(header('PaxHeader', body.length, 0o644, mtime, 'x'), body, padding(body.length));
    short = Buffer.from(e.name).subarray(0, 100).toString('latin1');
  }
  out.push(header(short, e.type === 'dir' ? 0 : sizeFits ? e.size : 0, e.mode, mtime, e.type === 'dir' ? '5' : '0'));
  return out;
}

/**
 * Streams the tar of `entries`. Throws `E_IO` if a file changes size while
 * being archived (the archive would not match its headers).
 */
export async function* tarStream(entries: readonly TarEntry[]): AsyncGenerator<Uint8Array> {
  for (const e of entries) {
    yield* entryHeaders(e);
    if (e.type !== 'file') continue;
    const h = await open(e.path, 'r');
    try {
      let done = 0;
      while (done < e.size) {
        const buf = Buffer.allocUnsafe(Math.min(READ, e.size - done));
        const { bytesRead } = await h.read(buf, 0, buf.length, done);
        if (bytesRead === 0) throw new ModelguardError('E_IO', `${e.path} shrank while being archived`);
        done += bytesRead;
        yield buf.subarray(0, bytesRead);
      }
      const extra = await h.read(Buffer.alloc(1), 0, 1, e.size);
      if (extra.bytesRead !== 0) throw new ModelguardError('E_IO', `${e.path} grew while being archived`);
    } finally {
      await h.close();
    }
    yield padding(e.size);
  }
  yield Buffer.alloc(2 * BLOCK);
}
