import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bech32Decode, bech32Encode } from '../../src/age/bech32.js';
import { parseIdentitiesFile, parseIdentity, parseRecipient, parseRecipientsFile } from '../../src/age/keys.js';
import { X25519Identity, X25519Recipient } from '../../src/age/x25519.js';
import { code } from '../vault/helpers.js';

// From the age spec (C2SP age.md): an identity and its recipient.
const SPEC_IDENTITY = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
const SPEC_RECIPIENT = 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj';

describe('bech32', () => {
  it('round-trips and keeps case', () => {
    const data = Uint8Array.from({ length: 32 }, (_, i) => i);
    const s = bech32Encode('age', data);
    assert.deepEqual(bech32Decode(s).data, data);
    const up = bech32Encode('age-secret-key-', data, true);
    assert.equal(up, up.toUpperCase());
    assert.deepEqual(bech32Decode(up).data, data);
  });
  it('rejects mixed case, bad checksum, bad characters', () => {
    assert.equal(
      code(() => bech32Decode(SPEC_RECIPIENT.replace('age1z', 'age1Z'))),
      'E_AGE_KEY',
    );
    assert.equal(
      code(() => bech32Decode(SPEC_RECIPIENT.slice(0, -1) + 'q')),
      'E_AGE_KEY',
    );
    assert.equal(
      code(() => bech32Decode(SPEC_RECIPIENT.replace('zv', 'bv'))),
      'E_AGE_KEY',
    );
    assert.equal(
      code(() => bech32Decode('x'.repeat(9000))),
      'E_AGE_KEY',
    );
  });
});

describe('X25519 keys', () => {
  it('derives the spec recipient from the spec identity', () => {
    assert.equal(X25519Identity.parse(SPEC_IDENTITY).recipient.toString(), SPEC_RECIPIENT);
    assert.equal(X25519Recipient.parse(SPEC_RECIPIENT).toString(), SPEC_RECIPIENT);
  });
  it('refuses an identity where a recipient is expected and vice versa', () => {
    assert.equal(
      code(() => parseRecipient(SPEC_IDENTITY)),
      'E_AGE_KEY',
    );
    assert.equal(
      code(() => parseIdentity(SPEC_RECIPIENT)),
      'E_AGE_KEY',
    );
    assert.equal(
      code(() => X25519Identity.parse(SPEC_IDENTITY.toLowerCase())),
      'E_AGE_KEY',
    );
  });
  it('rejects malformed post-quantum keys as E_AGE_KEY', () => {
    assert.equal(
      code(() => parseRecipient('age1pq1xyz')),
      'E_AGE_KEY',
    );
    assert.equal(
      code(() => parseIdentity('AGE-SECRET-KEY-PQ-1XYZ')),
      'E_AGE_KEY',
    );
  });
  it('reports unsupported kinds as E_AGE_UNSUPPORTED', () => {
    assert.equal(
      code(() => parseRecipient('ssh-rsa AAAAB3Nza')),
      'E_AGE_UNSUPPORTED',
    );
    assert.equal(
      code(() => parseRecipient('age1tag1xyz')),
      'E_AGE_UNSUPPORTED',
    );
    assert.equal(
      code(() => parseIdentity('AGE-PLUGIN-YUBIKEY-1XYZ')),
      'E_AGE_UNSUPPORTED',
    );
  });
});

describe('key files', () => {
  it('skip comments and blank lines', () => {
    const ids = parseIdentitiesFile(`# created: now\n# public key: ${SPEC_RECIPIENT}\n\n${SPEC_IDENTITY}\r\n`);
    assert.equal(ids.length, 1);
    const rs = parseRecipientsFile(`# team\n${SPEC_RECIPIENT}\n\n${SPEC_RECIPIENT}\n`);
    assert.equal(rs.length, 2);
  });
  it('name the line but never echo a bad identity', () => {
    const secret = SPEC_IDENTITY.slice(0, -1) + 'Q';
    try {
      parseIdentitiesFile(`# x\n${secret}\n`, 'keys.txt');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof Error);
      assert.match(e.message, /keys\.txt:2/);
      assert.ok(!e.message.includes(secret.slice(16, 40)), 'message must not contain key material');
    }
  });
  it('refuse empty and encrypted identity files', () => {
    assert.equal(
      code(() => parseIdentitiesFile('# nothing\n')),
      'E_AGE_KEY',
    );
    assert.equal(
      code(() => parseIdentitiesFile('age-encryption.org/v1\n')),
      'E_AGE_UNSUPPORTED',
    );
  });
});
