/** The text classifier: encodings told apart, binary refused, heads cut anywhere. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { classifyText } from '../../../src/formats/text/charset.js';
import { ROOT, SLOW } from '../helpers.js';

const enc = new TextEncoder();
const LEGACY = join(ROOT, 'test', 'fixtures', 'benign-repos', 'model-cards', 'legacy');

describe('text encodings', () => {
  it('UTF-8 and ASCII, with and without a BOM', () => {
    assert.deepEqual(classifyText(enc.encode('hello\n'), true), { encoding: 'utf-8', bom: false, ansi: false });
    assert.deepEqual(classifyText(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode('모델')]), true), { encoding: 'utf-8', bom: true, ansi: false });
    assert.equal(classifyText(new Uint8Array(0), true)?.encoding, 'utf-8');
  });
  it('UTF-16 with a BOM, and without one by its zero bytes or its script', () => {
    const le = (s: string) => Uint8Array.from(Buffer.from(s, 'utf16le'));
    const be = (s: string) => Uint8Array.from(Buffer.from(s, 'utf16le').swap16());
    assert.equal(classifyText(Uint8Array.from([0xff, 0xfe, ...le('Hello, world\n')]), true)?.encoding, 'utf-16le');
    assert.equal(classifyText(Uint8Array.from([0xfe, 0xff, ...be('Hello, world\n')]), true)?.encoding, 'utf-16be');
    assert.equal(classifyText(le('labels: cat, dog\n'), true)?.encoding, 'utf-16le');
    assert.equal(classifyText(be('labels: cat, dog\n'), true)?.encoding, 'utf-16be');
    assert.equal(classifyText(le('该模型在大规模中文语料上进行了训练\n'), true)?.encoding, 'utf-16le');
  });
  it('legacy code pages and double-byte sets, by validity and statistics', () => {
    const want: Record<string, string> = {
      'README.ru.cp1251.txt': 'windows-1251',
      'README.ru.koi8_r.txt': 'koi8-r',
      'README.ar.cp1256.txt': 'windows-1256',
      'README.fr.cp1252.txt': 'windows-1252',
      'README.de.latin-1.txt': 'windows-1252',
      'README.el.cp1253.txt': 'windows-1253',
      'README.he.cp1255.txt': 'windows-1255',
      'README.th.cp874.txt': 'windows-874',
      'README.ja.shift_jis.txt': 'shift_jis',
      'README.ja.euc_jp.txt': 'euc-jp',
      'README.zh.gbk.txt': 'gb18030',
      'README.zh.gb18030.txt': 'gb18030',
      'README.zh-Hant.big5.txt': 'big5',
      'README.ko.euc_kr.txt': 'euc-kr',
      'labels.ru.cp1251.txt': 'windows-1251',
      'labels.ja.shift_jis.txt': 'shift_jis',
    };
    for (const name of readdirSync(LEGACY)) {
      const got = classifyText(new Uint8Array(readFileSync(join(LEGACY, name))), true);
      assert.ok(got !== undefined, name);
      if (want[name] !== undefined) assert.equal(got.encoding, want[name], name);
    }
  });
  it('logs with ANSI colours and a stray control byte', () => {
    const log = '\x1b[32mINFO\x1b[0m step 1 loss 0.69\n'.repeat(20) + '\x07\x1b[31mERROR\x1b[0m retry\n';
    assert.deepEqual(classifyText(enc.encode(log), true), { encoding: 'utf-8', bom: false, ansi: true });
  });
});

describe('not text', () => {
  it('control bytes, NULs, C1 controls, lone high bytes', () => {
    for (const b of [
      [0x23, 0x20, 0x01, 0x02],
      [0x47, 0x47, 0x55, 0x46, 0x03, 0x00, 0x00, 0x00],
      [0xf8],
      [0x23, 0xff, 0xfe],
      [0x81, 0xa6, 0x70, 0x61, 0x72, 0x61, 0x6d, 0x73, 0x81, 0xa5],
    ]) {
      assert.equal(classifyText(Uint8Array.from(b), true), undefined, JSON.stringify(b));
    }
  });
  it('random bytes are not text (binary carries control bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 512 }), (b) => {
        const controls = b.filter((c) => (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) || c === 0x7f).length;
        fc.pre(controls > 2);
        return classifyText(b, true) === undefined || classifyText(b, true)?.encoding.startsWith('utf-16') === true;
      }),
      { numRuns: SLOW ? 5000 : 300 },
    );
  });
  it('a text with a binary stretch is not text', () => {
    const b = new Uint8Array(2000).fill(0x61);
    for (let i = 500; i < 540; i++) b[i] = i % 7;
    assert.equal(classifyText(b, true), undefined);
  });
});

describe('heads cut inside a character', () => {
  it('UTF-8 cut at every byte of a 2-, 3- and 4-byte character near the end of a head', () => {
    for (const ch of ['é', '模', '😀']) {
      const text = enc.encode('a'.repeat(100) + ch.repeat(20));
      for (let cut = 90; cut <= text.length; cut++) {
        assert.equal(classifyText(text.subarray(0, cut), false)?.encoding, 'utf-8', `${ch} cut at ${cut}`);
      }
    }
  });
  it('a whole file cut inside a character is not UTF-8', () => {
    assert.equal(classifyText(enc.encode('模').subarray(0, 2), true), undefined);
  });
});
