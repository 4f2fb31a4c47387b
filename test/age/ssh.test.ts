/**
 * ssh-ed25519 recipients and OpenSSH identity files, against the age CLI
 * (keys from ssh-keygen; skipped where either is missing).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decryptBytes } from '../../src/age/decrypt.js';
import { encryptBytes } from '../../src/age/encrypt.js';
import { parseIdentitiesFile, parseRecipient, parseRecipientsFile } from '../../src/age/keys.js';
import { edwardsToMontgomery } from '../../src/age/ssh.js';
import { code, pseudoRandom, tempDir } from '../vault/helpers.js';

const tools = spawnSync('age', ['--version']).status === 0 && spawnSync('ssh-keygen', ['-?']).status !== null;
const { dir, cleanup } = tempDir();
after(cleanup);

function sshKey(name: string, passphrase = ''): { priv: string; pub: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'test@modelguard', '-f', path]);
  return { priv: path, pub: `${path}.pub` };
}

describe('ssh-ed25519', { skip: tools ? false : 'needs age and ssh-keygen' }, () => {
  it('age encrypts to an SSH key, we decrypt with the private key file; and back', () => {
    const k = sshKey('id1');
    for (const size of [0, 1, 65536, 200_001]) {
      const data = pseudoRandom(size, 31);
      const plain = join(dir, `p${size}`);
      writeFileSync(plain, data);
      const theirs = execFileSync('age', ['-R', k.pub, plain]);
      assert.deepEqual(decryptBytes(theirs, parseIdentitiesFile(readFileSync(k.priv, 'utf8'))), data);
      const mine = join(dir, `m${size}.age`);
      writeFileSync(mine, encryptBytes(data, parseRecipientsFile(readFileSync(k.pub, 'utf8'))));
      assert.deepEqual(execFileSync('age', ['-d', '-i', k.priv, mine]), Buffer.from(data));
    }
  });
  it('another SSH key does not match', () => {
    const a = sshKey('id2');
    const b = sshKey('id3');
    const file = encryptBytes(pseudoRandom(10), [parseRecipient(readFileSync(a.pub, 'utf8'))]);
    assert.equal(
      code(() => decryptBytes(file, parseIdentitiesFile(readFileSync(b.priv, 'utf8')))),
      'E_AGE_NO_IDENTITY',
    );
  });
  it('passphrase-protected SSH keys are E_AGE_UNSUPPORTED, damaged ones E_AGE_KEY', () => {
    const k = sshKey('id4', 'secret');
    assert.equal(
      code(() => parseIdentitiesFile(readFileSync(k.priv, 'utf8'))),
      'E_AGE_UNSUPPORTED',
    );
    const good = readFileSync(sshKey('id5').priv, 'utf8');
    const lines = good.split('\n');
    lines[2] = (lines[2] as string).replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal(
      code(() => parseIdentitiesFile(lines.join('\n'))),
      'E_AGE_KEY',
    );
  });
});

describe('ssh keys without tools', () => {
  it('maps the Ed25519 base point to the X25519 base point', () => {
    // Ed25519 B has y = 4/5; its Montgomery u is 9.
    const y = Buffer.from('5866666666666666666666666666666666666666666666666666666666666666', 'hex');
    const u = edwardsToMontgomery(y);
    assert.equal(Buffer.from(u).toString('hex'), `09${'00'.repeat(31)}`);
  });
  it('rejects other SSH key types and malformed keys', () => {
    assert.equal(
      code(() => parseRecipient('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ')),
      'E_AGE_UNSUPPORTED',
    );
    assert.equal(
      code(() => parseRecipient('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA')),
      'E_AGE_KEY',
    );
    assert.equal(
      code(() => parseRecipient('ssh-ed25519 !!!!')),
      'E_AGE_KEY',
    );
  });
});
