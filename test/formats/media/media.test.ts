/**
 * Model-card images (python3-pil fixtures) are clean images; an image with a
 * zip appended is still walked as a zip; a bare signature is not an image.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { fixture } from '../../helpers.js';

describe('images', () => {
  it('PNG, JPEG, GIF and WebP from PIL are clean images', async () => {
    const names = readdirSync(fixture('media')).filter((n) => n.startsWith('clean__'));
    assert.equal(names.length, 4);
    for (const n of names) {
      const r = await scanBuffer(new Uint8Array(readFileSync(fixture('media', n))), n);
      assert.equal(r.verdict, 'clean', n);
      assert.equal(r.format, n.endsWith('.jpg') ? 'jpeg' : n.split('.').pop(), n);
    }
  });
  it('a PNG with a zip appended is walked as the zip (numpy.load opens it) and its payload found', async () => {
    const r = await scanBuffer(new Uint8Array(readFileSync(fixture('media', 'malicious__png-with-zip.png'))), 'figure.png');
    assert.equal(r.verdict, 'malicious');
    assert.ok(!r.format.startsWith('png'));
  });
  it('a signature without the structure after it is not clean', async () => {
    for (const head of [
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
      Uint8Array.from([0xff, 0xd8, 0xff, 0x00, 9, 9]),
      new TextEncoder().encode('RIFF\x10\x00\x00\x00WAVEfmt '),
    ]) {
      const r = await scanBuffer(head, 'x.png');
      assert.notEqual(r.verdict, 'clean', JSON.stringify(r.format));
    }
  });
});
