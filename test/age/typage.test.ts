/**
 * Interop with the reference TypeScript implementation (npm `age-encryption`,
 * dev dependency only) for what Debian's age 1.1.1 cannot do: post-quantum
 * hybrid (mlkem768x25519) recipients. X25519 is cross-checked too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decrypter, Encrypter, generateHybridIdentity, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { decryptBytes } from '../../src/age/decrypt.js';
import { encryptBytes } from '../../src/age/encrypt.js';
import { HybridIdentity } from '../../src/age/hybrid.js';
import { parseIdentity, parseRecipient } from '../../src/age/keys.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { code, pseudoRandom } from '../vault/helpers.js';

for (const [kind, generate] of [
  ['mlkem768x25519 (post-quantum hybrid)', generateHybridIdentity],
  ['X25519', generateX25519Identity],
] as const) {
  describe(`age-encryption (typage) interop: ${kind}`, () => {
    it('keys: we derive the same recipient from its identity', async () => {
      const id = await generate();
      const ours = parseIdentity(id);
      assert.equal(ours.recipient.toString(), await identityToRecipient(id));
    });
    for (const size of [0, 1, 65536, 200_000]) {
      it(`${size} bytes: typage encrypts, we decrypt; we encrypt, typage decrypts`, async () => {
        const id = await generate();
        const rcpt = await identityToRecipient(id);
        const data = pseudoRandom(size, size + 5);
        const e = new Encrypter();
        e.addRecipient(rcpt);
        const theirs = await e.encrypt(data);
        assert.deepEqual(decryptBytes(theirs, [parseIdentity(id)]), data);
        const mine = encryptBytes(data, [parseRecipient(rcpt)]);
        const d = new Decrypter();
        d.addIdentity(id);
        assert.deepEqual(await d.decrypt(mine), data);
      });
    }
  });
}

describe('post-quantum recipients', () => {
  it('cannot be mixed with X25519 recipients when encrypting', () => {
    const pq = HybridIdentity.generate().identity.recipient;
    const classic = X25519Identity.generate().identity.recipient;
    assert.equal(
      code(() => encryptBytes(new Uint8Array(1), [pq, classic])),
      'E_USAGE',
    );
  });
});
