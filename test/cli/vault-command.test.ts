/** `modelguard vault` through `main`, in-process: watch --once, list, prune --dry-run, prune, verify, damaged copies. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import type { CliIO } from '../../src/cli/command.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { tempDir } from '../vault/helpers.js';
import { writeTrainingRun } from '../vault/vault-fixtures.js';

const { dir, cleanup } = tempDir();
after(cleanup);
const run = join(dir, 'run');
const vault = `${run}.vault`;
const recipient = X25519Identity.generate().identity.recipient.toString();

function io(): { io: CliIO; out: () => string } {
  const stdout = new PassThrough();
  let o = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  return { io: { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: dir }, out: () => o };
}

const ages = (): string[] =>
  readdirSync(vault)
    .filter((f) => f.endsWith('.age'))
    .sort();

describe('modelguard vault', () => {
  it('watch --once archives a training run', async () => {
    writeTrainingRun(run, { big: 5000, small: 100 });
    assert.equal(await main(['vault', 'watch', 'run', '-r', recipient, '--once', '--settle', '0'], io().io), 0);
    assert.equal(ages().length, 4);
  });
  it('list shows steps and metrics', async () => {
    const t = io();
    assert.equal(await main(['vault', 'list', 'run.vault'], t.io), 0);
    assert.match(t.out(), /checkpoint-200\.tar\.age\tverified\t\d+\t200\t.*eval_loss=0\.25/);
  });
  it('prune --dry-run prints and removes nothing; prune removes', async () => {
    const t = io();
    assert.equal(await main(['vault', 'prune', 'run.vault', '--keep-best', 'eval_loss', '--dry-run'], t.io), 0);
    assert.match(t.out(), /would prune {2}checkpoint-100\.tar\.age/);
    assert.match(t.out(), /keep {3}last\.ckpt\.age {2}\(newest\)/);
    assert.equal(ages().length, 4);
    assert.equal(await main(['vault', 'prune', 'run.vault', '--keep-best', 'eval_loss'], io().io), 0);
    assert.deepEqual(ages(), ['checkpoint-200.tar.age', 'last.ckpt.age']);
    assert.equal(existsSync(join(vault, 'vault.lock')), false, 'lock released');
  });
  it('prune refuses while a live watcher holds the vault, and rejects bad rules', async () => {
    writeFileSync(join(vault, 'vault.lock'), `${process.pid}\n`);
    assert.equal(await main(['vault', 'prune', 'run.vault', '--keep-last', '1'], io().io), 2);
    assert.equal(ages().length, 2);
    assert.equal(await main(['vault', 'prune', 'run.vault', '--keep-last', '0', '--dry-run'], io().io), 2);
    assert.equal(await main(['vault', 'frobnicate'], io().io), 2);
  });
  it('verify checks every copy; list, verify and prune report a damaged newest copy and prune keeps an intact one', async () => {
    const t0 = io();
    assert.equal(await main(['vault', 'verify', 'run.vault'], t0.io), 0);
    assert.match(t0.out(), /^2 intact, 0 damaged$/m);
    // The newest copy rots on storage; the other is deleted by hand.
    const newest = join(vault, 'last.ckpt.age');
    const b = readFileSync(newest);
    b.writeUInt8(b.readUInt8(200) ^ 1, 200);
    writeFileSync(newest, b);
    const t1 = io();
    assert.equal(await main(['vault', 'verify', 'run.vault'], t1.io), 1);
    assert.match(t1.out(), /^corrupt\tlast\.ckpt\.age\t/m);
    unlinkSync(join(vault, 'checkpoint-200.tar.age'));
    const t2 = io();
    assert.equal(await main(['vault', 'list', 'run.vault'], t2.io), 0);
    assert.match(t2.out(), /checkpoint-200\.tar\.age\tverified \(missing\)/);
  });
  it('prune with a corrupt newest copy deletes nothing', async () => {
    writeTrainingRun(join(dir, 'run2'), { big: 3000, small: 50 });
    assert.equal(await main(['vault', 'watch', 'run2', '-r', recipient, '--once', '--settle', '0'], io().io), 0);
    const v2 = join(dir, 'run2.vault');
    const newest = join(v2, 'last.ckpt.age');
    const b = readFileSync(newest);
    b.writeUInt8(b.readUInt8(100) ^ 1, 100);
    writeFileSync(newest, b);
    const before = readdirSync(v2).filter((f) => f.endsWith('.age')).length;
    const t = io();
    assert.equal(await main(['vault', 'prune', 'run2.vault', '--keep-last', '1'], t.io), 1);
    assert.match(t.out(), /^corrupt {2}last\.ckpt\.age/m);
    const left = readdirSync(v2).filter((f) => f.endsWith('.age'));
    assert.ok(left.includes('last.ckpt.age'), 'the damaged copy is left in place');
    assert.equal(left.length, before, 'no copy is deleted while one is damaged');
    assert.ok(before > 1);
    const t2 = io();
    assert.equal(await main(['vault', 'verify', 'run2.vault'], t2.io), 1);
    assert.match(t2.out(), new RegExp(`^${before - 1} intact, 1 damaged$`, 'm'));
  });
});
