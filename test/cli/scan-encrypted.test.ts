/**
 * `scan -i IDENTITY` on age-encrypted models: encrypted with the real `age`
 * CLI, scanned decrypted in memory; no identity, a wrong one, or a tampered
 * chunk is unscannable, never clean; no plaintext appears on disk.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { fixture, memoryIO } from '../helpers.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

async function cli(cwd: string, ...args: string[]) {
  const io = Object.assign(memoryIO(), { cwd });
  return { code: await main(args, io), out: io.out(), err: io.err() };
}

function setup() {
  const d = mkdtempSync(join(tmpdir(), 'mg-age-'));
  execFileSync('age-keygen', ['-o', join(d, 'id.txt')], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', join(d, 'id.txt')])
    .toString()
    .trim();
  for (const [name, src] of [
    ['clean.pt.age', fixture('torch', 'clean__state-dict-zip.pt')],
    ['evil.pt.age', fixture('torch', 'malicious__datapkl-payload-injected.pt')],
  ] as const) {
    execFileSync('age', ['-r', recipient, '-o', join(d, name), src]);
  }
  execFileSync('age-keygen', ['-o', join(d, 'other.txt')], { stdio: 'ignore' });
  return d;
}

describe('scan -i on age-encrypted files', () => {
  it('scans the plaintext in memory: clean stays clean, a payload is found', async () => {
    const d = setup();
    const before = readdirSync(d).sort();
    const clean = await cli(d, 'scan', '-i', 'id.txt', '--format', 'json', 'clean.pt.age');
    assert.equal(clean.code, 0, clean.out);
    assert.equal((JSON.parse(clean.out) as { files: { format: string }[] }).files[0]?.format, 'torch-zip');
    const evil = await cli(d, 'scan', '-i', 'id.txt', 'evil.pt.age');
    assert.equal(evil.code, 1);
    assert.match(evil.out, /pickle\/dangerous-global/);
    assert.deepEqual(readdirSync(d).sort(), before, 'no plaintext written');
  });
  it('without an identity, with a wrong one, or tampered: unscannable', async () => {
    const d = setup();
    const none = JSON.parse((await cli(d, 'scan', '--format', 'json', 'evil.pt.age')).out) as { verdict: string; files: { findings: { rule: string }[] }[] };
    assert.equal(none.verdict, 'unscannable');
    assert.equal(none.files[0]?.findings[0]?.rule, 'age/encrypted');
    const wrong = JSON.parse((await cli(d, 'scan', '-i', 'other.txt', '--format', 'json', 'evil.pt.age')).out) as {
      verdict: string;
      files: { findings: { rule: string }[] }[];
    };
    assert.equal(wrong.verdict, 'unscannable');
    assert.equal(wrong.files[0]?.findings[0]?.rule, 'age/decrypt-failed');
    const bytes = readFileSync(join(d, 'evil.pt.age'));
    bytes[bytes.length - 30] = (bytes[bytes.length - 30] as number) ^ 1;
    writeFileSync(join(d, 'evil.pt.age'), bytes);
    const tampered = JSON.parse((await cli(d, 'scan', '-i', 'id.txt', '--format', 'json', 'evil.pt.age')).out) as { verdict: string };
    assert.equal(tampered.verdict, 'unscannable');
  });
});

describe('convert -i on age-encrypted checkpoints', () => {
  it('converts the decrypted checkpoint byte for byte, refuses the hostile one', async () => {
    const d = setup();
    const before = readdirSync(d).sort();
    const ok = await cli(d, 'convert', '-i', join(d, 'id.txt'), '--verify', join(d, 'clean.pt.age'), join(d, 'out.safetensors'));
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /verified: \d+ tensors/);
    assert.deepEqual(readdirSync(d).sort(), [...before, 'out.safetensors'].sort(), 'only the output was written');
    const bad = await cli(d, 'convert', '-i', join(d, 'id.txt'), join(d, 'evil.pt.age'), join(d, 'evil.safetensors'));
    assert.equal(bad.code, 1);
    assert.match(bad.err, /refusing/);
  });
});
