import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { scanBytes, fixture, fixtureDir, has } from '../helpers.js';
import { loaderMember, normPath, MAX_LINK_HOPS } from '../../../src/formats/torch/tar-members.js';
import type { TarEntry } from '../../../src/containers/tar/reader.js';

// Fixtures: scripts/fixtures/soundness_candidates.py; sandbox-results.tsv is the output of
// scripts/fixtures/soundness-run.sh (whether the payload wrote its marker under the real loader).
const results = readFileSync(`${fixtureDir('soundness')}/sandbox-results.tsv`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('\t'))
  .map(([file = '', loader = '', ran = '']) => ({ file, loader, ran: ran === 'true' }));

describe('soundness candidates: every payload that ran under its real loader is malicious', () => {
  it('the results table lists the candidates', () => {
    assert.ok(results.length >= 25);
  });
  for (const { file, loader } of results.filter((r) => r.ran)) {
    it(`${file} (${loader})`, async () => {
      const r = await scanBytes(readFileSync(fixture('soundness', file)), file);
      assert.equal(r.verdict, 'malicious', JSON.stringify(r.findings.map((f) => f.rule)));
    });
  }
});

describe('legacy torch tar: the member tarfile hands to torch.load', () => {
  it('a second storages member (tarfile reads the last) is walked record by record', async () => {
    const r = await scanBytes(readFileSync(fixture('soundness', 'torch-tar-duplicate-storages.tar')), 'x.tar');
    assert.equal(r.verdict, 'malicious');
    assert.ok(has(r, 'torch/legacy-layout', 'suspicious'));
  });
  it('storages as a hard link reads the target member as storage records', async () => {
    const r = await scanBytes(readFileSync(fixture('soundness', 'torch-tar-storages-hardlink.tar')), 'x.tar');
    assert.equal(r.verdict, 'malicious');
  });

  const e = (name: string, type: TarEntry['type'] = 'file', linkName = ''): TarEntry => ({
    name,
    type,
    size: 0,
    headerOffset: 0,
    dataOffset: 0,
    linkName,
    mode: 0o644,
  });
  it('resolves as tarfile does: last duplicate, hard links backwards, symlinks only for extractfile', () => {
    const a = e('storages');
    const b = e('storages');
    assert.equal(loaderMember([a, b], 'storages')?.entry, b);
    assert.equal(loaderMember([a], 'storages')?.detour, undefined);
    const t = e('./x/readme');
    assert.equal(loaderMember([t, e('storages', 'hardlink', 'x//readme')], 'storages')?.entry, t);
    // a hard link only sees members before it
    assert.equal(loaderMember([e('storages', 'hardlink', 'later'), e('later')], 'storages'), undefined);
    // extract of a symlink reads nothing; extractfile follows it relative to the link's folder
    assert.equal(loaderMember([t, e('storages', 'symlink', 'x/readme')], 'storages'), undefined);
    const p = e('d/payload');
    assert.equal(loaderMember([p, e('d/../pickle', 'file'), e('pickle', 'symlink', 'd/payload')], 'pickle')?.entry, p);
  });
  it('a link cycle ends after a bounded number of hops', () => {
    const cycle = [e('a', 'symlink', 'pickle'), e('pickle', 'symlink', 'a')];
    assert.equal(loaderMember(cycle, 'pickle'), undefined);
    const chain = Array.from({ length: MAX_LINK_HOPS + 2 }, (_, i) => e(`l${i}`, 'hardlink', `l${i - 1}`));
    chain.push(e('storages', 'hardlink', `l${MAX_LINK_HOPS + 1}`));
    assert.equal(loaderMember(chain, 'storages'), undefined);
  });
  it('normPath follows os.path.normpath', () => {
    assert.equal(normPath('a//b/./c'), 'a/b/c');
    assert.equal(normPath('a/../../b'), '../b');
    assert.equal(normPath('/../a'), '/a');
    assert.equal(normPath('./'), '.');
  });
});
