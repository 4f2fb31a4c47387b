/** Staging a model folder the sandbox user cannot reach. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { folderForSandbox, reachableByOthers } from '../../src/sandbox/stage.js';

describe('folderForSandbox', () => {
  it('binds a reachable folder as it is', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-stage-'));
    t.after(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    chmodSync(dir, 0o755);
    assert.equal(reachableByOthers(dir), true);
    assert.equal(folderForSandbox(dir).dir, dir);
  });

  it('copies a folder under a private ancestor, subfolders included, and removes the copy', (t) => {
    const top = mkdtempSync(join(tmpdir(), 'mg-stage-'));
    t.after(() => {
      rmSync(top, { recursive: true, force: true });
    });
    chmodSync(top, 0o700);
    const dir = join(top, 'model');
    mkdirSync(join(dir, 'weights'), { recursive: true });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'model.onnx'), 'graph');
    writeFileSync(join(dir, 'weights', 'w.bin'), 'data');
    assert.equal(reachableByOthers(dir), false);
    const staged = folderForSandbox(dir);
    assert.notEqual(staged.dir, dir);
    assert.equal(readFileSync(join(staged.dir, 'weights', 'w.bin'), 'utf8'), 'data');
    assert.equal(statSync(staged.dir).mode & 0o777, 0o755);
    assert.equal(reachableByOthers(staged.dir), true);
    staged.cleanup();
    assert.equal(existsSync(staged.dir), false);
  });
});
