/** convert --allowlist, sign/verify's default signature place, encrypted keys without a passphrase (issue 16, item 4). */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixture } from '../helpers.js';
import { CLEAN, cliIn, tempDir } from './helpers.js';

const OWN_CLASS = fixture('integration', 'suspicious__own-class.pt');

describe('convert --allowlist', () => {
  it('a reviewed class lets the scan pass and the object is left behind, not refused', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ours.toml'), '[[allow]]\nname = "mylab.models.Cfg"\nuses = ["new", "build"]\n');
    const without = await cliIn(dir, ['convert', '--json', OWN_CLASS, 'a.safetensors']);
    assert.notEqual(without.code, 0);
    const withList = await cliIn(dir, ['convert', '--json', '--allowlist', 'ours.toml', OWN_CLASS, 'b.safetensors']);
    assert.equal(withList.code, 0, withList.err);
    const r = JSON.parse(withList.out) as { tensors: number; scan: { verdict: string }; leftBehind: { what: string }[] };
    assert.equal(r.scan.verdict, 'clean');
    assert.equal(r.tensors, 1);
    assert.ok(r.leftBehind.some((l) => l.what.includes('mylab.models.Cfg')));
    assert.ok(existsSync(join(dir, 'b.safetensors')));
  });
  it('a bad allowlist is a usage error', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{"allow": [{"name": "torch.*"}]}');
    assert.equal((await cliIn(dir, ['convert', '--allowlist', 'bad.json', OWN_CLASS, 'c.safetensors'])).code, 2);
  });
});

describe('sign and verify', () => {
  it('write and read model.sig inside a model folder by default, <file>.sig beside a file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'model'));
    copyFileSync(CLEAN, join(dir, 'model', 'weights.pt'));
    assert.equal((await cliIn(dir, ['keygen', '-o', 'k'])).code, 0);
    const s = await cliIn(dir, ['sign', 'key', 'model', '--private-key', 'k.key']);
    assert.equal(s.code, 0, s.err);
    assert.ok(existsSync(join(dir, 'model', 'model.sig')));
    assert.ok(!existsSync(join(dir, 'model.sig')));
    assert.equal((await cliIn(dir, ['verify', 'key', 'model', '--public-key', 'k.pub'])).code, 0);
    assert.equal((await cliIn(dir, ['sign', 'key', 'model/weights.pt', '--private-key', 'k.key'])).code, 0);
    assert.ok(existsSync(join(dir, 'model', 'weights.pt.sig')));
  });
  it('an encrypted private key without a passphrase says so, not a libcrypto error', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'model'));
    copyFileSync(CLEAN, join(dir, 'model', 'weights.pt'));
    assert.equal((await cliIn(dir, ['keygen', '-o', 'k', '--password', 'sesame'])).code, 0);
    const r = await cliIn(dir, ['sign', 'key', 'model', '--private-key', 'k.key']);
    assert.equal(r.code, 2);
    assert.match(r.err, /is encrypted: give its passphrase with --password/);
    assert.doesNotMatch(r.err, /error:[0-9A-F]{8}|bad decrypt|ERR_OSSL/i);
    assert.equal((await cliIn(dir, ['sign', 'key', 'model', '--private-key', 'k.key'], undefined, { MODELGUARD_KEY_PASSWORD: 'sesame' })).code, 0);
  });
});
