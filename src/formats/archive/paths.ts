/**
 * Where an archive entry lands when extracted: names and link targets
 * that leave the target directory. Both separators are treated as such
 * (Windows extractors split on `\`).
 */

function parts(p: string): string[] {
  return p.split(/[/\\]+/).filter((x) => x !== '' && x !== '.');
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p);
}

/** Why `name` escapes the extraction directory, or undefined if it does not. */
export function escapingName(name: string): string | undefined {
  if (isAbsolute(name)) return 'absolute path';
  if (parts(name).includes('..')) return "'..' component";
  return undefined;
}

/** Whether `rel` (components) climbs above the root when resolved from `dir` (components). */
function climbs(dir: string[], rel: string): boolean {
  let depth = dir.length;
  for (const c of parts(rel)) {
    depth += c === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

/**
 * Why a link escapes: symbolic link targets resolve from the link's own
 * directory, hard link targets from the archive root.
 */
export function escapingLink(name: string, target: string, symbolic: boolean): string | undefined {
  if (isAbsolute(target)) return `absolute target '${target}'`;
  const dir = symbolic ? parts(name).slice(0, -1) : [];
  return climbs(dir, target) ? `target '${target}' climbs out of the tree` : undefined;
}
