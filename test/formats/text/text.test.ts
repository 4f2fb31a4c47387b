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
    for (const s of ['(dp0\n', 'cos\nsystem\n', "(S'x'\n", 'I1\nI2\n']) {
      assert.notEqual((await scanBuffer(enc(s), 'cut.pkl')).verdict, 'clean', JSON.stringify(s));
    }
  });
  it('a protocol-0 payload in a .txt is a pickle', async () => {
    const r = await scanBuffer(enc("cos\nsystem\n(S'true'\ntR."), 'notes.txt');
    assert.equal(r.verdict, 'malicious');
  });
  it('text whose first opcodes break before anything could run is text', async () => {
    // pickle.load raises at once on each: a 1.3 GB BINSTRING, a GET without a number, a SHORT_BINSTRING past the end...
    for (const s of ['The MIT License\n\nCopyright (c) 2024\n', 'global_step100', 'Usage: run it\n', 'Xavier init\n', 'Version 2\n', 'cuda:0 device\n']) {
      const r = await scanBuffer(enc(s), 'file');
      assert.equal(r.verdict, 'clean', `${JSON.stringify(s)}: ${JSON.stringify(r.findings)}`);
      assert.equal(r.format, 'text');
    }
  });
  it('a whole protocol-0 pickle of plain data is analysed as a pickle (and is clean)', async () => {
    const r = await scanBuffer(enc('I1\n.'), 'one.txt');
    assert.equal(r.format, 'pickle');
    assert.equal(r.verdict, 'clean');
  });
  it('a payload behind more harmless opcodes than the pickle sniffer reads is still found', async () => {
    const r = await scanBuffer(enc(`${'N'.repeat(20000)}cos\nsystem\n(S'true'\ntR.`), 'notes.txt');
    assert.equal(r.verdict, 'malicious', JSON.stringify(r.findings));
  });
  it('binary and control bytes are not text', async () => {
    assert.equal((await scanBuffer(Uint8Array.from([0x23, 0x20, 0x01, 0x02]), 'x')).verdict, 'unscannable');
    assert.equal((await scanBuffer(Uint8Array.from([0x23, 0xff, 0xfe]), 'x')).verdict, 'unscannable');
  });
});
