/**
 * Include/exclude globs over report paths (`/`-separated, relative to the
 * base directory), with .gitignore's reading of a pattern:
 *
 *   *.pt            any file named so, at any depth (no `/` in the pattern)
 *   models/*.pt     anchored at the base directory (a `/` in the pattern)
 *   examples/       a directory and everything under it (trailing `/`)
 *   **              any number of directories; `*` and `?` stop at `/`
 *   [abc] {pt,bin}  a character class; alternatives
 *
 * A pattern that names a directory covers everything under it (`examples`
 * excludes `examples/x.pkl`). Written here rather than taken from Node
 * (`path.matchesGlob` is experimental in Node 20) or a dependency: it is
 * forty lines, and the semantics above are the ones documented.
 */
import { ModelguardError } from '../../errors.js';

/** Longest pattern accepted: patterns compile to regular expressions (CWE-1333 stays out: no nested quantifiers are generated). */
const MAX_PATTERN_LENGTH = 1024;

export interface GlobMatcher {
  readonly pattern: string;
  matches(path: string): boolean;
}

export function compileGlob(pattern: string): GlobMatcher {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH) throw new ModelguardError('E_USAGE', `glob '${pattern}' is empty or too long`);
  let p = pattern.replace(/\\/g, '/');
  const dirOnly = p.endsWith('/');
  p = p.replace(/\/+$/, '').replace(/^\.\//, '');
  const anchored = p.includes('/');
  p = p.replace(/^\//, '');
  let re = '';
  let braces = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*') {
      if (p[i + 1] === '*') {
        i++;
        if (p[i + 1] === '/') {
          i++;
          re += '(?:[^/]*/)*';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 2);
      if (end < 0) throw new ModelguardError('E_USAGE', `glob '${pattern}': unclosed '['`);
      const body = p
        .slice(i + 1, end)
        .replace(/^!/, '^')
        .replace(/[\\\]]/g, '\\$&');
      re += `[${body}]`;
      i = end;
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  if (braces !== 0) throw new ModelguardError('E_USAGE', `glob '${pattern}': unclosed '{'`);
  // The pattern matches the path itself or one of its parent directories.
  const tail = dirOnly ? '/.*' : '(?:/.*)?';
  const full = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}${tail}$`, 's');
  return { pattern, matches: (path) => full.test(path) };
}

/**
 * A filter for `scanPaths`: keeps a path when it matches an include pattern
 * (or none are given) and no exclude pattern.
 */
export function globFilter(include: readonly string[], exclude: readonly string[]): ((path: string) => boolean) | undefined {
  if (include.length === 0 && exclude.length === 0) return undefined;
  const inc = include.map(compileGlob);
  const exc = exclude.map(compileGlob);
  return (path) => (inc.length === 0 || inc.some((g) => g.matches(path))) && !exc.some((g) => g.matches(path));
}
