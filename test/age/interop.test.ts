/**
 * Interoperability with the reference `age` CLI (Debian's package; `.ci/run`
 * installs it). Both directions, binary and armored, X25519 and passphrase,
 * at the STREAM's edge sizes. Passphrase runs of `age` need a terminal:
 * they go through util-linux `script`, which gives age a pty.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pseudoRandom, tempDir } from '../vault/helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
// The last size is above the 4 MiB threshold of the worker-thread paths.
const SIZES = [0, 1, 65535, 65536, 65537, 131072, 6 * 1024 * 1024 + 5];
const hasAge = spawnSync('age', ['--version']).status === 0;
const hasScript = spawnSync('script', ['--version']).status === 0;

function mg(args: string[], env: Record<string, string> = {}, input?: Uint8Array): Buffer {
  return execFileSync(process.execPath, [MAIN, ...args], {
    env: { ...process.env, ...env },
    ...(input === undefined ? {} : { input }),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Runs `age` under a pty, typing `pass` at each prompt. */
function ageWithPassphrase(args: string[], pass: string, prompts: number): void {
  const cmd = ['age', ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const shell = `(${Array.from({ length: prompts }, () => `sleep 0.4; printf '%s\\n' '${pass}'`).join('; ')}) | script -qec "${cmd}" /dev/null`;
  const r = spawnSync('sh', ['-c', shell], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `age ${args.join(' ')}: ${r.stderr}`);
}

describe('interop with the age CLI', { skip: hasAge ? false : 'age not installed (.ci/run installs it)' }, () => {
  let dir = '';
  let cleanup = (): void => undefined;
  let key = '';
  let recipient = '';

  before(() => {
    ({ dir, cleanup } = tempDir());
    key = join(dir, 'key.txt');
    execFileSync('age-keygen', ['-o', key], { stdio: 'ignore' });
    recipient = execFileSync('age-keygen', ['-y', key], { encoding: 'utf8' }).trim();
  });
  after(() => {
    cleanup();
  });

  for (const size of SIZES) {
    describe(`${size} bytes`, () => {
      const data = pseudoRandom(size, size + 1);
      it('age encrypts, modelguard decrypts (binary and armored)', () => {
        const plain = join(dir, `a-${size}`);
        writeFileSync(plain, data);
        for (const armor of [false, true]) {
          const enc = join(dir, `a-${size}-${armor}.age`);
          execFileSync('age', ['-r', recipient, ...(armor ? ['-a'] : []), '-o', enc, plain]);
          const out = join(dir, `a-${size}-${armor}.out`);
          mg(['decrypt', '-i', key, '-o', out, enc]);
          assert.deepEqual(readFileSync(out), Buffer.from(data));
          // stdin -> stdout as well
          assert.deepEqual(mg(['decrypt', '-i', key], {}, readFileSync(enc)), Buffer.from(data));
        }
      });
      it('modelguard encrypts, age decrypts (binary and armored, 1 and 2 threads)', () => {
        const plain = join(dir, `b-${size}`);
        writeFileSync(plain, data);
        for (const armor of [false, true]) {
          for (const threads of ['1', '2']) {
            const enc = join(dir, `b-${size}-${armor}-${threads}.age`);
            mg(['encrypt', '-r', recipient, ...(armor ? ['-a'] : []), '-o', enc, plain], { MODELGUARD_THREADS: threads });
            const out = execFileSync('age', ['-d', '-i', key, enc], { maxBuffer: 64 * 1024 * 1024 });
            assert.deepEqual(out, Buffer.from(data));
            // stdin -> stdout as well (the worker pool over streams)
            const piped = mg(['encrypt', '-r', recipient, ...(armor ? ['-a'] : [])], { MODELGUARD_THREADS: threads }, data);
            assert.deepEqual(execFileSync('age', ['-d', '-i', key], { input: piped, maxBuffer: 64 * 1024 * 1024 }), Buffer.from(data));
          }
        }
      });
    });
  }

  describe('passphrases', { skip: hasScript ? false : 'util-linux script not installed' }, () => {
    for (const size of [0, 65536, 200_000]) {
      const data = pseudoRandom(size, 99);
      it(`age -p encrypts ${size} bytes, modelguard decrypts`, () => {
        const plain = join(dir, `p-${size}`);
        writeFileSync(plain, data);
        const enc = join(dir, `p-${size}.age`);
        ageWithPassphrase(['-p', '-a', '-o', enc, plain], 'correct horse', 2);
        const out = mg(['decrypt'], { MODELGUARD_PASSPHRASE: 'correct horse' }, readFileSync(enc));
        assert.deepEqual(out, Buffer.from(data));
      });
      it(`modelguard -p encrypts ${size} bytes, age decrypts`, () => {
        const plain = join(dir, `q-${size}`);
        writeFileSync(plain, data);
        const enc = join(dir, `q-${size}.age`);
        mg(['encrypt', '-p', '-o', enc, plain], { MODELGUARD_PASSPHRASE: 'battery staple' });
        const out = join(dir, `q-${size}.out`);
        ageWithPassphrase(['-d', '-o', out, enc], 'battery staple', 1);
        // age creates -o lazily, on the first plaintext byte.
        assert.deepEqual(existsSync(out) ? readFileSync(out) : Buffer.alloc(0), Buffer.from(data));
      });
    }
  });

  it('keys from age-keygen and modelguard keygen are interchangeable', () => {
    const ours = join(dir, 'ours.txt');
    const pub = mg(['keygen', '--age', '-o', ours]).toString().trim();
    assert.equal(execFileSync('age-keygen', ['-y', ours], { encoding: 'utf8' }).trim(), pub);
    assert.equal(mg(['keygen', '--age', '-y', key]).toString().trim(), recipient);
  });
});
