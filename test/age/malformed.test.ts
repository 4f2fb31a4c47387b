/**
 * Hostile and damaged age files: one `describe` per attack, the bytes built
 * in the test, the error code asserted. Every case also goes through the
 * file path (sequential and worker pool) to check that the output name
 * never appears when decryption fails.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decryptBytes } from '../../src/age/decrypt.js';
import { encryptBytes } from '../../src/age/encrypt.js';
import { decryptFile } from '../../src/age/file.js';
import { MAX_HEADER_SIZE, MAX_STANZAS, parseHeader } from '../../src/age/format.js';
import { ChunkPool } from '../../src/age/pool.js';
import type { Identity } from '../../src/age/recipient.js';
import { ENC_CHUNK_SIZE } from '../../src/age/stream.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { code, codeAsync, pseudoRandom, tempDir } from '../vault/helpers.js';

const { identity } = X25519Identity.generate();
const ids: Identity[] = [identity];
/** 4 chunks + a short final one: enough to reorder, drop and flip. */
const PLAIN = pseudoRandom(4 * 65536 + 1000, 3);
const FILE = encryptBytes(PLAIN, [identity.recipient]);
const HEADER = parseHeader(FILE).size;
const PAYLOAD = HEADER + 16;

function chunkAt(file: Uint8Array, i: number): Uint8Array {
  return file.subarray(PAYLOAD + i * ENC_CHUNK_SIZE, Math.min(file.length, PAYLOAD + (i + 1) * ENC_CHUNK_SIZE));
}

function withChunks(order: number[]): Uint8Array {
  return Buffer.concat([FILE.subarray(0, PAYLOAD), ...order.map((i) => chunkAt(FILE, i))]);
}

function flip(file: Uint8Array, at: number): Uint8Array {
  const out = Uint8Array.from(file);
  out[at] = (out[at] as number) ^ 0x01;
  return out;
}

const enc = new TextEncoder();
function header(lines: string[]): Uint8Array {
  return enc.encode(`age-encryption.org/v1\n${lines.join('\n')}\n`);
}

let dir = '';
let cleanup = (): void => undefined;
let pool: ChunkPool;
let n = 0;

/** Decrypts `bytes` through the file path with and without the pool; asserts the code and that nothing is left behind. */
async function fileCode(bytes: Uint8Array): Promise<string> {
  const codes = new Set<string>();
  for (const p of [undefined, pool]) {
    const input = join(dir, `in-${n}.age`);
    const output = join(dir, `out-${n++}`);
    writeFileSync(input, bytes);
    codes.add(await codeAsync(() => decryptFile(input, output, ids, { pool: p })));
    if (!codes.has('no error')) assert.equal(existsSync(output), false, 'no output under the final name');
  }
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temp files left',
  );
  assert.equal(codes.size, 1, `sequential and parallel disagree: ${[...codes].join(', ')}`);
  return [...codes][0] as string;
}

before(() => {
  ({ dir, cleanup } = tempDir());
  pool = new ChunkPool(2);
});
after(async () => {
  await pool.close();
  cleanup();
});

describe('baseline', () => {
  it('the unmodified file decrypts in memory and through files', async () => {
    assert.deepEqual(decryptBytes(FILE, ids), PLAIN);
    assert.equal(await fileCode(FILE), 'no error');
  });
});

describe('wrong identity', () => {
  it('is E_AGE_NO_IDENTITY', async () => {
    const other = X25519Identity.generate().identity;
    assert.equal(
      code(() => decryptBytes(FILE, [other])),
      'E_AGE_NO_IDENTITY',
    );
    const input = join(dir, 'wrong.age');
    writeFileSync(input, FILE);
    assert.equal(await codeAsync(() => decryptFile(input, join(dir, 'wrong.out'), [other])), 'E_AGE_NO_IDENTITY');
    assert.equal(existsSync(join(dir, 'wrong.out')), false);
  });
});

describe('truncation', () => {
  it('at every offset of the header and nonce is a header error', () => {
    for (let i = 0; i < PAYLOAD; i++) {
      const c = code(() => decryptBytes(FILE.subarray(0, i), ids));
      assert.ok(c === 'E_AGE_HEADER', `cut at ${i}: ${c}`);
    }
  });
  it('around every chunk boundary and inside chunks is a payload error', async () => {
    const cuts = new Set<number>();
    for (let i = 0; i <= 5; i++) for (const d of [-17, -16, -15, -1, 0, 1, 15, 16, 17, 500]) cuts.add(PAYLOAD + i * ENC_CHUNK_SIZE + d);
    for (const cut of [...cuts].filter((c) => c >= PAYLOAD && c < FILE.length)) {
      assert.equal(
        code(() => decryptBytes(FILE.subarray(0, cut), ids)),
        'E_AGE_PAYLOAD',
        `cut at ${cut}`,
      );
    }
    assert.equal(await fileCode(FILE.subarray(0, FILE.length - 1)), 'E_AGE_PAYLOAD');
  });
});

