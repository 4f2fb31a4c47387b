/**
 * What `scanFileReport` makes of errors: a read that fails is `engine/io-error`, a
 * caller's mistake throws `E_USAGE` (it used to be reported as "the file could not be
 * read", which sent people looking at a readable file).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isModelguardError } from '../../src/errors.js';
import { scanFileReport } from '../../src/scan/scan-file.js';

describe('scanFileReport errors', () => {
  it('throws E_USAGE for an unknown forced format instead of reporting an I/O error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-scanfile-'));
    try {
      const p = join(dir, 'a.bin');
      writeFileSync(p, 'hello');
      await assert.rejects(scanFileReport(p, { format: 'no-such-format' }), (e: unknown) => isModelguardError(e) && e.code === 'E_USAGE');
      const ok = await scanFileReport(p, { format: 'pickle' });
      assert.notEqual(ok.findings[0]?.rule, 'engine/io-error');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a file that cannot be opened as engine/io-error', async () => {
    const r = await scanFileReport(join(tmpdir(), 'mg-no-such-file-' + String(process.pid)));
    assert.equal(r.verdict, 'unscannable');
    assert.equal(r.findings[0]?.rule, 'engine/io-error');
  });
});
