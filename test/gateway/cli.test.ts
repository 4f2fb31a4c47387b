/**
 * The `modelguard gateway` command: `key new` / `key rotate` print a key and
 * a key-file entry the gateway accepts, `check` validates, and the
 * executable serves, reloads keys on SIGHUP and stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/dispatch.js';
import { memoryIO } from '../helpers.js';
import { startUpstream, type TestUpstream } from './upstream.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

describe('modelguard gateway', () => {
  let dir: string;
  let upstream: TestUpstream;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mg-gw-cli-'));
    upstream = await startUpstream();
    writeFileSync(
      join(dir, 'gateway.yaml'),
      `listen: { port: 0 }\nadmin: { port: 0 }\nkeys: { file: keys.yaml }\nupstreams:\n  llm: { url: "${upstream.url}" }\nroutes:\n  - { path: /v1/chat/completions, kind: openai-chat, upstream: llm }\n`,
    );
  });
  after(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const io = memoryIO();
    const code = await main(argv, { ...io, cwd: dir });
    return { code, out: io.out(), err: io.err() };
  };

  it('key new prints the key once and an entry for the key file', async () => {
    const r = await run('gateway', 'key', 'new', '--id', 'alice', '--models', 'small-*');
    assert.equal(r.code, 0);
    const [key, ...entry] = r.out.split('\n');
    assert.match(key ?? '', /^mg_alice_[A-Za-z0-9_-]{43}$/);
    writeFileSync(join(dir, 'keys.yaml'), `keys:\n${entry.filter((l) => !l.startsWith('#')).join('\n')}`);
    writeFileSync(join(dir, 'alice.key'), key ?? '');
    assert.equal((await run('gateway', 'key', 'new', '--id', 'bad id')).code, 2);
  });
  it('check validates the configuration and the key file', async () => {
    const ok = await run('gateway', 'check', '--config', 'gateway.yaml');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^ok: 1 routes, 1 upstreams, 1 keys/);
    writeFileSync(
      join(dir, 'bad.yaml'),
      'upstreams: { u: { url: "http://127.0.0.1:1" } }\nroutes: [{ path: /x, kind: json, upstream: u, schema: { type: object }, filterr: {} }]\n',
    );
    const bad = await run('gateway', 'check', '--config', 'bad.yaml');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /E_CONFIG: routes\[0\]\.filterr: unknown key/);
  });
  it('serves, reloads keys on SIGHUP and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [MAIN, 'gateway', '--config', 'gateway.yaml'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
        if (m !== null) resolve(Number(m[1]));
      });
      child.on('exit', () => {
        reject(new Error(err));
      });
    });
    try {
      const { readFileSync } = await import('node:fs');
      const ask = (key: string) =>
        fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ model: 'small-chat', messages: [{ role: 'user', content: 'hi' }] }),
        });
      assert.equal((await ask(readFileSync(join(dir, 'alice.key'), 'utf8'))).status, 200);
      const rot = await run('gateway', 'key', 'rotate', '--id', 'alice');
      const [fresh, , line] = rot.out.split('\n');
      appendFileSync(join(dir, 'keys.yaml'), `${line}\n`);
      assert.equal((await ask(fresh ?? '')).status, 401);
      child.kill('SIGHUP');
      for (let i = 0; i < 100 && !err.includes('keys reloaded'); i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal((await ask(fresh ?? '')).status, 200, 'the rotated secret works after SIGHUP');
    } finally {
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => {
          resolve(c);
        });
        child.kill('SIGTERM');
      });
      assert.equal(code, 0, err);
    }
  });
});
