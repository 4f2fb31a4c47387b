/**
 * `scanFile` reads small files into one reused buffer. Each file must still
 * be judged on its own bytes only: a short file read after a long one must
 * not see the long one's tail, and concurrent scans must not share it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FileSource } from '../../src/bytes/source.js';
import { scanBuffer } from '../../src/scan/engine.js';
import { scanFile } from '../../src/scan/scan-file.js';
import type { FileReport } from '../../src/findings/report.js';
import { fixture } from '../helpers.js';

/** Every fixture file of these folders, longest first (so each read lands on a dirtier buffer). */
function files(...dirs: string[]): string[] {
  const out = dirs.flatMap((d) => readdirSync(fixture(d)).map((n) => fixture(d, n)));
  return out.filter((p) => statSync(p).isFile()).sort((a, b) => statSync(b).size - statSync(a).size);
}

const summary = (r: FileReport): unknown => [r.format, r.verdict, r.size, r.findings.map((f) => [f.rule, f.message])];

describe('scanFile read buffer', () => {
  const all = files('pickle', 'torch', 'numpy');
  it('sequential scans, longest first, match scans of each file alone', async () => {
    assert.ok(all.length > 30);
    for (const p of all) {
      const alone = await scanBuffer(new Uint8Array(readFileSync(p)), p);
      assert.deepEqual(summary(await scanFile(p)), summary(alone), p);
    }
  });
  it('concurrent scans match too', async () => {
    const together = await Promise.all(all.map((p) => scanFile(p)));
    for (const [i, p] of all.entries()) {
      const alone = await scanBuffer(new Uint8Array(readFileSync(p)), p);
      assert.deepEqual(summary(together[i] as FileReport), summary(alone), p);
    }
  });
  it('readInto fills the front of a larger buffer and returns exactly the bytes asked for', () => {
    const p = all[all.length - 1] as string;
    const bytes = readFileSync(p);
    const src = new FileSource(p);
    try {
      const out = new Uint8Array(bytes.length + 100).fill(0xee);
      const view = src.readInto(0, bytes.length, out);
      assert.equal(view.length, bytes.length);
      assert.deepEqual(Buffer.from(view), bytes);
      assert.equal(out[bytes.length], 0xee);
      assert.throws(() => src.readInto(0, bytes.length, new Uint8Array(bytes.length - 1)), RangeError);
      assert.throws(() => src.readInto(1, bytes.length, out), /past|range|truncat|beyond|end/i);
    } finally {
      src.close();
    }
  });
});
