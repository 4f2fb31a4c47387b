/**
 * Containers nested in containers (zip in zip in tar in gzip ...) around a
 * malicious pickle, at every depth up to well past `maxNestingDepth`, and
 * overlapping zip entries that all inflate the same bomb: each scan ends,
 * within its limits, and is never clean.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { DEFAULT_LIMITS } from '../../src/formats/limits.js';
import { fixture, rules } from '../helpers.js';
import { assertNoFailures, RUNS, scanChecked, tally } from './harness.js';
import { LAYERS, nest, type Layer } from './nest.js';

const PAYLOAD = Uint8Array.from(readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl')));

after(() => {
  process.stdout.write(`# fuzz tally: ${JSON.stringify(tally)}\n`);
});

describe('nested containers', () => {
  it('the payload is found at every depth within the limit, and past it the scan says it stopped', async () => {
    for (const layer of LAYERS) {
      for (let depth = 1; depth <= DEFAULT_LIMITS.maxNestingDepth + 4; depth++) {
        const layers: Layer[] = Array.from({ length: depth }, () => layer);
        const r = await scanChecked(`nest-${layer}x${depth}`, nest(PAYLOAD, layers), { hostile: true });
        assert.ok(r !== undefined);
        if (depth < DEFAULT_LIMITS.maxNestingDepth) assert.equal(r.verdict, 'malicious', `${layer} x${depth}: ${rules(r.findings).join(',')}`);
        else assert.ok(r.verdict === 'malicious' || rules(r.findings).includes('engine/limit'), `${layer} x${depth}: ${rules(r.findings).join(',')}`);
      }
    }
  });

  it('mixed stacks of zip, tar and gzip are never clean', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...LAYERS), { minLength: 1, maxLength: 14 }), async (layers) => {
        await scanChecked(`nest-${layers.join('-')}`, nest(PAYLOAD, layers), { hostile: true });
      }),
      { numRuns: RUNS },
    );
    assertNoFailures();
  });

  it('a hundred levels of zip end in a limit, not a stack overflow', async () => {
    const r = await scanChecked(
      'nest-zip-x100',
      nest(
        PAYLOAD,
        Array.from({ length: 100 }, (): Layer => 'zip'),
      ),
      { hostile: true },
    );
    assert.ok(r !== undefined && rules(r.findings).includes('engine/limit'));
  });
});

describe('overlapping zip entries (one deflated bomb listed many times)', () => {
  it('stops at the inflation budget for the whole file', async () => {
    // 16 MiB of zeros deflate to ~16 KiB; 64 central records all point at the one local header.
    const body = new Uint8Array(deflateRawSync(new Uint8Array(16 << 20)));
    const name = Buffer.from('data.bin');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(16 << 20, 22);
    local.writeUInt16LE(name.length, 26);
    const { crc32 } = await import('node:zlib');
    local.writeUInt32LE(crc32(new Uint8Array(16 << 20)) >>> 0, 14);
    const cds: Buffer[] = [];
    for (let i = 0; i < 64; i++) {
      const n = Buffer.from(`m${i}.bin`);
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE(20, 4);
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(8, 10);
      cd.writeUInt32LE(local.readUInt32LE(14), 16);
      cd.writeUInt32LE(body.length, 20);
      cd.writeUInt32LE(16 << 20, 24);
      cd.writeUInt16LE(n.length, 28);
      cds.push(cd, n);
    }
    const head = Buffer.concat([local, name, body]);
    const cd = Buffer.concat(cds);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(64, 8);
    eocd.writeUInt16LE(64, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(head.length, 16);
    const zip = Uint8Array.from(Buffer.concat([head, cd, eocd]));
    const r = await scanChecked('overlap-bomb', zip, {}, { limits: { maxInflatedBytes: 64 << 20 } });
    assert.ok(r !== undefined);
    assert.notEqual(r.verdict, 'clean', rules(r.findings).join(','));
  });
});
