/** Directory scans: raw ONNX external data is adopted by the model that references it, and only then. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/directory.js';
import { fixture } from '../helpers.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-extdata-'));
  for (const [name, src] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    copyFileSync(src, join(dir, name));
  }
  return dir;
}

const MODEL = fixture('onnx', 'clean__mlp-external.onnx');
const DATA = fixture('onnx', 'clean__mlp-external.onnx.data');

describe('ONNX external data in directory scans', () => {
  it("the data file next to its model is clean, marked as that model's data", async () => {
    const r = await scanPaths([folder({ 'm/clean__mlp-external.onnx': MODEL, 'm/clean__mlp-external.onnx.data': DATA })], { jobs: 1 });
    const data = r.files.find((f) => f.path === 'm/clean__mlp-external.onnx.data');
    assert.ok(data);
    assert.equal(data.verdict, 'clean');
    assert.equal(data.format, 'onnx-external-data');
    assert.deepEqual(data.info['external data of'], ['m/clean__mlp-external.onnx']);
    assert.equal(r.verdict, 'clean');
  });
  it('the same bytes without the model stay unscannable', async () => {
    const r = await scanPaths([folder({ 'clean__mlp-external.onnx.data': DATA })], { jobs: 1 });
    assert.equal(r.files[0]?.verdict, 'unscannable');
    assert.equal(r.verdict, 'unscannable');
  });
  it('a data file in another folder than the one the model names stays unscannable', async () => {
    const r = await scanPaths([folder({ 'a/clean__mlp-external.onnx': MODEL, 'b/clean__mlp-external.onnx.data': DATA })], { jobs: 1 });
    assert.equal(r.files.find((f) => f.path.startsWith('b/'))?.verdict, 'unscannable');
  });
  it('a referenced file that is really a pickle keeps its own verdict', async () => {
    const r = await scanPaths(
      [folder({ 'clean__mlp-external.onnx': MODEL, 'clean__mlp-external.onnx.data': fixture('pickle', 'malicious__os-system-protocol2.pkl') })],
      { jobs: 1 },
    );
    const data = r.files.find((f) => f.path === 'clean__mlp-external.onnx.data');
    assert.equal(data?.verdict, 'malicious');
    assert.notEqual(data?.format, 'onnx-external-data');
  });
  it('a location that climbs out of the folder adopts nothing', async () => {
    const r = await scanPaths([folder({ 'sub/inner.onnx': fixture('onnx', 'malicious__inner-dotdot.onnx'), 'etc/shadow': DATA })], { jobs: 1 });
    assert.equal(r.files.find((f) => f.path === 'etc/shadow')?.verdict, 'unscannable');
    assert.equal(r.verdict, 'malicious');
  });
});
