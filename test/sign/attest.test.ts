/** Scan attestations: bound to the files, signed, and checked by verify --require-clean-scan. */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { SCAN_PREDICATE, verifyAttestation } from '../../src/sign/attest.js';
import { SignError } from '../../src/sign/errors.js';
import { fixture, memoryIO } from '../helpers.js';
import { tmp } from './env.js';

async function cli(cwd: string, ...args: string[]) {
  const io = Object.assign(memoryIO(), { cwd });
  return { code: await main(args, io), out: io.out(), err: io.err() };
}

function modelDir(hostile = false): string {
  const d = tmp();
  mkdirSync(join(d, 'model'));
  cpSync(fixture('torch', 'clean__state-dict-zip.pt'), join(d, 'model', 'pytorch_model.bin'));
  writeFileSync(join(d, 'model', 'config.json'), '{"hidden_size": 4}');
  if (hostile) cpSync(fixture('pickle', 'malicious__os-system-protocol2.pkl'), join(d, 'model', 'extra.pkl'));
  return d;
}

describe('scan attestations', () => {
  it('attest, sign, then verify --require-clean-scan passes for a clean model', async () => {
    const d = modelDir();
    assert.equal((await cli(d, 'keygen', '-o', 'k')).code, 0);
    assert.equal((await cli(d, 'attest', 'model', '--private-key', 'k.key', '-o', 'model/modelguard-scan.sig')).code, 0);
    assert.equal(
      (await cli(d, 'sign', 'key', 'model', '--private-key', 'k.key', '--signature', 'model/model.sig', '--ignore-paths', 'model/modelguard-scan.sig')).code,
      0,
    );
    const ok = await cli(
      d,
      'verify',
      'key',
      'model',
      '--public-key',
      'k.pub',
      '--signature',
      'model/model.sig',
      '--require-clean-scan',
      '--attestation',
      'model/modelguard-scan.sig',
    );
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /scan attestation: clean/);
    const stmt = JSON.parse(
      Buffer.from(
        (JSON.parse(readFileSync(join(d, 'model', 'modelguard-scan.sig'), 'utf8')) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload,
        'base64',
      ).toString(),
    ) as { predicateType: string; predicate: { files: unknown[]; scanner: { name: string } } };
    assert.equal(stmt.predicateType, SCAN_PREDICATE);
    assert.equal(stmt.predicate.files.length, 2);
  });
  it('a malicious model cannot pass --require-clean-scan, and changed files break the binding', async () => {
    const d = modelDir(true);
    await cli(d, 'keygen', '-o', 'k');
    const scan = await cli(d, 'scan', 'model', '--attest', 'att.sig', '--private-key', 'k.key');
    assert.equal(scan.code, 1);
    await cli(d, 'sign', 'key', 'model', '--private-key', 'k.key', '--signature', 'model.sig');
    const r = await cli(d, 'verify', 'key', 'model', '--public-key', 'k.pub', '--signature', 'model.sig', '--require-clean-scan', '--attestation', 'att.sig');
    assert.equal(r.code, 1);
    assert.match(r.err, /found the model malicious/);
    writeFileSync(join(d, 'model', 'config.json'), '{"hidden_size": 5}');
    await assert.rejects(
      verifyAttestation(join(d, 'model'), join(d, 'att.sig'), { method: 'key', publicKey: join(d, 'k.pub') }),
      (e: unknown) => e instanceof SignError && e.code === 'E_SIG_MISMATCH',
    );
  });
  it('a model signature is not accepted as an attestation', async () => {
    const d = modelDir();
    await cli(d, 'keygen', '-o', 'k');
    await cli(d, 'sign', 'key', 'model', '--private-key', 'k.key', '--signature', 'model.sig');
    await assert.rejects(
      verifyAttestation(join(d, 'model'), join(d, 'model.sig'), { method: 'key', publicKey: join(d, 'k.pub') }),
      (e: unknown) => e instanceof SignError && e.code === 'E_SIG_BUNDLE',
    );
  });
});
