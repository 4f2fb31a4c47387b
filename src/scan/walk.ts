/**
 * Lists the files under a path for scanning. Follows file symlinks (model
 * caches such as Hugging Face's point snapshots at blobs) and directory
 * symlinks once (loops are cut by real path), and reports anything that is
 * not a regular file instead of opening it (a FIFO would block forever).
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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
  const visit = (dir: string): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      out.push({ path: dir, display: show(root, dir), problem: `cannot list directory: ${(e as Error).message}` });
      return;
    }
    for (const name of names) {
      if (out.length >= MAX_FILES) throw new ModelguardError('E_LIMIT', `more than ${MAX_FILES} files under ${root}`);
      const p = join(dir, name);
      let l;
      let s;
      try {
        l = lstatSync(p);
        s = l.isSymbolicLink() ? statSync(p) : l;
      } catch (e) {
        out.push({ path: p, display: show(root, p), problem: `unreadable or broken link: ${(e as Error).message}` });
        continue;
      }
      if (s.isDirectory()) visit(p);
      else if (s.isFile()) out.push({ path: p, display: show(root, p) });
      else out.push({ path: p, display: show(root, p), problem: 'not a regular file (device, FIFO or socket); not opened' });
    }
  };
  visit(root);
  return out;
}

function show(root: string, p: string): string {
  return relative(root, p).split(sep).join('/');
}
