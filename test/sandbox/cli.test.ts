/** `modelguard detonate` on the command line: verdict, exit codes, refusal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { chooseBackend } from '../../src/sandbox/backend/detect.js';
import { bwrapBackend } from '../../src/sandbox/backend/bwrap.js';
import { SandboxError } from '../../src/sandbox/errors.js';
import { memoryIO } from '../helpers.js';
import { execPickle, writeTemp } from './payload.js';

describe('modelguard detonate', () => {
  it('reports a payload as JSON and exits 1', async (t) => {
    const file = writeTemp(t, 'model.pkl', execPickle("import subprocess\nsubprocess.run(['true'])\n"));
    const io = memoryIO();
    assert.equal(await main(['detonate', '--format', 'json', file], io), 1);
    const d = JSON.parse(io.out()) as { schema: string; verdict: string; loader: string; backend: string; sinks: { event: string; sink: string }[] };
    assert.equal(d.schema, 'modelguard.detonation/v1');
    assert.equal(d.verdict, 'malicious');
    assert.equal(d.loader, 'pickle');
    assert.equal(d.backend, 'bwrap');
    assert.ok(d.sinks.some((s) => s.event === 'subprocess.Popen' && s.sink === 'process'));
  });

  it('exits 0 on a file that loads without reaching a sink', async (t) => {
    const file = writeTemp(t, 'model.pkl', Buffer.from('\x80\x02]q\x00(K\x01K\x02e.', 'latin1'));
    const io = memoryIO();
    assert.equal(await main(['detonate', file], io), 0);
    assert.match(io.out(), /CLEAN/);
  });

  it('exits 3 when the loader cannot run (no interpreter), never loading on the host', async (t) => {
    const file = writeTemp(t, 'model.pkl', execPickle('pass'));
    const io = memoryIO();
    assert.equal(await main(['detonate', '--python', '/nonexistent/python3', file], io), 3);
    assert.match(io.err(), /E_LOADER_UNAVAILABLE/);
  });

  it('refuses with E_SANDBOX_UNAVAILABLE when no backend is installed', () => {
    const absent = { ...bwrapBackend, locate: () => undefined };
    assert.throws(
      () => chooseBackend(undefined, [absent]),
      (e: unknown) => e instanceof SandboxError && e.code === 'E_SANDBOX_UNAVAILABLE',
    );
  });

  it('rejects unknown loaders and backends as usage errors', async (t) => {
    const file = writeTemp(t, 'model.pkl', execPickle('pass'));
    assert.equal(await main(['detonate', '--loader', 'tensorflow', file], memoryIO()), 2);
    assert.equal(await main(['detonate', '--backend', 'chroot', file], memoryIO()), 2);
  });

  it('says which format has no loader', async (t) => {
    const file = writeTemp(t, 'x.bin', Buffer.from('plain text, no model here\n'));
    const io = memoryIO();
    assert.equal(await main(['detonate', file], io), 2);
    assert.match(io.err(), /E_UNSUPPORTED/);
  });
});
