/**
 * Files that sit next to every model are clean text, and their malicious
 * twins (the same shapes made into payloads) are not: the rule is what
 * pickle.load would do with the bytes, not how they look.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';

const enc = new TextEncoder();
const scan = (s: string | Uint8Array, name = 'file') => scanBuffer(typeof s === 'string' ? enc.encode(s) : s, name);

const CLEAN: [string, string][] = [
  ['labels.txt', 'cat\ndog\n'],
  ['labels.txt (more lines)', 'cat\ndog\nbird\nfish\nhorse\n'],
  ['labels.txt (CRLF)', 'cat\r\ndog\r\n'],
  [
    'accelerate config.yaml',
    "compute_environment: LOCAL_MACHINE\ndebug: false\ndistributed_type: MULTI_GPU\ndowncast_bf16: 'no'\ngpu_ids: all\nmachine_rank: 0\n",
  ],
  ['accelerate config whose later lines look like opcodes', 'compute_environment: LOCAL_MACHINE\ndeepspeed_config: {}\naaa\np0\nsomething\n'],
  ['a Python class', 'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n'],
  ['a Python import', 'import torch\nfrom torch import nn\n'],
  ['JavaScript', "const { spawn } = require('node:child_process');\nconst args = process.argv.slice(2);\n"],
  ['a device file', 'cpu\n'],
  ['one word', 'cpu'],
  ['DeepSpeed latest', 'global_step100'],
  ['a LICENSE', 'The MIT License\n\nCopyright (c) 2024\n'],
  ['a numbered README', '(1) Introduction\n(2) Usage\n'],
  ['an INI file', '[metadata]\nname = x\n'],
  ['a CSV', 'epoch,loss\n1,0.69\n'],
  ['import then a line without newline', 'cat\ndog'],
];

describe('repository files are clean text', () => {
  for (const [what, text] of CLEAN) {
    it(what, async () => {
      const r = await scan(text);
      assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
      assert.ok(r.format === 'text' || r.format === 'json', r.format);
    });
  }
  it('the empty file is clean, kind empty (text or not, nothing loads from zero bytes)', async () => {
    const r = await scan('');
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
    assert.equal(r.kind, 'empty');
  });
  it('Shift_JIS text starting with hiragana (EXT1 to a pickle reader)', async () => {
    const sjis = Uint8Array.from([
      0x82, 0xb1, 0x82, 0xcc, 0x83, 0x82, 0x83, 0x66, 0x83, 0x8b, 0x82, 0xcd, 0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea, 0x82, 0xc5, 0x82, 0xb7, 0x81, 0x42, 0x0a,
    ]);
    const r = await scan(sjis);
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
    assert.equal(r.info['text.encoding'], 'shift_jis');
  });
});

const MALICIOUS: [string, string][] = [
  ['a protocol-0 payload named like a label file', "cos\nsystem\n(S'id'\ntR."],
  ['a payload after lines that import and fail (nothing: the load stops) is text, but one that imports then calls is not', "cposix\nsystem\n(S'id'\ntR."],
  ['an APPEND on sys.path', "csys\npath\nS'/tmp/evil'\na."],
  ['an INST payload', "(S'id'\nios\nsystem\n."],
  ['a payload on a CRLF-free accelerate-looking file', 'cos\nsystem\n(Vcompute_environment: LOCAL_MACHINE\ntR.'],
];

describe('their malicious twins are not', () => {
  for (const [what, text] of MALICIOUS) {
    it(what, async () => {
      const r = await scan(text, 'labels.txt');
      assert.equal(r.verdict, 'malicious', JSON.stringify(r.findings));
    });
  }
  it('a denied import whose name line has no newline is analysed as a pickle (CPython reads that line)', async () => {
    const r = await scan('cantigravity\nopen', 'labels.txt');
    assert.equal(r.format, 'pickle');
    assert.notEqual(r.verdict, 'clean');
  });
  it('an unknown import then a call is analysed as a pickle (suspicious)', async () => {
    const r = await scan('cfoo\nbar\n(tR.', 'labels.txt');
    assert.equal(r.format, 'pickle');
    assert.equal(r.verdict, 'suspicious');
  });
  it('a cut pickle is still a pickle', async () => {
    for (const s of ['(dp0\n', "(S'x'\n", 'I1\nI2\n', '(lp0\nI1\na']) {
      const r = await scan(s);
      assert.equal(r.format, 'pickle', s);
      assert.notEqual(r.verdict, 'clean', s);
    }
  });
  it('a few bytes of a binary header cut short are not text', async () => {
    for (const s of ['GGUF', 'BZh9', 'K']) assert.equal((await scan(s)).verdict, 'unscannable', s);
  });
});
