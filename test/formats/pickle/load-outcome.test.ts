/**
 * The pickle.load walk: what CPython does with text-like bytes, checked
 * against vectors recorded from CPython's own unpickler
 * (scripts/benign/pickle-load-vectors.py), and case by case.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BufferSource } from '../../../src/bytes/source.js';
import { pickleLoadOutcome, type LoadOutcome } from '../../../src/formats/pickle/load-outcome.js';
import { fixture } from '../helpers.js';

const enc = new TextEncoder();
const walk = (s: string | Uint8Array): LoadOutcome => {
  const b = typeof s === 'string' ? enc.encode(s) : s;
  return pickleLoadOutcome(new BufferSource(b), 0, b.length);
};

interface Vector {
  hex: string;
  end: 'returned' | 'find_class' | 'error';
  module?: string;
}

const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

describe('pickle.load walk against CPython', () => {
  const vectors = readFileSync(fixture('pickle-load', 'vectors.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Vector);

  it('never says the load fails before an import CPython reaches (a module a file could be named)', () => {
    const missed: string[] = [];
    for (const v of vectors) {
      if (v.end !== 'find_class') continue;
      // A module line whose first component is not an identifier imports only a file of that exact name.
      if (!IDENTIFIER.test((v.module ?? '').split('.')[0] ?? '')) continue;
      const o = walk(Buffer.from(v.hex, 'hex'));
      if (!(o.imported || o.end === 'acts')) missed.push(`${v.hex}: ${o.end} ${o.why}`);
    }
    assert.deepEqual(missed, []);
  });

  it('never calls a stream CPython loads to its STOP broken or cut', () => {
    const missed: string[] = [];
    for (const v of vectors) {
      if (v.end !== 'returned') continue;
      const o = walk(Buffer.from(v.hex, 'hex'));
      if (o.end !== 'stop' && o.end !== 'acts') missed.push(`${v.hex}: ${o.end} ${o.why}`);
    }
    assert.deepEqual(missed, []);
  });

  it('agrees with CPython on most streams that fail before any import (it errs towards "acts")', () => {
    let failing = 0;
    let agreed = 0;
    for (const v of vectors) {
      if (v.end !== 'error') continue;
      failing++;
      const o = walk(Buffer.from(v.hex, 'hex'));
      if (o.end === 'broken' || o.end === 'cut' || (o.end === 'stop' && o.ops > 0)) agreed++;
    }
    assert.ok(failing > 1000);
    assert.ok(agreed / failing > 0.97, `${agreed}/${failing}`);
  });
});

describe('pickle.load walk, case by case', () => {
  const cases: [string, string, Partial<LoadOutcome>][] = [
    ['labels (an import, then BUILD on one item)', 'cat\ndog\nbird\n', { end: 'broken', imported: true }],
    ['two labels (an import, then the end)', 'cat\ndog\n', { end: 'cut', imported: true }],
    ['an accelerate config (a module no file is named)', 'compute_environment: LOCAL_MACHINE\ndebug: false\n', { end: 'broken', imported: false }],
    ['a Python class', 'class Net(nn.Module):\n    pass\n', { end: 'broken', imported: false }],
    ['INST without a MARK', 'import torch\nimport os\n', { end: 'broken', imported: false }],
    ['an empty name line', 'cos\n\n', { end: 'broken', imported: false }],
    ['a GET with no number', 'global_step100', { ops: 0, imported: false }],
    ['a memo miss', 'hello', { end: 'broken' }],
    ['an unregistered extension code (Shift_JIS hiragana)', '\x82\xb1\x82\xcc', { end: 'broken' }],
    ['a call on plain values', 'NN)R', { end: 'broken' }],
    ['a complete plain pickle', '(lp0\nI1\naI2\na.', { end: 'stop' }],
    ['a cut pickle', '(dp0\n', { end: 'cut', ops: 3 }],
    ['a denied import', 'cos\nsystem\n', { end: 'acts' }],
    ['a module imported for a name no attribute has', 'cbuiltins\neval this\n', { end: 'broken', imported: true }],
    ['a module whose import is denied, with a name no attribute has', 'cantigravity\nx y\n', { end: 'acts' }],
    ['a denied import on the last line without a newline (CPython still reads it)', 'cantigravity\nxy', { end: 'acts' }],
    ['an import on the last line without a newline (a cut stream)', 'cat\ndog', { end: 'cut', imported: true, ops: 0 }],
    ['an import, then anything', 'cfoo\nbar\np0\n', { end: 'acts' }],
    ['an APPEND on an imported list', "csys\npath\nS'/tmp'\na", { end: 'acts' }],
    ['a payload behind harmless opcodes', `${'N'.repeat(5000)}cos\nsystem\n(S'id'\ntR.`, { end: 'acts' }],
    ['the parent package a broken module path imports', 'cos..x\nsystem\n', { end: 'acts' }],
  ];
  for (const [what, input, want] of cases) {
    it(what, () => {
      const o = walk(input.startsWith('\x82') ? Uint8Array.from(input, (c) => c.charCodeAt(0)) : input);
      for (const [k, v] of Object.entries(want)) assert.equal(o[k as keyof LoadOutcome], v, `${k}: ${JSON.stringify(o)}`);
    });
  }
  it('marks a cut inside the first opcode whose argument is binary (a header cut short)', () => {
    assert.equal(walk('GGUF').cutInBinaryArg, true);
    assert.equal(walk('cpu').cutInBinaryArg, false);
  });
  it('gives up after a million opcodes with "cut" (bounded tables)', () => {
    assert.equal(walk('N'.repeat(1_000_001)).end, 'cut');
  });
});
