import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encryptBytes } from '../../src/age/encrypt.js';
import { looksLikeAge, openDecryptedSource } from '../../src/age/source.js';
import { ENC_CHUNK_SIZE } from '../../src/age/stream.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { code, pseudoRandom, tempDir } from '../vault/helpers.js';

const { identity } = X25519Identity.generate();
const { dir, cleanup } = tempDir();
after(cleanup);

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('openDecryptedSource', () => {
  for (const size of [0, 1, 65536, 65537, 300_001]) {
    it(`${size} bytes: random reads equal the plaintext (binary and armored)`, () => {
      const data = pseudoRandom(size, 5);
      for (const armor of [false, true]) {
        const src = openDecryptedSource(write(`s-${size}-${armor}.age`, encryptBytes(data, [identity.recipient], { armor })), [identity], {
          cacheChunks: 2,
        });
        try {
          assert.equal(src.size, size);
          for (let i = 0; i < 50 && size > 0; i++) {
            const off = Math.floor((i * 7919 * 13) % size);
            const len = Math.min(size - off, (i * 104729) % 200_000);
            assert.deepEqual(Buffer.from(src.read(off, len)), Buffer.from(data.subarray(off, off + len)));
          }
          assert.equal(
            code(() => src.read(size, 1)),
            'E_TRUNCATED',
          );
        } finally {
          src.close();
        }
      }
    });
  }
  it('detects truncation at open and a flipped chunk at read', () => {
    const data = pseudoRandom(4 * 65536, 9);
    const file = encryptBytes(data, [identity.recipient]);
    assert.equal(
      code(() => openDecryptedSource(write('t.age', file.subarray(0, file.length - 10)), [identity])),
      'E_AGE_PAYLOAD',
    );
    const flipped = Uint8Array.from(file);
    const at = file.length - 3 * ENC_CHUNK_SIZE;
    flipped[at] = (flipped[at] as number) ^ 1;
    const src = openDecryptedSource(write('f.age', flipped), [identity]);
    try {
      assert.equal(
        code(() => src.read(0, 65536)),
        'no error',
      );
      assert.equal(
        code(() => src.read(0, data.length)),
        'E_AGE_PAYLOAD',
      );
    } finally {
      src.close();
    }
  });
  it('looksLikeAge recognises binary and armored files only', () => {
    assert.equal(looksLikeAge(encryptBytes(new Uint8Array(1), [identity.recipient]).subarray(0, 64)), true);
    assert.equal(looksLikeAge(Buffer.from('\n  -----BEGIN AGE ENCRYPTED FILE-----\n')), true);
    assert.equal(looksLikeAge(Buffer.from('PK\u0003\u0004')), false);
    assert.equal(looksLikeAge(Buffer.from('age-encryption.org/v2\n')), false);
  });
  it('refuses a wrong identity', () => {
    const p = write('w.age', encryptBytes(pseudoRandom(10), [identity.recipient]));
    assert.equal(
      code(() => openDecryptedSource(p, [X25519Identity.generate().identity])),
      'E_AGE_NO_IDENTITY',
    );
  });
});
