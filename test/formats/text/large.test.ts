/** Text of any size is read in bounded windows: not refused at 16 MiB, never read whole. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEXT_WINDOW } from '../../../src/formats/text/whole-file.js';
import { RecordingSource, scanSrc } from '../helpers.js';

const MiB = 1024 * 1024;

function vecFile(bytes: number): Uint8Array {
  const line = new TextEncoder().encode('模型 0.1234 -0.5678 0.9012 -0.3456 0.7890\n');
  const out = new Uint8Array(bytes);
  out.set(new TextEncoder().encode('400000 5\n'));
  for (let i = 9; i < bytes; i += line.length) out.set(line.subarray(0, Math.min(line.length, bytes - i)), i);
  out[bytes - 1] = 0x0a;
  return out;
}

describe('large text', () => {
  it('a 17 MiB .vec embeddings file is clean text, read one window at a time', async () => {
    const src = new RecordingSource(vecFile(17 * MiB));
    const r = await scanSrc(src, 'embeddings.vec');
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
    assert.equal(r.format, 'text');
    assert.ok(src.maxRead <= TEXT_WINDOW, `largest read ${src.maxRead}`);
  });
  it('a large text with binary data far from its start is not clean', async () => {
    const bytes = vecFile(3 * MiB);
    bytes.fill(0, 2 * MiB, 2 * MiB + 300);
    const r = await scanSrc(new RecordingSource(bytes), 'embeddings.vec');
    assert.equal(r.verdict, 'unscannable');
  });
  it('a large text cut inside its last character is not clean', async () => {
    const bytes = vecFile(2 * MiB);
    bytes[bytes.length - 1] = 0xe6;
    const r = await scanSrc(new RecordingSource(bytes), 'embeddings.vec');
    assert.equal(r.verdict, 'unscannable');
  });
});
