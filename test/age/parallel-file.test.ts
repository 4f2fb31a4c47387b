/**
 * The parallel file path (inputs of 4 MiB and more with a pool): ranges are
 * split between the workers and, while the workers are still loading, this
 * thread. Every test uses a fresh pool, so that this thread's lane runs.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decryptBytes } from '../../src/age/decrypt.js';
import { decryptFile, encryptFile } from '../../src/age/file.js';
import { parseHeader } from '../../src/age/format.js';
import { PARALLEL_MIN } from '../../src/age/io.js';
import { ChunkPool } from '../../src/age/pool.js';
import { ENC_CHUNK_SIZE } from '../../src/age/stream.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { codeAsync, pseudoRandom, tempDir } from '../vault/helpers.js';

const { dir, cleanup } = tempDir();
after(cleanup);
const { identity } = X25519Identity.generate();
/** 24 MiB + 5 bytes: 12 ranges of 2 MiB and a short last chunk. */
const PLAIN = pseudoRandom(6 * PARALLEL_MIN + 5, 11);
const plainPath = join(dir, 'plain.bin');
writeFileSync(plainPath, PLAIN);

async function withPool<T>(fn: (pool: ChunkPool) => Promise<T>): Promise<T> {
  const pool = new ChunkPool(2);
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

describe('parallel file encryption and decryption', () => {
  it('encrypts to a stream the sequential decryptor accepts, and decrypts it back', async () => {
    const enc = join(dir, 'a.age');
    await withPool((pool) => encryptFile(plainPath, enc, [identity.recipient], { pool }));
    const cipher = readFileSync(enc);
    assert.deepEqual(decryptBytes(cipher, [identity]), PLAIN);
    const out = join(dir, 'a.out');
    assert.equal(await withPool((pool) => decryptFile(enc, out, [identity], { pool })), PLAIN.length);
    assert.deepEqual(new Uint8Array(readFileSync(out)), PLAIN);
  });

  it('--no-fsync (durable: false) gives the same plaintext', async () => {
    const enc = join(dir, 'b.age');
    await withPool((pool) => encryptFile(plainPath, enc, [identity.recipient], { pool, durable: false }));
    const out = join(dir, 'b.out');
    await withPool((pool) => decryptFile(enc, out, [identity], { pool, durable: false }));
    assert.deepEqual(new Uint8Array(readFileSync(out)), PLAIN);
  });

  // Ranges 0-3 go to the workers' queues first and the next ones to this
  // thread, so flips early, in the middle and in the last chunk cover both.
  for (const chunk of [0, 33, 130, 261, 383, 384]) {
    it(`a flipped byte in chunk ${chunk} fails with E_AGE_PAYLOAD and leaves no output`, async () => {
      const cipher = new Uint8Array(readFileSync(join(dir, 'a.age')));
      const payload = parseHeader(cipher).size + 16;
      const at = Math.min(cipher.length - 1, payload + chunk * ENC_CHUNK_SIZE + 100);
      cipher[at] = (cipher[at] as number) ^ 0x40;
      const bad = join(dir, `bad-${chunk}.age`);
      writeFileSync(bad, cipher);
      const out = join(dir, `bad-${chunk}.out`);
      assert.equal(await withPool((pool) => codeAsync(() => decryptFile(bad, out, [identity], { pool }))), 'E_AGE_PAYLOAD');
      assert.equal(existsSync(out), false);
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.endsWith('.tmp')),
        [],
      );
    });
  }
});
