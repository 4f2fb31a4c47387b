/**
 * Legacy checkpoints in pickle protocol 4 are read as torch.load reads
 * them (its persistent_load, whatever the protocol), and quantization
 * observers are allowed by exact name; each has a malicious twin.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../src/scan/engine.js';
import { fixture } from '../helpers.js';

describe('legacy protocol-4 checkpoints and quantization observers', () => {
  for (const n of readdirSync(fixture('torch-extra'))) {
    it(`${n} is ${n.split('__')[0] ?? ''}`, async () => {
      const r = await scanBuffer(new Uint8Array(readFileSync(fixture('torch-extra', n))), n);
      assert.equal(r.verdict, n.split('__')[0], r.reason);
      if (n.includes('legacy')) assert.equal(r.format, 'torch-legacy');
    });
  }
});
