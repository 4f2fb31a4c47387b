/**
 * Which files make up a model, as the reference serializer decides:
 * everything under the model path (or the single file it names), minus
 * ignored paths (each ignores itself and everything under it), with
 * symbolic links refused unless allowed, and special files refused always.
 * Directory symlink loops are an error, not an infinite walk.
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SignError } from '../errors.js';

export interface ModelFile {
  /** Absolute or caller-relative path to read. */
  path: string;
  /** POSIX path relative to the model root; `.` for a single-file model. */
  name: string;
  size: number;
  mtimeMs: number;
}

export interface WalkOptions {
  /** POSIX paths relative to the model root. */
  ignore: readonly string[];
  allowSymlinks: boolean;
}

/** Files walked before giving up (CWE-400). */
const MAX_FILES = 1_000_000;

function isIgnored(rel: string, ignore: readonly string[]): boolean {
  return ignore.some((p) => {
    const i = p.replace(/\/+$/, '');
    return i === '.' || i === '' ? false : rel === i || rel.startsWith(`${i}/`);
  });
}

function check(path: string, allowSymlinks: boolean): Stats {
  let l: Stats;
  try {
    l = lstatSync(path);
  } catch (e) {
    throw new SignError('E_SIG_MODEL', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (l.isSymbolicLink()) {
    if (!allowSymlinks)
      throw new SignError('E_SIG_MODEL', `${path} is a symbolic link (links are followed only when the model is signed with --allow-symlinks)`);
    try {
      l = statSync(path);
    } catch (e) {
      throw new SignError('E_SIG_MODEL', `${path} is a broken symbolic link`, { cause: e });
    }
  }
  if (!l.isFile() && !l.isDirectory()) {
    throw new SignError('E_SIG_MODEL', `${path} is neither a file nor a directory (special file)`);
  }
  return l;
}

export function listModelFiles(model: string, opts: WalkOptions): ModelFile[] {
  const root = check(model, opts.allowSymlinks);
  if (root.isFile()) return [{ path: model, name: '.', size: root.size, mtimeMs: root.mtimeMs }];
  const out: ModelFile[] = [];
  const active = new Set<string>();
  const visit = (dir: string): void => {
    const real = realpathSync(dir);
    if (active.has(real)) throw new SignError('E_SIG_MODEL', `symbolic link loop at ${dir}`);
    active.add(real);
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      const rel = relative(model, p).split(sep).join('/');
      if (isIgnored(rel, opts.ignore)) continue;
      const st = check(p, opts.allowSymlinks);
      if (st.isDirectory()) visit(p);
      else {
        out.push({ path: p, name: rel, size: st.size, mtimeMs: st.mtimeMs });
        if (out.length > MAX_FILES) throw new SignError('E_SIG_MODEL', `more than ${MAX_FILES} files in the model`);
      }
    }
    active.delete(real);
  };
  visit(model);
  return out;
}
