/**
 * Lists the files under a path for scanning. Follows file symlinks (model
 * caches such as Hugging Face's point snapshots at blobs) and directory
 * symlinks once (loops are cut by real path), and reports anything that is
 * not a regular file instead of opening it (a FIFO would block forever).
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasEscapedBytes, nameFromBytes } from '../bytes/names.js';
import { ModelguardError } from '../errors.js';

export interface WalkItem {
  /** Path to open (its bytes when the name is not UTF-8). */
  path: FsPath;
  /** Name shown in reports: relative to the scanned directory, `/`-separated. */
  display: string;
  /** Set when the item cannot be scanned as a file (special file, unreadable, broken link). */
  problem?: string;
}

/** The reason a special file is skipped. */
export const NOT_REGULAR = 'not a regular file (device, FIFO or socket); not opened';

/** Directory entries listed before giving up (CWE-400 on huge trees). */
const MAX_FILES = 1_000_000;

/** A path as the file system takes it: a string, or the raw bytes of a name that is not UTF-8. */
export type FsPath = string | Buffer;

interface Entry {
  /** The name to open: a string, or its bytes when they are not UTF-8. */
  raw: FsPath;
  /** The name to show (bytes that are not UTF-8 kept as U+DC80..U+DCFF, see `src/bytes/names.ts`). */
  name: string;
  dirent: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean };
}

function joinPath(dir: FsPath, name: FsPath): FsPath {
  if (typeof dir === 'string' && typeof name === 'string') return join(dir, name);
  return Buffer.concat([Buffer.from(dir), Buffer.from('/'), Buffer.from(name)]);
}

/** Lists a directory sorted by name; entries whose names are not UTF-8 keep their bytes (a lossy name would not open). */
function list(dir: FsPath): Entry[] {
  // Entry types come with the listing (d_type), so regular files cost no lstat each.
  let entries: Entry[] = readdirSync(dir, { withFileTypes: true }).map((d) => ({ raw: d.name, name: d.name, dirent: d }));
  if (entries.some((e) => e.name.includes('\ufffd'))) {
    const raw = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' }) as unknown as {
      name: Buffer;
      isFile(): boolean;
      isDirectory(): boolean;
      isSymbolicLink(): boolean;
    }[];
    entries = raw.map((d) => {
      const name = nameFromBytes(d.name);
      return { raw: hasEscapedBytes(name) ? d.name : name, name, dirent: d };
    });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function walk(root: string): WalkItem[] {
  let st;
  try {
    st = statSync(root);
  } catch (e) {
    throw new ModelguardError('E_IO', `cannot read ${root}: ${(e as Error).message}`, { cause: e });
  }
  if (!st.isDirectory()) {
    // Given as an argument, a FIFO, socket or device is named and skipped too, never opened (a FIFO would block forever).
    return st.isFile() ? [{ path: root, display: root }] : [{ path: root, display: root, problem: NOT_REGULAR }];
  }
  const out: WalkItem[] = [];
  const seen = new Set<string>();
  // `rel` is `dir` relative to the root, `/`-separated ('' for the root itself).
  const visit = (dir: FsPath, rel: string): void => {
    let real: string;
    try {
      real = realpathSync(dir, { encoding: 'buffer' }).toString('latin1');
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries: Entry[];
    try {
      entries = list(dir);
    } catch (e) {
      out.push({ path: dir, display: rel, problem: `cannot list directory: ${(e as Error).message}` });
      return;
    }
    for (const ent of entries) {
      if (out.length >= MAX_FILES) throw new ModelguardError('E_LIMIT', `more than ${MAX_FILES} files under ${root}`);
      const p = joinPath(dir, ent.raw);
      const display = rel === '' ? ent.name : `${rel}/${ent.name}`;
      if (ent.dirent.isFile()) {
        out.push({ path: p, display });
        continue;
      }
      let s;
      try {
        s = ent.dirent.isSymbolicLink() ? statSync(p) : ent.dirent.isDirectory() ? undefined : lstatSync(p);
      } catch (e) {
        out.push({ path: p, display, problem: `unreadable or broken link: ${(e as Error).message}` });
        continue;
      }
      if (s === undefined ? ent.dirent.isDirectory() : s.isDirectory()) visit(p, display);
      else if (s?.isFile() === true) out.push({ path: p, display });
      else out.push({ path: p, display, problem: NOT_REGULAR });
    }
  };
  visit(root, '');
  return out;
}
