import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BufferSource } from '../../../src/bytes/source.js';
import { externalDataReferences } from '../../../src/formats/onnx/scanner.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture, has, outcomeFixtures, ruleSeverities } from '../helpers.js';
import { externalTensor, initializer, model } from './pb.js';

describe('ONNX fixtures', () => {
  for (const { name, expected } of outcomeFixtures('onnx', '.onnx')) {
    it(`${name} is ${expected}`, async () => {
      const r = await scanFile(fixture('onnx', name));
      assert.equal(r.format, 'onnx');
      assert.equal(r.verdict, expected, ruleSeverities(r).join(', '));
    });
  }

  it('reports IR version, opsets, producer and graph size', async () => {
    const r = await scanFile(fixture('onnx', 'clean__contrib-and-local-function.onnx'));
    assert.equal(r.info['ir version'], 8);
    assert.deepEqual(r.info['opsets'], ['ai.onnx:13', 'com.microsoft:1', 'custom.local:1']);
    assert.equal(r.info['producer'], 'modelguard-fixtures');
    assert.equal(r.info['nodes'], 6);
    assert.equal(r.info['initializers'], 2);
    assert.deepEqual(r.info['onnxruntime contrib domains'], ['com.microsoft']);
    assert.deepEqual(r.info['functions'], ['custom.local.Double']);
  });

  it('walks If branches (subgraphs count)', async () => {
    const r = await scanFile(fixture('onnx', 'clean__if-subgraphs.onnx'));
    assert.equal(r.info['graphs'], 3);
    assert.equal(r.info['nodes'], 3);
  });

  it('checks the referenced file of legitimate external data', async () => {
    const r = await scanFile(fixture('onnx', 'clean__mlp-external.onnx'));
    assert.deepEqual(r.info['external data files'], ['clean__mlp-external.onnx.data']);
    assert.deepEqual(r.findings, []);
  });
});

describe('externalDataReferences', () => {
  it('lists the locations a model references', () => {
    const src = new BufferSource(new Uint8Array(readFileSync(fixture('onnx', 'clean__mlp-external.onnx'))));
    assert.deepEqual(externalDataReferences(src), ['clean__mlp-external.onnx.data']);
  });
  it('returns [] for a model without external data and for garbage', () => {
    assert.deepEqual(externalDataReferences(new BufferSource(new Uint8Array(readFileSync(fixture('onnx', 'clean__mlp.onnx'))))), []);
    assert.deepEqual(externalDataReferences(new BufferSource(Uint8Array.from([0x0a, 0xff, 0xff]))), []);
  });
});

describe('external data on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-onnx-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, location: string, extra: [string, string][] = []): string => {
    const p = join(dir, name);
    writeFileSync(p, model(initializer(...externalTensor('w', [['location', location], ...extra]))));
    return p;
  };

  it('a missing data file is only noted (info)', async () => {
    const r = await scanFile(write('missing.onnx', 'nothing-here.bin'));
    assert.equal(r.verdict, 'clean');
    assert.ok(has(r, 'onnx/external-data-missing', 'info'));
  });

  it('a symlink to a file outside the directory is suspicious', async () => {
    symlinkSync('/etc/hostname', join(dir, 'link.bin'));
    const r = await scanFile(write('link.onnx', 'link.bin'));
    assert.ok(has(r, 'onnx/external-data-link', 'suspicious'), ruleSeverities(r).join(', '));
  });

  it('a symlink to a device is malicious', async () => {
    symlinkSync('/dev/zero', join(dir, 'zero.bin'));
    const r = await scanFile(write('zero.onnx', 'zero.bin'));
    assert.ok(has(r, 'onnx/external-data-special-file', 'malicious'), ruleSeverities(r).join(', '));
  });

  it('a FIFO is malicious (and is never opened)', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.bin')]);
    const r = await scanFile(write('pipe.onnx', 'pipe.bin'));
    assert.ok(has(r, 'onnx/external-data-special-file', 'malicious'), ruleSeverities(r).join(', '));
  });

  it('a range past the end of the data file is suspicious', async () => {
    writeFileSync(join(dir, 'short.bin'), new Uint8Array(16));
    const r = await scanFile(
      write('short.onnx', 'short.bin', [
        ['offset', '0'],
        ['length', '4096'],
      ]),
    );
    assert.ok(has(r, 'onnx/external-data-range', 'suspicious'), ruleSeverities(r).join(', '));
  });

  it('a hard-linked data file is suspicious', async () => {
    copyFileSync(fixture('onnx', 'clean__mlp-external.onnx.data'), join(dir, 'orig.bin'));
    execFileSync('ln', [join(dir, 'orig.bin'), join(dir, 'hard.bin')]);
    const r = await scanFile(write('hard.onnx', 'hard.bin'));
    assert.ok(has(r, 'onnx/external-data-link', 'suspicious'), ruleSeverities(r).join(', '));
  });
});
