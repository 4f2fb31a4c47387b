/**
 * Finding a system tool without trusting the caller's PATH first: the
 * standard system folders come before PATH, so a `bwrap` dropped into a
 * writable PATH entry does not replace the real one.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

const SYSTEM_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/local/sbin'];

export function findTool(name: string, pathVar: string | undefined = process.env['PATH']): string | undefined {
  const dirs = [...SYSTEM_DIRS, ...(pathVar ?? '').split(':').filter((d) => d.startsWith('/'))];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