describe('stream ending exactly on a chunk boundary without the last-chunk flag', () => {
  it('is E_AGE_PAYLOAD (a dropped final chunk is not a valid end)', async () => {
    const cut = withChunks([0, 1, 2, 3]);
    assert.equal(
      code(() => decryptBytes(cut, ids)),
      'E_AGE_PAYLOAD',
    );
    assert.equal(await fileCode(cut), 'E_AGE_PAYLOAD');
  });
});

describe('flipped bytes', () => {
  it('in any chunk, body or tag, is E_AGE_PAYLOAD', async () => {
    for (let i = 0; i < 5; i++) {
      const c = chunkAt(FILE, i);
      const start = c.byteOffset - FILE.byteOffset;
      for (const at of [start, start + (1234 % c.length), start + c.length - 1]) {
        assert.equal(
          code(() => decryptBytes(flip(FILE, at), ids)),
          'E_AGE_PAYLOAD',
          `chunk ${i} byte ${at}`,
        );
      }
    }
    assert.equal(await fileCode(flip(FILE, PAYLOAD + 2 * ENC_CHUNK_SIZE + 7)), 'E_AGE_PAYLOAD');
  });
  it('in the payload nonce is E_AGE_PAYLOAD', () => {
    assert.equal(
      code(() => decryptBytes(flip(FILE, HEADER + 3), ids)),
      'E_AGE_PAYLOAD',
    );
  });
  it('in the header is a header, MAC or no-identity error, never success', () => {
    for (let at = 0; at < HEADER; at++) {
      const c = code(() => decryptBytes(flip(FILE, at), ids));
      assert.ok(['E_AGE_HEADER', 'E_AGE_MAC', 'E_AGE_NO_IDENTITY', 'E_AGE_ARMOR'].includes(c), `byte ${at}: ${c}`);
    }
  });
});

describe('reordered chunks', () => {
  it('is E_AGE_PAYLOAD', async () => {
    const swapped = withChunks([1, 0, 2, 3, 4]);
    assert.equal(
      code(() => decryptBytes(swapped, ids)),
      'E_AGE_PAYLOAD',
    );
    assert.equal(await fileCode(swapped), 'E_AGE_PAYLOAD');
  });
});

describe('dropped or duplicated chunks', () => {
  it('is E_AGE_PAYLOAD', async () => {
    for (const order of [
      [0, 2, 3, 4],
      [0, 1, 1, 2, 3, 4],
      [0, 1, 2, 3, 4, 4],
    ]) {
      assert.equal(
        code(() => decryptBytes(withChunks(order), ids)),
        'E_AGE_PAYLOAD',
        order.join(','),
      );
    }
    assert.equal(await fileCode(withChunks([0, 2, 3, 4])), 'E_AGE_PAYLOAD');
  });
});

describe('trailing data after the final chunk', () => {
  it('is E_AGE_PAYLOAD', async () => {
    const extra = Buffer.concat([FILE, Buffer.from([0])]);
    assert.equal(
      code(() => decryptBytes(extra, ids)),
      'E_AGE_PAYLOAD',
    );
    assert.equal(await fileCode(extra), 'E_AGE_PAYLOAD');
  });
});

describe('huge header', () => {
  it('a header line without end is refused at the limit', () => {
    const big = new Uint8Array(MAX_HEADER_SIZE + 10).fill(0x41);
    big.set(enc.encode('age-encryption.org/v1\n-> '));
    assert.equal(
      code(() => decryptBytes(big, ids)),
      'E_AGE_LIMIT',
    );
  });
  it('too many stanzas is E_AGE_LIMIT', () => {
    const lines = Array.from({ length: MAX_STANZAS + 1 }, () => '-> x\n');
    assert.equal(
      code(() => parseHeader(header([...lines, `--- ${'A'.repeat(43)}`]))),
      'E_AGE_LIMIT',
    );
  });
});

describe('non-canonical base64', () => {
  it('in a stanza body, the MAC, or a share is E_AGE_HEADER', () => {
    // "AB" decodes to one byte with spare bits set: canonical is "AA".
    assert.equal(
      code(() => parseHeader(header(['-> x', 'AB', `--- ${'A'.repeat(43)}`]))),
      'E_AGE_HEADER',
    );
    assert.equal(
      code(() => parseHeader(header(['-> x', 'AA==', `--- ${'A'.repeat(43)}`]))),
      'E_AGE_HEADER',
    );
    assert.equal(
      code(() => parseHeader(header(['-> x', '', `--- ${'A'.repeat(42)}B`]))),
      'E_AGE_HEADER',
    );
    const share = `-> X25519 ${'A'.repeat(42)}B`;
    const h = header([share, 'A'.repeat(43), `--- ${'A'.repeat(43)}`]);
    assert.equal(
      code(() => decryptBytes(Buffer.concat([h, new Uint8Array(32)]), ids)),
      'E_AGE_HEADER',
    );
  });
  it('URL-safe alphabet and whitespace are E_AGE_HEADER', () => {
    assert.equal(
      code(() => parseHeader(header(['-> x', 'A-_A', `--- ${'A'.repeat(43)}`]))),
      'E_AGE_HEADER',
    );
    assert.equal(
      code(() => parseHeader(header(['-> x', 'AA AA', `--- ${'A'.repeat(43)}`]))),
      'E_AGE_HEADER',
    );
  });
});

