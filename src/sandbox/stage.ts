/**
 * The model's folder as the sandbox user can read it. bwrap resolves a
 * bind source by path as uid 65534, so a folder under a private ancestor
 * (a home at 0700, /root) cannot be bound: its regular files are then copied
 * to a private staging folder the sandbox can read, within a size budget.
 */
import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { SandboxError } from './errors.js';

/** Largest folder copied for staging (CWE-400); bigger ones need a readable path. */
export const MAX_STAGED_BYTES = 2 * 1024 ** 3;
const MAX_STAGED_DEPTH = 4;
const MAX_STAGED_FILES = 10_000;

/** Whether every ancestor is searchable by others and the folder readable by them. */
export function reachableByOthers(dir: string): boolean {
  try {
    if ((lstatSync(dir).mode & 0o005) !== 0o005) return false;
    for (let d = dirname(dir); ; d = dirname(d)) {
      if ((lstatSync(d).mode & 0o001) === 0) return false;
      if (d === dirname(d)) return true;
    }
  } catch {
    return false;
  }
}

function filesUnder(root: string): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isFile()) out.push({ path: p, size: st.size });
      else if (st.isDirectory() && depth < MAX_STAGED_DEPTH) walk(p, depth + 1);
      if (out.length > MAX_STAGED_FILES) throw new SandboxError('E_LIMIT', `${root} has more than ${MAX_STAGED_FILES} files to stage`);
    }
  };
  walk(root, 0);
  return out;
}

export function folderForSandbox(dir: string): { dir: string; cleanup(): void } {
  if (reachableByOthers(dir)) return { dir, cleanup: () => undefined };
  const files = filesUnder(dir);
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > MAX_STAGED_BYTES) {
    throw new SandboxError(
      'E_LIMIT',
      `${dir} is not readable by the sandbox user and holds ${total} bytes, more than the ${MAX_STAGED_BYTES} staged copy allows; move it to a readable folder`,
    );
  }
  const stage = mkdtempSync(join(tmpdir(), 'modelguard-stage-'));
  for (const f of files) {
    const to = join(stage, relative(dir, f.path));
    mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
    copyFileSync(f.path, to);
    chmodSync(to, 0o444);
  }
  chmodSync(stage, 0o755);
  return {
    dir: stage,
    cleanup: () => {
      rmSync(stage, { recursive: true, force: true });
    },
  };
}
