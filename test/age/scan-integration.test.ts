/**
 * The hand-off to the scan engine (item 5 of the vault issue): an encrypted
 * model is scanned through `openDecryptedSource` without plaintext on disk.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encryptBytes } from '../../src/age/encrypt.js';
import { openDecryptedSource } from '../../src/age/source.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { scanSource } from '../../src/scan/engine.js';
import { pseudoRandom, tempDir } from '../vault/helpers.js';

const { dir, cleanup } = tempDir();
after(cleanup);

describe('scanning an encrypted file', () => {
  it('scanSource reads the decrypted bytes; nothing is written to disk', async () => {
    const { identity } = X25519Identity.generate();
    const plain = pseudoRandom(150_000, 2);
    const path = join(dir, 'model.bin.age');
    writeFileSync(path, encryptBytes(plain, [identity.recipient]));
    const before = readdirSync(dir);
    const src = openDecryptedSource(path, [identity]);
    try {
      const report = await scanSource(src, path);
      assert.equal(report.size, plain.length, 'the engine saw the plaintext size');
    } finally {
      src.close();
    }
    assert.deepEqual(readdirSync(dir), before);
  });
});
