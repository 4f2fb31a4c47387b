/**
 * Which tar member torch's legacy_load really reads for each of its names.
 *
 * legacy_load (torch/serialization.py) calls `tar.extract('storages')`,
 * `tar.extract('tensors')` and `tar.extractfile('pickle')`. CPython's
 * tarfile (Lib/tarfile.py, `getmember` → `_getmember`) takes the LAST
 * member of a name ("its last occurrence is assumed to be the most
 * up-to-date version"), and a link reads another member's data
 * (`_find_link_target`): a hard link the last member of its normalised
 * link name before it, for `extractfile` also a symbolic link, resolved
 * against the link's folder over the whole archive (`extract` of a
 * symbolic link makes a link in a temporary folder that holds nothing else,
 * so nothing is read through it). A scanner that reads the first member of
 * a name, or skips links, walks bytes torch never reads and misses the ones
 * it does.
 */
import type { TarEntry } from '../../containers/tar/reader.js';

/** The members legacy_load reads with a record walker, and how it opens each. */
export const LOADER_MEMBERS = { storages: 'extract', tensors: 'extract', pickle: 'extractfile' } as const;
export type LoaderMember = keyof typeof LOADER_MEMBERS;

/** Links followed before giving up (CWE-835: a link cycle); tarfile itself recurses until RecursionError. */
export const MAX_LINK_HOPS = 16;

/** `os.path.normpath` for the POSIX names tarfile compares (`a/./b`, `a//b`, `a/x/../b`). */
export function normPath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (c !== '..' || !abs) out.push(c);
  }
  const s = out.join('/');
  return abs ? `/${s}` : s === '' ? '.' : s;
}

function dirName(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** `_getmember(name, tarinfo=limit, normalize)`: the last member named `name` before index `limit`. */
function lastBefore(entries: readonly TarEntry[], limit: number, name: string, normalize: boolean): number {
  const want = normalize ? normPath(name) : name;
  for (let i = Math.min(limit, entries.length) - 1; i >= 0; i--) {
    const e = entries[i];
    if (e !== undefined && (normalize ? normPath(e.name) : e.name) === want) return i;
  }
  return -1;
}

export interface MemberRead {
  /** The member whose bytes the loader reads, if any. */
  entry: TarEntry;
  /** Why it is not simply the only member of that name (a duplicate, a link), for a finding. */
  detour?: string;
}

/** The member torch reads as `name`, following tarfile; undefined when the load fails there. */
export function loaderMember(entries: readonly TarEntry[], name: LoaderMember): MemberRead | undefined {
  let i = lastBefore(entries, entries.length, name, false);
  if (i < 0) return undefined;
  const first = entries.findIndex((e) => e.name === name);
  const detours: string[] = first === i ? [] : [`the last of several members named '${name}'`];
  for (let hops = 0; hops < MAX_LINK_HOPS; hops++) {
    const e = entries[i];
    if (e === undefined) return undefined;
    if (e.type === 'file') return detours.length === 0 ? { entry: e } : { entry: e, detour: detours.join(', then ') };
    if (e.type === 'hardlink') {
      i = lastBefore(entries, i, e.linkName, true);
      detours.push(`a hard link to '${e.linkName}'`);
    } else if (e.type === 'symlink' && LOADER_MEMBERS[name] === 'extractfile') {
      i = lastBefore(entries, entries.length, [dirName(e.name), e.linkName].filter((s) => s !== '').join('/'), true);
      detours.push(`a symbolic link to '${e.linkName}'`);
    } else {
      return undefined;
    }
    if (i < 0) return undefined;
  }
  return undefined;
}
