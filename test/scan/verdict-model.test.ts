/**
 * The verdict model (issue 24): every report says what the file is
 * (`kind`) and why its verdict holds (`reason`); unknown blobs are
 * unscannable unless `--unknown-as clean`; the breadth set, a git clone
 * and a Hugging Face cache scan clean as folders; a TFLite model with its
 * metadata zip raises no prefix alarm but its members are still scanned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { FILE_KINDS } from '../../src/findings/kind.js';
import { scanBuffer } from '../../src/scan/engine.js';
import { scanDirectory } from '../../src/scan/directory.js';
import { buildZip } from '../zip-builder.js';
import { fixture, memoryIO } from '../helpers.js';

const BLOB = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 9, 9, 9, 9]);
const PAYLOAD = new TextEncoder().encode("cposix\nsystem\n(S'true modelguard-fixture'\ntR.");

describe('kind and reason', () => {
  it('an unknown blob is unscannable, kind unknown, and the reason names the rule', async () => {
    const r = await scanBuffer(BLOB, 'blob.bin');
    assert.equal(r.verdict, 'unscannable');
    assert.equal(r.kind, 'unknown');
    assert.match(r.reason, /^engine\/unknown-format: /);
  });
  it('--unknown-as clean (library option) counts it clean, with its own info rule', async () => {
    const r = await scanBuffer(BLOB, 'blob.bin', { unknownAs: 'clean' });
    assert.equal(r.verdict, 'clean');
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ['engine/unknown-data'],
    );
  });
  it('--unknown-as clean does not pass what a loader would run', async () => {
    const r = await scanBuffer(PAYLOAD, 'x.bin', { unknownAs: 'clean' });
    assert.equal(r.verdict, 'malicious');
    assert.equal(r.kind, 'model-code-carrying');
  });
  it('a code-carrying format cut short names the loaders that could run it', async () => {
    const r = await scanBuffer(PAYLOAD, 'x.pkl', { limits: { maxPickleOps: 2 } });
    const limit = r.findings.find((f) => f.rule === 'engine/limit');
    assert.ok(limit !== undefined, JSON.stringify(r.findings));
    assert.match(limit.message, /pickle\.load/);
  });
  it('every report has one of the kinds, and compressed wrappers are what they hold', async () => {
    const { gzipSync } = await import('node:zlib');
    const r = await scanBuffer(new Uint8Array(gzipSync(PAYLOAD)), 'x.pkl.gz');
    assert.equal(r.kind, 'model-code-carrying');
    assert.ok(FILE_KINDS.includes(r.kind));
  });
  it('an empty file is clean, kind empty; under a name that is no marker the message says so', async () => {
    for (const name of ['hub/.locks/models--a--b/0a1b.lock', 'models--a--b/.no_exist/0123/adapter_config.json', 'pkg/__init__.py']) {
      const r = await scanBuffer(new Uint8Array(0), name);
      assert.equal(r.verdict, 'clean', name);
      assert.equal(r.kind, 'empty');
    }
    const cut = await scanBuffer(new Uint8Array(0), 'model.safetensors');
    assert.equal(cut.verdict, 'clean');
    assert.equal(cut.kind, 'empty');
    assert.ok(
      cut.findings.some((f) => /cut to nothing/.test(f.message)),
      JSON.stringify(cut.findings),
    );
  });
});

describe('--unknown-as on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-unknown-'));
  writeFileSync(join(dir, 'blob.bin'), BLOB);
  const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
    const io = memoryIO();
    const code = await main(args, io);
    return { code, out: io.out() };
  };
  it('exits 1 by default, 0 with --unknown-as clean, 2 for another value', async () => {
    assert.equal((await cli('scan', '--no-progress', join(dir, 'blob.bin'))).code, 1);
    assert.equal((await cli('scan', '--no-progress', '--unknown-as', 'clean', join(dir, 'blob.bin'))).code, 0);
    assert.equal((await cli('scan', '--no-progress', '--unknown-as', 'maybe', join(dir, 'blob.bin'))).code, 2);
  });
  it('the JSON report carries kind and reason', async () => {
    const r = JSON.parse((await cli('scan', '--format', 'json', join(dir, 'blob.bin'))).out) as { files: { kind: string; reason: string }[] };
    assert.equal(r.files[0]?.kind, 'unknown');
    assert.ok((r.files[0]?.reason ?? '').length > 0);
  });
});

describe('the benign breadth set', () => {
  it('every file and every model folder is clean when scanned as one folder', async () => {
    const r = await scanDirectory(fixture('benign-breadth'), { jobs: 1 });
    const bad = r.files.filter((f) => f.verdict !== 'clean').map((f) => `${f.path}: ${f.reason}`);
    assert.deepEqual(bad, []);
    assert.ok(r.files.length >= 60);
    assert.ok((r.models ?? []).every((m) => m.verdict === 'clean'));
    assert.ok(!r.files.some((f) => f.kind === 'unknown'));
  });
  it('companion data files are credited only beside the file that describes them', async () => {
    for (const [data, desc] of [
      ['openvino/openvino_model.bin', 'openvino/openvino_model.xml'],
      ['megatron/corpus_text_document.bin', 'megatron/corpus_text_document.idx'],
    ] as const) {
      const alone = mkdtempSync(join(tmpdir(), 'mg-companion-'));
      writeFileSync(join(alone, data.split('/')[1] as string), readFileSync(fixture('benign-breadth', data)));
      assert.equal((await scanDirectory(alone, { jobs: 1 })).files[0]?.verdict, 'unscannable', data);
      writeFileSync(join(alone, desc.split('/')[1] as string), readFileSync(fixture('benign-breadth', desc)));
      const both = await scanDirectory(alone, { jobs: 1 });
      assert.equal(both.verdict, 'clean', JSON.stringify(both.files.map((f) => f.reason)));
    }
  });
  it('a git clone and a Hugging Face cache alone report no false alarm', async () => {
    for (const d of ['git-clone', 'hf-cache']) {
      const r = await scanDirectory(fixture('benign-breadth', d), { jobs: 1 });
      assert.equal(r.verdict, 'clean', d);
    }
  });
});

describe('TFLite with its metadata zip', () => {
  const withMeta = new Uint8Array(readFileSync(fixture('benign-breadth', 'tflite', 'model_with_metadata.tflite')));
  const model = new Uint8Array(readFileSync(fixture('tflite', 'clean__builtin-ops.tflite')));
  it('the TFLite + metadata layout is clean, without zip/prefix-data', async () => {
    const r = await scanBuffer(withMeta, 'm.tflite');
    assert.equal(r.verdict, 'clean', r.reason);
    assert.ok(!r.findings.some((f) => f.rule === 'zip/prefix-data'));
  });
  it('its zip members are still scanned: a pickle payload there is found', async () => {
    const r = await scanBuffer(buildZip([{ name: 'labels.pkl', data: PAYLOAD }], { prefix: model }), 'm.tflite');
    assert.equal(r.verdict, 'malicious');
  });
  it('a prefix that is not a complete TFLite model still raises zip/prefix-data', async () => {
    const fake = model.slice(0, 40);
    const r = await scanBuffer(buildZip([{ name: 'labels.txt', data: 'background\ncat\ndog\n' }], { prefix: fake }), 'm.tflite');
    assert.ok(r.findings.some((f) => f.rule === 'zip/prefix-data'));
  });
});
