/** Errors a person can act on (issue 16, item 4). */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanDirectory, scanFile, scanPaths } from '../../src/index.js';
import type { ProfileId } from '../../src/python-globals/profiles.js';
import { deniedAllowEntries } from '../../src/python-globals/allow-check.js';
import { BAD, CLEAN, cliIn, tempDir } from './helpers.js';

describe('usage errors', () => {
  it('an unknown option is exit 2 with the option named and a pointer to --help, for every command', async () => {
    for (const cmd of ['scan', 'convert', 'sign', 'verify', 'digest', 'keygen', 'encrypt', 'decrypt']) {
      const r = await cliIn(tempDir(), [cmd, '--frobnicate', CLEAN]);
      assert.equal(r.code, 2, cmd);
      assert.match(r.err, /--frobnicate/, cmd);
      assert.doesNotMatch(r.err, /ERR_PARSE_ARGS/, cmd);
    }
  });
  it('a mistyped profile is a usage error naming the known ones', async () => {
    const r = await cliIn(tempDir(), ['scan', '--profile', 'torhc', CLEAN]);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown profile 'torhc'.*torch/);
  });
});

describe('the library', () => {
  it('throws E_USAGE for an unknown profile instead of reporting an internal error', async () => {
    const bogus = 'torhc' as ProfileId;
    await assert.rejects(scanFile(CLEAN, { profile: bogus }), { code: 'E_USAGE' });
    await assert.rejects(scanPaths([CLEAN], { profile: bogus }), { code: 'E_USAGE' });
  });
  it('treats a missing path the same in scanFile and scanDirectory: E_IO', async () => {
    const missing = join(tempDir(), 'nope.pt');
    await assert.rejects(scanFile(missing), { code: 'E_IO' });
    await assert.rejects(scanDirectory(missing), { code: 'E_IO' });
  });
  it('still reports an existing but unreadable file as unscannable', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blob.bin'), Uint8Array.from([0xde, 0xad, 0xbe, 0xef]));
    assert.equal((await scanFile(join(dir, 'blob.bin'))).verdict, 'unscannable');
  });
});

describe('allowlist entries the denylist overrides', () => {
  it('are found, exact names and patterns under a denied module', () => {
    const found = deniedAllowEntries([
      { name: 'posix.system', uses: ['call'], why: 't' },
      { name: 'subprocess.Popen', uses: ['new'], why: 't' },
      { name: 'mylab.models.Net', uses: ['new'], why: 't' },
      { name: 'collections.OrderedDict', uses: ['new'], why: 't' },
    ]);
    assert.deepEqual(
      found.map((f) => f.name),
      ['posix.system', 'subprocess.Popen'],
    );
  });
  it('are warned about on stderr, and still do nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'allow.json'), JSON.stringify({ allow: [{ name: 'posix.system', uses: ['call'] }] }));
    const r = await cliIn(dir, ['scan', '--allowlist', 'allow.json', BAD]);
    assert.equal(r.code, 1);
    assert.match(r.err, /warning: allowlist entry 'posix\.system' has no effect/);
  });
});
