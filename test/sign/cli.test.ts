/** digest / sign / verify / keygen through the CLI dispatcher: exit codes and outputs. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { memoryIO } from '../helpers.js';
import { IBM_ID, IBM_ISSUER, KEYS, REF, tmp } from './env.js';

async function cli(cwd: string, ...args: string[]) {
  const io = Object.assign(memoryIO(), { cwd });
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('signing CLI', () => {
  it('digest prints the reference root digest', async () => {
    const r = await cli(
      REF,
      'digest',
      'v1.1.0-certificate',
      '--ignore-paths',
      'v1.1.0-certificate/ignore-me',
      '--ignore-paths',
      'v1.1.0-certificate/model.sig',
    );
    assert.equal(r.out.trim(), 'sha256:61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226');
  });
  it('keygen, sign key, verify key; tamper exits 1 with the difference', async () => {
    const d = tmp();
    mkdirSync(join(d, 'model'));
    writeFileSync(join(d, 'model', 'w.bin'), 'weights');
    assert.equal((await cli(d, 'keygen', '--curve', 'P-384', '-o', 'k')).code, 0);
    assert.equal((await cli(d, 'sign', 'key', 'model', '--private-key', 'k.key', '--signature', 'model/model.sig')).code, 0);
    assert.equal((await cli(d, 'verify', 'key', 'model', '--public-key', 'k.pub', '--signature', 'model/model.sig')).code, 0);
    writeFileSync(join(d, 'model', 'w.bin'), 'weightz');
    const bad = await cli(d, 'verify', 'key', 'model', '--public-key', 'k.pub', '--signature', 'model/model.sig');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /changed\s+w\.bin/);
  });
  it('verify certificate and sigstore goldens; a wrong identity exits 1; usage errors exit 2', async () => {
    const dir = join(REF, 'v1.1.0-certificate');
    assert.equal((await cli(dir, 'verify', 'certificate', '.', '--certificate-chain', join(KEYS, 'ca-cert.pem'), '--ignore-paths', 'ignore-me')).code, 0);
    const ks = join(REF, 'v1.1.0-sigstore');
    assert.equal((await cli(ks, 'verify', 'sigstore', '.', '--identity', IBM_ID, '--identity-provider', IBM_ISSUER, '--ignore-paths', 'ignore-me')).code, 0);
    assert.equal((await cli(ks, 'verify', 'sigstore', '.', '--identity', 'x@example.com', '--identity-provider', IBM_ISSUER)).code, 1);
    assert.equal((await cli(ks, 'verify', 'key', '.')).code, 2);
    assert.equal((await cli(ks, 'sign', 'key', '.')).code, 2);
    assert.equal((await cli(ks, 'verify', 'key', '.', '--public-key', '/nonexistent.pub')).code, 2);
  });
});
