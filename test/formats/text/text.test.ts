/** The plain-text fallback: claims text only, never a pickle, never binary. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('text fallback', () => {
  it('README and JSON config files are clean text', async () => {
    assert.equal((await scanBuffer(enc('# Model card\n\nTrained on ImageNet.\n'), 'README.md')).verdict, 'clean');
    const r = await scanBuffer(enc('{"architectures": ["BertModel"], "hidden_size": 768}\n'), 'config.json');
    assert.equal(r.verdict, 'clean');
    assert.equal(r.format, 'json');
  });
  it('text that starts like a pickle is not plain text', async () => {
    for (const s of ['(dp0\n', "cos\nsystem\n", "(S'x'\n", 'I1\n']) {
      assert.notEqual((await scanBuffer(enc(s), 'cut.pkl')).verdict, 'clean', JSON.stringify(s));
    }
  });
  it('a protocol-0 payload in a .txt is a pickle', async () => {
    const r = await scanBuffer(enc("cos\nsystem\n(S'true'\ntR."), 'notes.txt');
    assert.equal(r.verdict, 'malicious');
  });
  it('binary and control bytes are not text', async () => {
    assert.equal((await scanBuffer(Uint8Array.from([0x23, 0x20, 0x01, 0x02]), 'x')).verdict, 'unscannable');
    assert.equal((await scanBuffer(Uint8Array.from([0x23, 0xff, 0xfe]), 'x')).verdict, 'unscannable');
  });
});
