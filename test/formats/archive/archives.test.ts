/**
 * tar (plain and compressed) and 7z archives: fixtures written by Python's
 * tarfile and py7zr (test/fixtures/generate/compressed_numpy_archives.py),
 * hostile headers built here, truncation and byte flips.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture, rules } from '../../helpers.js';
import { assertNoInternalError, flipsNeverCrash } from '../helpers.js';

const noCrash = assertNoInternalError;

/** One ustar header block (512 bytes) with a correct checksum, then the data padded to 512. */
function tarEntry(name: string, data: Uint8Array, o: { type?: string; size?: string; link?: string } = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'latin1');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(o.size ?? `${data.length.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(o.type ?? '0', 156);
  if (o.link !== undefined) h.write(o.link, 157, 100, 'latin1');
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, Buffer.from(data), pad]);
}
const tar = (...entries: Buffer[]): Buffer => Buffer.concat([...entries, Buffer.alloc(1024)]);
/** End of the data of the last member of a plain tar (the payload in the fixture). */
function payloadEnd(t: Uint8Array): number {
  let pos = 0;
  let end = 0;
  while (pos + 512 <= t.length && t[pos] !== 0) {
    const size = parseInt(
      Buffer.from(t.subarray(pos + 124, pos + 136))
        .toString('latin1')
        .replace(/\0.*$/, '')
        .trim() || '0',
      8,
    );
    const typ = String.fromCharCode(t[pos + 156] as number);
    end = pos + 512 + size;
    // pax headers ('x') describe the next member; their own data is not the payload
    pos += 512 + Math.ceil(size / 512) * 512;
    if (typ === 'x') end = 0;
  }
  return end;
}
const PAYLOAD = readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl'));

describe('archive fixtures', () => {
  const names = readdirSync(fixture('archive'))
    .filter((n) => /^(clean|suspicious|malicious)__/.test(n))
    .sort();
  for (const name of names) {
    it(name, async () => {
      const r = await scanFile(fixture('archive', name), { displayName: name });
      const summary = r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message} @${JSON.stringify(f.location?.member)}`).join('\n');
      assert.equal(r.verdict, name.split('__')[0], summary);
      noCrash(r, name);
    });
  }
  it('a payload in a 7z member is found and named', async () => {
    const r = await scanFile(fixture('archive', 'malicious__payload.7z'));
    const hit = r.findings.find((f) => f.rule === 'pickle/dangerous-global');
    assert.deepEqual(hit?.location?.member, ['model/model.pkl']);
  });
  it('a payload in a zip in a tar.gz is found through three layers', async () => {
    const r = await scanFile(fixture('archive', 'malicious__zip-in-tar.tar.gz'));
    const hit = r.findings.find((f) => f.rule === 'pickle/dangerous-global');
    assert.ok((hit?.location?.member?.length ?? 0) >= 3, JSON.stringify(hit?.location));
  });
  it('traversal, absolute names and escaping links carry their rules', async () => {
    const rule = async (n: string): Promise<string[]> => rules((await scanFile(fixture('archive', n))).findings);
    assert.ok((await rule('malicious__dotdot-name.tar')).includes('archive/tar-path-traversal'));
    assert.ok((await rule('malicious__absolute-name.tar')).includes('archive/tar-path-traversal'));
    assert.ok((await rule('malicious__symlink-escape.tar')).includes('archive/tar-link-escape'));
    assert.ok((await rule('suspicious__device-entry.tar')).includes('archive/special-file'));
  });
});

describe('hostile tar headers', () => {
  it('a member declaring 8 GiB in a small file is an error, not clean, without allocating it', async () => {
    const r = await scanBuffer(tar(tarEntry('big.bin', new Uint8Array(16), { size: '77777777777\0' })), 'big.tar');
    assert.notEqual(r.verdict, 'clean', rules(r.findings).join(','));
    noCrash(r, 'big');
  });
  it('a hard link whose target climbs out is malicious', async () => {
    const r = await scanBuffer(tar(tarEntry('a', new Uint8Array(0), { type: '1', link: '../../etc/shadow' })), 'hard.tar');
    assert.equal(r.verdict, 'malicious', rules(r.findings).join(','));
  });
  it('entries past maxArchiveEntries stop the walk with a limit finding', async () => {
    const many = tar(...Array.from({ length: 40 }, (_, i) => tarEntry(`f${i}.txt`, Buffer.from('some plain text here\n'))));
    const r = await scanBuffer(many, 'many.tar', { limits: { maxArchiveEntries: 10 } });
    assert.notEqual(r.verdict, 'clean');
    assert.ok(rules(r.findings).includes('engine/limit'), rules(r.findings).join(','));
  });
  it('a payload after a benign member is found', async () => {
    const r = await scanBuffer(tar(tarEntry('readme.txt', Buffer.from('a model card, nothing more\n')), tarEntry('m/weights.pkl', PAYLOAD)), 'two.tar');
    assert.equal(r.verdict, 'malicious');
  });
});

describe('archives cut short and flipped', () => {
  for (const name of ['malicious__payload.tar', 'malicious__payload.7z', 'malicious__payload.tar.gz']) {
    it(`${name}: prefixes never crash and are clean only as a few bytes of text`, async () => {
      const data = readFileSync(fixture('archive', name));
      const step = Math.max(1, Math.floor(data.length / 250));
      for (let n = 1; n < data.length; n += step) {
        const r = await scanBuffer(data.subarray(0, n), name);
        noCrash(r, `cut at ${n}`);
        if (r.verdict !== 'clean') continue;
        // Python's tarfile ends quietly at a cut between members: a plain tar cut
        // before the payload's last byte is what a loader sees, a clean archive.
        const plainTarBeforePayload = name.endsWith('.tar') && r.format === 'tar' && n < payloadEnd(data);
        assert.ok((r.format === 'text' && n <= 16) || plainTarBeforePayload, `cut at ${n} of ${data.length} is clean as ${r.format}`);
      }
    });
  }
  for (const name of ['malicious__payload.tar', 'clean__model.7z']) {
    it(`${name}: random byte flips never crash`, async () => {
      const data = readFileSync(fixture('archive', name));
      await flipsNeverCrash(data, name, { runs: 30, slowRuns: 500, seed: 7, maxFlips: 6 });
    });
  }
});
