/**
 * The keygen/encrypt/decrypt commands through `main`, in-process, plus the
 * executable for stdin/stdout behaviour.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/dispatch.js';
import type { CliIO } from '../../src/cli/command.js';
import { pseudoRandom, tempDir } from '../vault/helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const { dir, cleanup } = tempDir();
after(cleanup);

function io(env: Record<string, string> = {}): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env, cwd: dir }, out: () => o, err: () => e };
}

describe('keygen --age', () => {
  it('writes a 0600 identity file and prints only the public key', async () => {
    const t = io();
    assert.equal(await main(['keygen', '--age', '-o', 'id.txt'], t.io), 0);
    const st = statSync(join(dir, 'id.txt'));
    assert.equal(st.mode & 0o777, 0o600);
    const text = readFileSync(join(dir, 'id.txt'), 'utf8');
    const secret = /AGE-SECRET-KEY-1[0-9A-Z]+/.exec(text)?.[0] ?? '';
    assert.ok(secret.length > 50);
    assert.match(t.out(), /^age1[0-9a-z]+\n$/);
    assert.ok(!t.out().includes('AGE-SECRET') && !t.err().includes('AGE-SECRET'));
  });
  it('refuses to print a secret key or overwrite a key file', async () => {
    assert.equal(await main(['keygen', '--age'], io().io), 2);
    assert.equal(await main(['keygen', '--age', '-o', 'id.txt'], io().io), 2);
    assert.equal(await main(['keygen', '--age', '--ec', '-o', 'both.txt'], io().io), 2);
  });
  it('-y prints the recipient of an identity file', async () => {
    const t = io();
    assert.equal(await main(['keygen', '--age', '-y', 'id.txt'], t.io), 0);
    assert.match(t.out(), /^age1/);
  });
});

describe('encrypt / decrypt', () => {
  const plain = join(dir, 'model.bin');
  writeFileSync(plain, pseudoRandom(200_000, 4));

  it('round-trips files with -o and leaves no temp files', async () => {
    const pub = readFileSync(join(dir, 'id.txt'), 'utf8').match(/age1[0-9a-z]+/)?.[0] ?? '';
    assert.equal(await main(['encrypt', '-r', pub, '-o', 'model.bin.age', 'model.bin'], io().io), 0);
    assert.equal(await main(['decrypt', '-i', 'id.txt', '-o', 'model.out', 'model.bin.age'], io().io), 0);
    assert.deepEqual(readFileSync(join(dir, 'model.out')), readFileSync(plain));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
  it('exits 1 on a tampered file and never creates the output', async () => {
    const bytes = readFileSync(join(dir, 'model.bin.age'));
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0x80;
    writeFileSync(join(dir, 'bad.age'), bytes);
    const t = io();
    assert.equal(await main(['decrypt', '-i', 'id.txt', '-o', 'bad.out', 'bad.age'], t.io), 1);
    assert.match(t.err(), /E_AGE_PAYLOAD/);
    assert.equal(existsSync(join(dir, 'bad.out')), false);
  });
  it('--no-fsync round-trips in both directions and still never shows a failed output', async () => {
    const pub = readFileSync(join(dir, 'id.txt'), 'utf8').match(/age1[0-9a-z]+/)?.[0] ?? '';
    assert.equal(await main(['encrypt', '--no-fsync', '-r', pub, '-o', 'nf.age', 'model.bin'], io().io), 0);
    assert.equal(await main(['decrypt', '--no-fsync', '-i', 'id.txt', '-o', 'nf.out', 'nf.age'], io().io), 0);
    assert.deepEqual(readFileSync(join(dir, 'nf.out')), readFileSync(plain));
    const bytes = readFileSync(join(dir, 'nf.age'));
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 1;
    writeFileSync(join(dir, 'nf-bad.age'), bytes);
    assert.equal(await main(['decrypt', '--no-fsync', '-i', 'id.txt', '-o', 'nf-bad.out', 'nf-bad.age'], io().io), 1);
    assert.equal(existsSync(join(dir, 'nf-bad.out')), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
  it('exits 1 with a wrong identity, 2 with a usage error', async () => {
    assert.equal(await main(['keygen', '--age', '-o', 'other.txt'], io().io), 0);
    assert.equal(await main(['decrypt', '-i', 'other.txt', '-o', 'x.out', 'model.bin.age'], io().io), 1);
    assert.equal(await main(['encrypt', '-o', 'x.age', 'model.bin'], io().io), 2);
    assert.equal(await main(['encrypt', '-r', 'age1nope', '-o', 'x.age', 'model.bin'], io().io), 2);
  });
  it('passphrase from the environment, armored, through stdin and stdout of the executable', () => {
    const env = { ...process.env, MODELGUARD_PASSPHRASE: 'pass phrase' };
    const data = pseudoRandom(70_000, 8);
    const enc = execFileSync(process.execPath, [MAIN, 'encrypt', '-p', '-a'], { input: data, env });
    assert.match(enc.toString(), /^-----BEGIN AGE ENCRYPTED FILE-----\n/);
    const dec = execFileSync(process.execPath, [MAIN, 'decrypt'], { input: enc, env });
    assert.deepEqual(dec, Buffer.from(data));
    const wrong = spawnSync(process.execPath, [MAIN, 'decrypt'], { input: enc, env: { ...env, MODELGUARD_PASSPHRASE: 'nope' } });
    assert.equal(wrong.status, 1);
    assert.equal(wrong.stdout.length, 0);
  });
});
