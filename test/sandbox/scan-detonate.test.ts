/**
 * `scan --detonate`: static and dynamic verdicts side by side, and a sink
 * the static verdict missed becoming a `detonate/static-miss` finding.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { detonateScan } from '../../src/sandbox/scan-detonate.js';
import { scanPaths } from '../../src/scan/directory.js';
import type { ScanReport } from '../../src/findings/report.js';
import { memoryIO } from '../helpers.js';
import { execPickle } from './payload.js';

/** A plain data pickle: {'a': 1} (protocol 2). */
const BENIGN = Buffer.from('\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s.', 'latin1');

function folder(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-scan-detonate-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'benign.pkl'), BENIGN);
  writeFileSync(join(dir, 'payload.pkl'), execPickle("import os\nos.system('true')\n"));
  writeFileSync(join(dir, 'notes.safetensors'), Buffer.from('not a model'));
  return dir;
}

describe('scan --detonate', () => {
  it('a detonation sink on a file the static scan called clean becomes detonate/static-miss', async (t) => {
    const dir = folder(t);
    const report = await scanPaths([dir], { jobs: 1 });
    // Stand in for a static miss: clear what the static engine found on the payload.
    const payload = report.files.find((f) => f.path === 'payload.pkl');
    assert.ok(payload !== undefined);
    payload.findings = [];
    payload.verdict = 'clean';
    const { report: out, table } = await detonateScan({ ...report, verdict: 'clean' }, [dir], dir);
    const p = out.files.find((f) => f.path === 'payload.pkl');
    assert.deepEqual(
      p?.findings.map((f) => f.rule),
      ['detonate/static-miss'],
    );
    assert.equal(p?.verdict, 'malicious');
    assert.equal(p?.info['detonation'], 'malicious');
    assert.equal(out.verdict, 'malicious');
    assert.equal(out.files.find((f) => f.path === 'benign.pkl')?.info['detonation'], 'clean');
    assert.equal(out.files.find((f) => f.path === 'notes.safetensors')?.info['detonation'], 'no loader');
    assert.match(table, /clean\s+malicious \(reached [^)]*process[^)]*\)\s+payload\.pkl/);
  });

  it('confirms static findings without duplicating them, and reports both verdicts', async (t) => {
    const dir = folder(t);
    const io = memoryIO();
    io.cwd = dir; // report paths are relative to the working directory
    const code = await main(['scan', '--detonate', '--no-progress', '--format', 'json', '.'], io);
    assert.equal(code, 1);
    const r = JSON.parse(io.out()) as ScanReport;
    const p = r.files.find((f) => f.path === 'payload.pkl');
    assert.equal(p?.verdict, 'malicious');
    assert.equal(p?.info['detonation'], 'malicious');
    assert.ok(!p?.findings.some((f) => f.rule === 'detonate/static-miss'));
    assert.equal(r.files.find((f) => f.path === 'benign.pkl')?.verdict, 'clean');
  });
});
