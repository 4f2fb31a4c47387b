import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { memoryIO } from '../helpers.js';

describe('modelguard serve (arguments)', () => {
  it('prints its help', async () => {
    const io = memoryIO();
    assert.equal(await main(['serve', '--help'], io), 0);
    assert.match(io.out(), /^Usage: modelguard serve/);
    assert.match(io.out(), /--database <url>/);
    assert.match(io.out(), /--redis <url>/);
    assert.match(io.out(), /MODELGUARD_S3_BUCKET/);
  });
  it('refuses a malformed S3 configuration from the environment (exit 2)', async () => {
    for (const env of [{ MODELGUARD_S3_BUCKET: 'Not_A_Bucket' }, { MODELGUARD_S3_BUCKET: 'models', MODELGUARD_S3_ENDPOINT: 'file:///tmp' }]) {
      const io = memoryIO(env);
      assert.equal(await main(['serve', '--data', '/nonexistent/never-created'], io), 2, JSON.stringify(env));
      assert.match(io.err(), /MODELGUARD_S3_/);
    }
  });
  it('refuses a bad port, a non-postgres URL and a worker-only process without workers (exit 2)', async () => {
    for (const args of [
      ['--port', 'x'],
      ['--database', 'mysql://h/db'],
      ['--worker-only', '--workers', '0'],
      ['--worker-only'],
      ['--bogus'],
      ['--redis', 'redis://127.0.0.1:1'], // the Redis queue needs PostgreSQL
      ['--database', 'postgres://h/db', '--redis', 'http://h:1'],
      ['--database', 'postgres://h/db', '--redis', 'redis://h:1', '--redis-prefix', '../x'],
      ['--lease-seconds', 'soon'],
    ]) {
      const io = memoryIO();
      assert.equal(await main(['serve', ...args], io), 2, args.join(' '));
    }
  });
});
