/**
 * The package's public entry: what the README's Library sections import must
 * exist there and work (scanFile, scanBuffer, scanDirectory, scanPaths).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as modelguard from '../../src/index.js';
import { ROOT, fixture } from '../helpers.js';

describe('public entry', () => {
  it('exports the scan API the README documents', () => {
    for (const name of ['scanFile', 'scanBuffer', 'scanDirectory', 'scanPaths', 'scanSource']) {
      assert.equal(typeof (modelguard as Record<string, unknown>)[name], 'function', name);
    }
  });
  it('scanDirectory, scanPaths, scanFile and scanBuffer agree on the same file', async () => {
    const dir = fixture('pickle');
    const viaDir = await modelguard.scanDirectory(dir, { jobs: 1 });
    const viaPaths = await modelguard.scanPaths([dir], { jobs: 1 });
    assert.deepEqual(
      viaDir.files.map((f) => [f.path, f.verdict]),
      viaPaths.files.map((f) => [f.path, f.verdict]),
    );
    const bad = viaDir.files.find((f) => f.verdict === 'malicious');
    assert.ok(bad, 'the pickle fixtures include malicious files');
    const path = `${dir}/${bad.path}`;
    assert.equal((await modelguard.scanFile(path)).verdict, 'malicious');
    assert.equal((await modelguard.scanBuffer(readFileSync(path), bad.path)).verdict, 'malicious');
    assert.equal(viaDir.verdict, 'malicious');
  });
  it('every name the README and the manual in docs/ import from modelguard is exported', () => {
    const docs = join(ROOT, 'docs');
    const readme = [
      join(ROOT, 'README.md'),
      ...readdirSync(docs)
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(docs, f)),
    ]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const names = new Set<string>();
    for (const m of readme.matchAll(/import \{([^}]*)\} from 'modelguard'/g)) {
      for (const part of (m[1] ?? '').split(',')) {
        const name = part.trim().replace(/^type\s+/, '');
        if (name !== '' && !part.trim().startsWith('type ')) names.add(name);
      }
    }
    assert.ok(names.size >= 5);
    for (const name of names) assert.ok(name in modelguard, `README imports ${name} from 'modelguard'`);
  });
});
