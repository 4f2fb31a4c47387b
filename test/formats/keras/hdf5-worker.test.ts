/**
 * libhdf5 runs in a worker thread with a time limit: a file it cannot finish
 * in time is `unscannable` with the limit named, the next file gets a fresh
 * worker, and files scanned at once are each judged on their own bytes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BufferSource, type ByteSource } from '../../../src/bytes/source.js';
import { scanSource } from '../../../src/scan/engine.js';
import { fixture, rules } from '../../helpers.js';

/** A source whose every read takes `ms` of the scanning thread's time (a slow disk, or a stand-in for a libhdf5 loop). */
function slow(bytes: Uint8Array, ms: number): ByteSource {
  const inner = new BufferSource(bytes);
  return {
    size: inner.size,
    read(offset: number, length: number): Uint8Array {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        // busy: the worker waits on this answer
      }
      return inner.read(offset, length);
    },
    close(): void {},
  };
}

describe('HDF5 in its worker thread', () => {
  const clean = readFileSync(fixture('keras/clean__sequential-mlp.h5'));
  const lambda = readFileSync(fixture('keras/malicious__lambda-function-os-system.h5'));

  it('a file libhdf5 cannot finish within maxHdf5Millis is unscannable, with the limit named', async () => {
    const r = await scanSource(slow(clean, 40), 'slow.h5', { limits: { maxHdf5Millis: 20 } });
    assert.equal(r.verdict, 'unscannable');
    assert.ok(rules(r.findings).includes('engine/limit'), rules(r.findings).join(','));
    assert.ok(r.findings.some((f) => f.message.includes('maxHdf5Millis')));
  });

  it('after a time-out the next file is read by a fresh worker and judged normally', async () => {
    assert.equal((await scanSource(new BufferSource(clean), 'ok.h5')).verdict, 'clean');
    assert.equal((await scanSource(new BufferSource(lambda), 'bad.h5')).verdict, 'malicious');
  });

  it('files scanned at once are each judged on their own bytes', async () => {
    const inputs = [clean, lambda, clean, lambda, clean, lambda];
    const reports = await Promise.all(inputs.map((b, i) => scanSource(new BufferSource(b), `f${i}.h5`)));
    assert.deepEqual(
      reports.map((r) => r.verdict),
      ['clean', 'malicious', 'clean', 'malicious', 'clean', 'malicious'],
    );
  });

  it('a read error of the real source reaches the verdict (the file is not clean)', async () => {
    const broken: ByteSource = {
      size: clean.length,
      read(offset: number, length: number): Uint8Array {
        if (offset > 0) throw new Error('disk went away');
        return clean.subarray(offset, offset + length);
      },
      close(): void {},
    };
    const r = await scanSource(broken, 'broken.h5');
    assert.notEqual(r.verdict, 'clean');
  });
});
