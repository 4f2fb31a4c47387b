import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ArmorDecoder, ArmorEncoder } from '../../src/age/armor.js';
import { decryptBytes, decryptStream } from '../../src/age/decrypt.js';
import { encryptBytes, encryptStream } from '../../src/age/encrypt.js';
import { ScryptIdentity, ScryptRecipient } from '../../src/age/scrypt.js';
import { CHUNK_SIZE, ENC_CHUNK_SIZE, plaintextSize, StreamOpener, StreamSealer } from '../../src/age/stream.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { code, pieces, pseudoRandom } from '../vault/helpers.js';

const SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 17];

describe('STREAM', () => {
  const key = new Uint8Array(randomBytes(32));
  for (const size of SIZES) {
    it(`${size} bytes: sealing and opening agree however the input is split`, () => {
      const data = pseudoRandom(size, size + 3);
      const whole = new StreamSealer(key);
      const sealed = Buffer.concat([...whole.push(data), ...whole.end()]);
      assert.equal(sealed.length - size, Math.max(1, Math.ceil(size / CHUNK_SIZE)) * 16);
      assert.equal(plaintextSize(sealed.length), size);
      const split = new StreamSealer(key);
      const parts = [...pieces(data, 3000).flatMap((p) => split.push(p)), ...split.end()];
      assert.deepEqual(Buffer.concat(parts), sealed);
      const o = new StreamOpener(key);
      const out: Uint8Array[] = [];
      for (let i = 0; i < sealed.length; i++) out.push(...o.push(sealed.subarray(i, i + 1)));
      out.push(...o.end());
      assert.deepEqual(Buffer.concat(out), Buffer.from(data));
    });
  }
  it('plaintextSize rejects impossible payload lengths', () => {
    assert.equal(plaintextSize(15), undefined);
    assert.equal(plaintextSize(ENC_CHUNK_SIZE + 16), undefined);
    assert.equal(plaintextSize(ENC_CHUNK_SIZE + 5), undefined);
    assert.equal(plaintextSize(16), 0);
  });
  it('an opener with the wrong key releases nothing', () => {
    const s = new StreamSealer(key);
    const sealed = Buffer.concat([...s.push(pseudoRandom(3 * CHUNK_SIZE)), ...s.end()]);
    const o = new StreamOpener(new Uint8Array(32));
    assert.equal(
      code(() => o.push(sealed)),
      'E_AGE_PAYLOAD',
    );
  });
});

describe('encrypt/decrypt round trips', () => {
  const { identity } = X25519Identity.generate();
  it('binary and armored, whole and streamed', async () => {
    for (const size of SIZES) {
      const data = pseudoRandom(size, 11);
      for (const armor of [false, true]) {
        const file = encryptBytes(data, [identity.recipient], { armor });
        assert.deepEqual(decryptBytes(file, [identity]), data);
        // An async source, as a network stream would be.
        async function* src(): AsyncGenerator<Uint8Array> {
          for (const p of pieces(file, 5000)) yield await Promise.resolve(p);
        }
        const out: Uint8Array[] = [];
        for await (const p of decryptStream(src(), [identity])) out.push(p);
        assert.deepEqual(Buffer.concat(out), Buffer.from(data));
        async function* plain(): AsyncGenerator<Uint8Array> {
          for (const p of pieces(data, 7000)) yield await Promise.resolve(p);
        }
        const enc: Uint8Array[] = [];
        for await (const p of encryptStream(plain(), [identity.recipient], { armor })) enc.push(p);
        assert.deepEqual(decryptBytes(Buffer.concat(enc), [identity]), data);
      }
    }
  });
  it('several recipients: each identity decrypts', () => {
    const a = X25519Identity.generate().identity;
    const b = X25519Identity.generate().identity;
    const file = encryptBytes(pseudoRandom(1000), [a.recipient, b.recipient]);
    assert.equal(decryptBytes(file, [b]).length, 1000);
    assert.equal(decryptBytes(file, [a]).length, 1000);
  });
  it('scrypt: right passphrase decrypts, wrong is no-identity, mixing is refused', () => {
    const file = encryptBytes(pseudoRandom(100), [new ScryptRecipient('hunter2', 10)]);
    assert.equal(decryptBytes(file, [new ScryptIdentity('hunter2')]).length, 100);
    assert.equal(
      code(() => decryptBytes(file, [new ScryptIdentity('hunter3')])),
      'E_AGE_NO_IDENTITY',
    );
    assert.equal(
      code(() => decryptBytes(file, [new ScryptIdentity('hunter2', 9)])),
      'E_AGE_LIMIT',
    );
    assert.equal(
      code(() => encryptBytes(new Uint8Array(1), [new ScryptRecipient('x', 10), identity.recipient])),
      'E_USAGE',
    );
  });
});

describe('armor', () => {
  it('wraps at 64 columns and decodes fed byte by byte', () => {
    const data = pseudoRandom(1000);
    const e = new ArmorEncoder();
    const text = e.push(data) + e.end();
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], '-----BEGIN AGE ENCRYPTED FILE-----');
    assert.ok(lines.slice(1, -2).every((l) => l.length === 64));
    const d = new ArmorDecoder();
    const bytes = Buffer.from(text);
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...d.push(bytes.subarray(i, i + 1)));
    out.push(...d.end());
    assert.deepEqual(Buffer.concat(out), Buffer.from(data));
  });
  it('rejects garbage after END and overlong lines', () => {
    const e = new ArmorEncoder();
    const text = e.push(pseudoRandom(100)) + e.end();
    const d = new ArmorDecoder();
    assert.equal(
      code(() => [d.push(Buffer.from(`${text}x`)), d.end()]),
      'E_AGE_ARMOR',
    );
    const d2 = new ArmorDecoder();
    assert.equal(
      code(() => d2.push(Buffer.from(`-----BEGIN AGE ENCRYPTED FILE-----\n${'A'.repeat(100)}`))),
      'E_AGE_ARMOR',
    );
  });
});
