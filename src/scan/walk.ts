/**
 * Lists the files under a path for scanning. Follows file symlinks (model
 * caches such as Hugging Face's point snapshots at blobs) and directory
 * symlinks once (loops are cut by real path), and reports anything that is
 * not a regular file instead of opening it (a FIFO would block forever).
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { ModelguardError } from '../errors.js';

export interface WalkItem {
  /** Path to open. */
  path: string;
  /** Name shown in reports: relative to the scanned directory, `/`-separated. */
  display: string;
  /** Set when the item cannot be scanned as a file (special file, unreadable, broken link). */
  problem?: string;
}

/** Directory entries listed before giving up (CWE-400 on huge trees). */
const MAX_FILES = 1_000_000;

export function walk(root: string): WalkItem[] {
  let st;
  try {
    st = statSync(root);
  } catch (e) {
    throw new ModelguardError('E_IO', `cannot read ${root}: ${(e as Error).message}`, { cause: e });
  }
  if (!st.isDirectory()) return [{ path: root, display: root }];
  const out: WalkItem[] = [];
  const seen = new Set<string>();
  // `rel` is `dir` relative to the root, `/`-separated ('' for the root itself).
  const visit = (dir: string, rel: string): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries: Dirent[];
    try {
      // Entry types come with the listing (d_type), so regular files cost no lstat each.
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      out.push({ path: dir, display: rel, problem: `cannot list directory: ${(e as Error).message}` });
      return;
    }
    for (const ent of entries) {
      if (out.length >= MAX_FILES) throw new ModelguardError('E_LIMIT', `more than ${MAX_FILES} files under ${root}`);
      const p = join(dir, ent.name);
      const display = rel === '' ? ent.name : `${rel}/${ent.name}`;
      if (ent.isFile()) {
        out.push({ path: p, display });
        continue;
      }
      let s;
      try {
        s = ent.isSymbolicLink() ? statSync(p) : ent.isDirectory() ? undefined : lstatSync(p);
      } catch (e) {
        out.push({ path: p, display, problem: `unreadable or broken link: ${(e as Error).message}` });
        continue;
      }
      if (s === undefined ? ent.isDirectory() : s.isDirectory()) visit(p, display);
      else if (s?.isFile() === true) out.push({ path: p, display });
      else out.push({ path: p, display, problem: 'not a regular file (device, FIFO or socket); not opened' });
    }
  };
  visit(root, '');
  return out;
}
