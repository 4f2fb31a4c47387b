/**
 * Test payloads: pickles whose REDUCE calls `builtins.exec(<python>)`, so an
 * escape attempt runs inside the sandbox through the real pickle loader. The
 * attempt writes its outcome to /tmp/result, which the monitor reports
 * (authenticated) in `sandbox.files`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Detonation } from '../../src/sandbox/detonate.js';

/** Protocol 2: GLOBAL builtins.exec, BINUNICODE code, TUPLE1, REDUCE, STOP. */
export function execPickle(code: string): Buffer {
  const body = Buffer.from(code, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from('\x80\x02cbuiltins\nexec\nX', 'latin1'), len, body, Buffer.from('\x85R.', 'latin1')]);
}

/** Python that runs `attempt` (which sets `r`) and records r or the exception in /tmp/result. */
export function attempt(body: string): string {
  const indented = body
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `import os\ntry:\n${indented}\nexcept BaseException as e:\n    r = 'blocked:' + type(e).__name__ + ':' + str(getattr(e, 'errno', ''))\nwith open('/tmp/result', 'w') as f:\n    f.write(str(r)[:60])\n`;
}

export function writeTemp(t: TestContext, name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-sandbox-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** What the attempt wrote to /tmp/result, as the monitor saw it. */
export function result(d: Detonation): string | undefined {
  return d.sandbox.files.find((f) => f.path === '/tmp/result')?.head;
}
