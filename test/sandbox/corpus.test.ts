/**
 * The evaluation corpus, detonated: every malicious file whose loader Debian
 * ships runs its payload inside the sandbox (the evidence shows the call)
 * and its marker never appears on the host; every benign file loads cleanly
 * inside (checkpoints pickling a user class the sandbox cannot import fail
 * to load, with nothing reached). Loaders are picked from the scanner's
 * format detection, as `modelguard detonate` does.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { detonate } from '../../src/sandbox/detonate.js';
import { ROOT } from '../helpers.js';

interface Entry {
  path: string;
  label: string;
  loader: string;
  marker?: string;
  requires_import?: unknown;
}

/** Corpus loaders Debian ships (python3-torch, -numpy, -joblib, -sklearn, -onnx, -jinja2; pickle and gzip/bz2 are the standard library). */
const DEBIAN_LOADERS = new Set(['torch', 'torch_jit', 'pickle', 'numpy', 'numpy_safe', 'joblib', 'onnx', 'gzip_pickle', 'bz2_pickle', 'gguf_jinja']);

function corpusDir(): string | undefined {
  for (const d of [resolve(ROOT, '../shared/corpus'), '/work/shared/corpus']) if (existsSync(join(d, 'manifest.jsonl'))) return d;
  return undefined;
}

const corpus = corpusDir();
const entries: Entry[] =
  corpus === undefined
    ? []
    : readFileSync(join(corpus, 'manifest.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Entry);
const covered = entries.filter((e) => DEBIAN_LOADERS.has(e.loader) && (e.label === 'malicious' || e.label === 'benign'));

describe('evaluation corpus, detonated', { skip: corpus === undefined ? 'corpus not present' : false, concurrency: 2 }, () => {
  it('covers the corpus files whose loader Debian ships', () => {
    assert.ok(covered.filter((e) => e.label === 'malicious').length >= 60);
    assert.ok(covered.filter((e) => e.label === 'benign').length >= 25);
  });

  for (const e of covered) {
    it(`${e.label}: ${e.path}`, async () => {
      const file = join(corpus as string, e.path);
      if (e.marker !== undefined) rmSync(e.marker, { force: true });
      const d = await detonate(file);
      if (e.label === 'malicious') {
        assert.equal(d.verdict, 'malicious', d.reason);
        assert.ok(d.sinks.length > 0);
        if (e.marker !== undefined) assert.equal(existsSync(e.marker), false, `${e.marker} appeared on the host`);
      } else if (e.requires_import !== undefined) {
        assert.equal(d.verdict, 'load-failed', d.reason);
        assert.match(d.outcome.detail ?? '', /^ModuleNotFoundError/);
        assert.deepEqual(d.sinks, []);
      } else {
        assert.equal(d.verdict, 'clean', `${d.reason} ${JSON.stringify(d.sinks.slice(0, 3))}`);
        assert.equal(d.sandbox.monitor, 'verified');
        assert.deepEqual(d.sandbox.files, []);
      }
    });
  }
});
