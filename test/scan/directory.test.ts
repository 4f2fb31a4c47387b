/** Directory scans: recursion, special files, and the worker pool giving the same answers as one thread. */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/directory.js';
import { fixture } from '../helpers.js';

describe('scanPaths', () => {
  it('workers and a single thread agree file by file', async () => {
    const a = await scanPaths([fixture('pickle')], { jobs: 1 });
    const b = await scanPaths([fixture('pickle')], { jobs: 2 });
    assert.ok(a.files.length >= 16);
    assert.deepEqual(
      b.files.map((f) => [f.path, f.verdict, f.findings.length]),
      a.files.map((f) => [f.path, f.verdict, f.findings.length]),
    );
    assert.equal(a.verdict, 'malicious');
    assert.equal(a.summary.files, a.files.length);
  });
  it('follows symlinked files, cuts directory loops, and does not open FIFOs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-dir-'));
    mkdirSync(join(dir, 'sub'));
    cpSync(fixture('torch', 'clean__state-dict-zip.pt'), join(dir, 'sub', 'model.pt'));
    symlinkSync(join(dir, 'sub', 'model.pt'), join(dir, 'link.pt'));
    symlinkSync(dir, join(dir, 'sub', 'loop'));
    execFileSync('mkfifo', [join(dir, 'pipe.bin')]);
    const r = await scanPaths([dir], { jobs: 1 });
    const byPath = Object.fromEntries(r.files.map((f) => [f.path, f.verdict]));
    assert.deepEqual(byPath, { 'link.pt': 'clean', 'pipe.bin': 'unscannable', 'sub/model.pt': 'clean' });
  });
});
