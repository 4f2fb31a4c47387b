/** Report paths relative to the base folder: the shortcut for files under it names them as `path.relative` does. */
import assert from 'node:assert/strict';
import { relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { baseRelative } from '../../src/scan/directory.js';

function reference(base: string, path: string): string {
  const rel = relative(base, path);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

describe('baseRelative', () => {
  const cases: [string, string][] = [
    ['/a/b', '/a/b/c'],
    ['/a/b/', '/a/b/c'],
    ['/a/b', '/a/bc'],
    ['/a/b', '/a/b'],
    ['/a/b', '/a/b/'],
    ['/', '/x/y'],
    ['/a/b', '/a/b/./c'],
    ['/a/b', '/a/b/../c'],
    ['/a/b', '/a/b//c'],
    ['/a/b', '/a/b/c/..'],
    ['/a/b', '/a/b/c/.'],
    ['/a/b', '/a/b/.c'],
    ['/a/b', '/a/b/..c/d'],
    ['/a/b/.', '/a/b/c'],
    ['/a//b', '/a//b/c'],
    ['/a/b', '/a/b/c/'],
    ['/a/b', '/x/y'],
    ['/a/b', '/a/b/c d/e…'],
  ];
  for (const [base, path] of cases) {
    it(`${base} + ${path}`, () => {
      assert.equal(baseRelative(base, path), reference(base, path));
    });
  }
});
