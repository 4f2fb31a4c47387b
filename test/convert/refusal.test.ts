/**
 * Malicious input is refused with the scan's explanation and nothing is
 * written; --allow-malicious converts the tensors and reports what was left
 * behind. Runs over the evaluation corpus too when it is present.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { convertCheckpoint } from '../../src/convert/convert.js';
import { ConvertError } from '../../src/convert/errors.js';
import { convert } from '../../src/convert/index.js';
import { EXPECTED, ROOT, fixture, listFiles, readOutput, tempDir } from './helpers/env.js';

const MALICIOUS = ['malicious__zip-os-system.pt', 'malicious__legacy-os-system.pt'];

describe('refusing malicious checkpoints', () => {
  for (const name of MALICIOUS) {
    it(`${name}: refused with the scan's findings, nothing written`, async (t) => {
      const dir = tempDir(t);
      await assert.rejects(convertCheckpoint(fixture(name), join(dir, 'x.safetensors')), (e: unknown) => {
        assert.ok(e instanceof ConvertError);
        assert.equal(e.code, 'E_CONVERT_REFUSED');
        assert.ok(e.findings.length > 0);
        assert.ok(e.findings.every((f) => f.severity === 'malicious'));
        assert.ok(e.findings.some((f) => f.rule === 'pickle/dangerous-global'));
        return true;
      });
      assert.deepEqual(listFiles(dir), []);
    });

    it(`${name}: --allow-malicious writes the tensors only and lists what was left behind`, async (t) => {
      const dir = tempDir(t);
      const out = join(dir, 'x.safetensors');
      const r = await convertCheckpoint(fixture(name), out, { allowMalicious: true, verify: true });
      const { hashes } = readOutput(out);
      const expected = EXPECTED[name]?.tensors ?? {};
      assert.deepEqual(hashes, Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v.sha256])));
      assert.equal(r.scan?.verdict, 'malicious');
      assert.ok(r.leftBehind.some((l) => l.where === 'hook' && l.what.includes('system')));
      assert.ok(r.leftBehind.some((l) => l.what === 'pickle/dangerous-global'));
    });
  }

  it('npz object arrays are refused (their data is a pickle), salvage keeps the numeric ones', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(convert(fixture('refused__object-array.npz'), join(dir, 'x.safetensors')), { code: 'E_CONVERT_UNSUPPORTED_TENSOR' });
    assert.deepEqual(listFiles(dir), []);
    const r = await convert(fixture('refused__object-array.npz'), join(dir, 'y.safetensors'), { salvage: true });
    assert.equal(r.tensors, 1);
  });
});

/** ../shared/corpus relative to the repository, or /work/shared/corpus. */
function corpusDir(): string | undefined {
  for (const d of [resolve(ROOT, '../shared/corpus'), '/work/shared/corpus']) if (existsSync(join(d, 'manifest.jsonl'))) return d;
  return undefined;
}

const corpus = corpusDir();

describe('evaluation corpus: every malicious or suspicious PyTorch file is refused', { skip: corpus === undefined ? 'corpus not present' : false }, () => {
  const entries =
    corpus === undefined
      ? []
      : readFileSync(join(corpus, 'manifest.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { path: string; label: string; format: string });
  const torch = entries.filter((e) => e.label !== 'benign' && e.format.startsWith('torch'));
  it('has PyTorch files to test', () => {
    assert.ok(torch.length > 0);
  });
  for (const e of torch) {
    it(`${e.path} (${e.label}, ${e.format})`, async (t) => {
      const dir = tempDir(t);
      await assert.rejects(convert(join(corpus as string, e.path), join(dir, 'x.safetensors')), (err: unknown) => {
        assert.ok(err instanceof ConvertError, String(err));
        assert.ok(['E_CONVERT_REFUSED', 'E_CONVERT_FOREIGN_GLOBAL'].includes(err.code), err.code);
        assert.ok(err.findings.length > 0, 'the refusal carries the scan explanation');
        return true;
      });
      assert.deepEqual(listFiles(dir), []);
    });
  }
});
