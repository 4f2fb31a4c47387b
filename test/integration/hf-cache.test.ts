/** Scanning a Hugging Face hub cache: per repository and revision, blobs once, links kept inside the cache (issue 16, item 3). */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RepositorySummary, ScanReport } from '../../src/findings/report.js';
import { defaultHfCache, looksLikeHfCache, scanHfCache } from '../../src/scan/hf-cache.js';
import { BAD, CLEAN, PLAIN, cliIn, tempDir } from './helpers.js';

const REV1 = 'a'.repeat(40);
const REV2 = 'b'.repeat(40);

/** A hub cache as huggingface_hub lays it out: blobs, refs, snapshots of symlinks, .no_exist, .locks. */
function hubCache(): string {
  const hub = tempDir('mg-hub-');
  const repo = join(hub, 'models--acme--tiny');
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  mkdirSync(join(repo, 'refs'), { recursive: true });
  copyFileSync(CLEAN, join(repo, 'blobs', 'c0ffee'));
  copyFileSync(BAD, join(repo, 'blobs', 'badbad'));
  writeFileSync(join(repo, 'refs', 'main'), REV2);
  for (const [rev, files] of [
    [REV1, { 'pytorch_model.bin': 'c0ffee' }],
    [REV2, { 'pytorch_model.bin': 'c0ffee', 'extra/optimizer.pt': 'badbad' }],
  ] as const) {
    for (const [name, blob] of Object.entries(files)) {
      const p = join(repo, 'snapshots', rev, name);
      mkdirSync(join(p, '..'), { recursive: true });
      symlinkSync(
        join(
          '..',
          '..',
          ...name
            .split('/')
            .slice(1)
            .map(() => '..'),
          'blobs',
          blob,
        ),
        p,
      );
    }
  }
  mkdirSync(join(repo, '.no_exist', REV2), { recursive: true });
  writeFileSync(join(repo, '.no_exist', REV2, 'model.safetensors'), '');
  mkdirSync(join(hub, '.locks', 'models--acme--tiny'), { recursive: true });
  writeFileSync(join(hub, '.locks', 'models--acme--tiny', 'c0ffee.lock'), '');
  // A dataset whose snapshot links out of the cache: reported, never opened.
  const ds = join(hub, 'datasets--acme--data');
  mkdirSync(join(ds, 'snapshots', REV1), { recursive: true });
  const outside = tempDir();
  copyFileSync(BAD, join(outside, 'evil.pkl'));
  symlinkSync(join(outside, 'evil.pkl'), join(ds, 'snapshots', REV1, 'data.pkl'));
  copyFileSync(PLAIN, join(ds, 'snapshots', REV1, 'real.pkl'));
  return hub;
}

function repo(r: ScanReport, id: string, revision: string): RepositorySummary | undefined {
  return r.repositories?.find((x) => x.id === id && x.revision === revision);
}

describe('scanHfCache', () => {
  it('reports per repository and revision, with the refs pointing at each', async () => {
    const r = await scanHfCache([hubCache()], { jobs: 1 });
    assert.equal(repo(r, 'acme/tiny', REV1)?.verdict, 'clean');
    assert.deepEqual(repo(r, 'acme/tiny', REV2)?.refs, ['main']);
    assert.equal(repo(r, 'acme/tiny', REV2)?.verdict, 'malicious');
    assert.deepEqual(repo(r, 'acme/tiny', REV2)?.files, [`acme/tiny@${REV2}/extra/optimizer.pt`, `acme/tiny@${REV2}/pytorch_model.bin`]);
    const bad = r.files.find((f) => f.path === `acme/tiny@${REV2}/extra/optimizer.pt`);
    assert.equal(bad?.verdict, 'malicious');
    assert.ok(bad?.findings.every((x) => x.location.file === bad.path));
  });
  it('scans a blob shared by revisions once', async () => {
    const seen: string[] = [];
    await scanHfCache([hubCache()], { jobs: 1, onProgress: (_d, _t, f) => seen.push(f.path) });
    assert.equal(seen.filter((p) => p.endsWith('pytorch_model.bin')).length, 1);
  });
  it('does not follow a link out of the repository folder, and reads .no_exist and .locks not at all', async () => {
    const r = await scanHfCache([hubCache()], { jobs: 1 });
    const out = r.files.find((f) => f.path === `datasets/acme/data@${REV1}/data.pkl`);
    assert.equal(out?.verdict, 'unscannable');
    assert.equal(out.findings[0]?.rule, 'engine/io-error');
    assert.equal(r.files.find((f) => f.path === `datasets/acme/data@${REV1}/real.pkl`)?.verdict, 'clean');
    assert.ok(!r.files.some((f) => f.path.includes('.no_exist') || f.path.includes('.locks') || f.path.includes('model.safetensors')));
  });
  it('selects one repository and revision (by ref or commit prefix)', async () => {
    const hub = hubCache();
    const main = await scanHfCache([hub], { jobs: 1, repo: 'acme/tiny', revision: 'main' });
    assert.deepEqual(
      main.repositories?.map((x) => x.revision),
      [REV2],
    );
    const old = await scanHfCache([hub], { jobs: 1, repo: 'acme/tiny', revision: 'aaaa' });
    assert.equal(old.verdict, 'clean');
    await assert.rejects(scanHfCache([hub], { repo: 'acme/nope' }), { code: 'E_IO' });
  });
  it('finds the cache as huggingface_hub does', () => {
    assert.equal(defaultHfCache({ HF_HUB_CACHE: '/x/hub', HF_HOME: '/y' }), '/x/hub');
    assert.equal(defaultHfCache({ HF_HOME: '/y' }), '/y/hub');
    assert.equal(defaultHfCache({ XDG_CACHE_HOME: '/z' }), '/z/huggingface/hub');
    assert.equal(looksLikeHfCache(hubCache()), true);
    assert.equal(looksLikeHfCache(tempDir()), false);
  });
});

describe('modelguard scan and the cache', () => {
  it('--hf-cache, a cache folder given plainly, and --hf-model with HF_HUB_CACHE', async () => {
    const hub = hubCache();
    const a = await cliIn(tempDir(), ['scan', '-f', 'json', '--hf-cache', hub]);
    assert.equal(a.code, 1);
    assert.equal((JSON.parse(a.out) as ScanReport).repositories?.length, 3);
    const b = await cliIn(hub, ['scan', '-f', 'json', '.']);
    assert.deepEqual((JSON.parse(b.out) as ScanReport).repositories?.length, 3);
    const c = await cliIn(tempDir(), ['scan', '-f', 'json', '--hf-model', `acme/tiny@${REV1}`], undefined, { HF_HUB_CACHE: hub });
    assert.equal(c.code, 0, c.err);
    assert.deepEqual(
      (JSON.parse(c.out) as ScanReport).files.map((f) => f.path),
      [`acme/tiny@${REV1}/pytorch_model.bin`],
    );
  });
  it('a snapshot folder given directly is an ordinary folder scan through the links', async () => {
    const hub = hubCache();
    const r = await cliIn(join(hub, 'models--acme--tiny', 'snapshots'), ['scan', '-f', 'json', REV2]);
    assert.equal(r.code, 1);
    assert.deepEqual((JSON.parse(r.out) as ScanReport).files.map((f) => f.path).sort(), [`${REV2}/extra/optimizer.pt`, `${REV2}/pytorch_model.bin`]);
  });
});
