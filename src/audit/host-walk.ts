/**
 * A bounded walk of a project folder for `audit host`: no symlinks
 * followed, dependency and VCS folders skipped, depth and entry limits
 * (CWE-400) so a home directory does not make the audit run for hours.
 */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

export const WALK_LIMITS = { maxDepth: 8, maxEntries: 50_000 } as const;
const SKIP = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', 'site-packages', '.cache']);

export interface WalkEntry {
  path: string;
  name: string;
  stat: Stats;
}

export function walkProject(root: string, limits = WALK_LIMITS): { entries: WalkEntry[]; truncated: boolean } {
  const entries: WalkEntry[] = [];
  const stack: { path: string; depth: number }[] = [{ path: root, depth: 0 }];
  let truncated = false;
  while (stack.length > 0) {
    const { path, depth } = stack.pop() as { path: string; depth: number };
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (entries.length >= limits.maxEntries) return { entries, truncated: true };
      const p = join(path, name);
      let stat: Stats;
      try {
        stat = lstatSync(p);
      } catch {
        continue;
      }
      entries.push({ path: p, name, stat });
      if (stat.isDirectory() && !SKIP.has(name)) {
        if (depth + 1 < limits.maxDepth) stack.push({ path: p, depth: depth + 1 });
        else truncated = true;
      }
    }
  }
  return { entries, truncated };
}