describe('unknown stanzas', () => {
  it('alone: the header parses and no identity matches', () => {
    const h = header(['-> example.com/enigma arg', 'AAAA', `--- ${'A'.repeat(43)}`]);
    assert.equal(
      code(() => decryptBytes(Buffer.concat([h, new Uint8Array(48)]), ids)),
      'E_AGE_NO_IDENTITY',
    );
  });
  it('beside ours: ignored, but the MAC covers them (removing one is E_AGE_MAC)', () => {
    const h = parseHeader(FILE);
    const text = Buffer.from(FILE.subarray(0, HEADER)).toString('latin1');
    const grease = text.replace('age-encryption.org/v1\n', 'age-encryption.org/v1\n-> grease x\nAAAA\n');
    const tampered = Buffer.concat([Buffer.from(grease, 'latin1'), FILE.subarray(HEADER)]);
    assert.equal(
      code(() => decryptBytes(tampered, ids)),
      'E_AGE_MAC',
    );
    assert.ok(h.stanzas.length === 1);
  });
});

describe('malformed structure', () => {
  const mac = `--- ${'A'.repeat(43)}`;
  const cases: [string, Uint8Array, string][] = [
    ['version v2', enc.encode(`age-encryption.org/v2\n-> x\n\n${mac}\n`), 'E_AGE_HEADER'],
    ['not age at all', enc.encode('PK\u0003\u0004garbage'), 'E_AGE_ARMOR'],
    ['CRLF header', enc.encode(`age-encryption.org/v1\r\n-> x\r\n\r\n${mac}\r\n`), 'E_AGE_HEADER'],
    ['no stanzas', header([mac]), 'E_AGE_HEADER'],
    ['stanza without body line', header(['-> x', mac]), 'E_AGE_HEADER'],
    ['empty argument', header(['-> x  y', '', mac]), 'E_AGE_HEADER'],
    ['control character in argument', header(['-> x\u0007', '', mac]), 'E_AGE_HEADER'],
    ['body line of 65 columns', header(['-> x', 'A'.repeat(65), '', mac]), 'E_AGE_HEADER'],
    ['MAC with two spaces', header(['-> x', '', `---  ${'A'.repeat(43)}`]), 'E_AGE_HEADER'],
    ['short MAC', header(['-> x', '', `--- ${'A'.repeat(42)}`]), 'E_AGE_HEADER'],
  ];
  for (const [what, bytes, want] of cases) {
    it(`${what} is ${want}`, () => {
      assert.equal(
        code(() => decryptBytes(bytes, ids)),
        want,
      );
    });
  }
});

describe('damage in large files (worker-thread file paths)', () => {
  const big = pseudoRandom(6 * 1024 * 1024 + 3, 21);
  const bigFile = encryptBytes(big, [identity.recipient]);
  const start = parseHeader(bigFile).size + 16;
  const chunk = (i: number): Uint8Array => bigFile.subarray(start + i * ENC_CHUNK_SIZE, Math.min(bigFile.length, start + (i + 1) * ENC_CHUNK_SIZE));
  const chunks = Math.ceil((bigFile.length - start) / ENC_CHUNK_SIZE);
  const order = (ix: number[]): Uint8Array => Buffer.concat([bigFile.subarray(0, start), ...ix.map(chunk)]);
  const all = Array.from({ length: chunks }, (_, i) => i);

  it('the intact file decrypts identically on both paths', async () => {
    assert.equal(await fileCode(bigFile), 'no error');
  });
  it('flipped, reordered, dropped, truncated or extended: E_AGE_PAYLOAD on both paths, no output', async () => {
    const swapped = [...all];
    [swapped[40], swapped[41]] = [swapped[41] as number, swapped[40] as number];
    const cases: [string, Uint8Array][] = [
      ['flip in chunk 50', flip(bigFile, start + 50 * ENC_CHUNK_SIZE + 99)],
      ['flip in the last tag', flip(bigFile, bigFile.length - 1)],
      ['chunks 40 and 41 swapped', order(swapped)],
      ['chunk 70 dropped', order(all.filter((i) => i !== 70))],
      ['final chunk dropped (ends on a boundary)', order(all.slice(0, -1))],
      ['one byte short', bigFile.subarray(0, bigFile.length - 1)],
      ['one byte extra', Buffer.concat([bigFile, Buffer.from([7])])],
    ];
    for (const [what, bytes] of cases) assert.equal(await fileCode(bytes), 'E_AGE_PAYLOAD', what);
  });
});
