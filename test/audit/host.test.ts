/**
 * `audit host` on a real project folder built in the test, and a real
 * process (a Python "training" job) for the root check.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { auditHost } from '../../src/audit/host.js';
import { main } from '../../src/cli/dispatch.js';
import { memoryIO } from '../helpers.js';

function project(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-audit-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'checkpoints'));
  chmodSync(join(dir, 'checkpoints'), 0o755);
  writeFileSync(join(dir, 'checkpoints', 'epoch1.pt'), Buffer.from('PK\x03\x04 not really'));
  writeFileSync(join(dir, 'checkpoints', 'epoch2.pt.age'), Buffer.from('age-encryption.org/v1\n-> X25519 abc\n'));
  mkdirSync(join(dir, 'keys'));
  chmodSync(join(dir, 'keys'), 0o770);
  writeFileSync(join(dir, 'keys', 'signing.pem'), '-----BEGIN EC PRIVATE KEY-----\n');
  chmodSync(join(dir, 'keys', 'signing.pem'), 0o644);
  mkdirSync(join(dir, 'vault'));
  chmodSync(join(dir, 'vault'), 0o700);
  writeFileSync(join(dir, 'vault', 'vault.json'), '{"version":1,"entries":[]}');
  writeFileSync(join(dir, 'train.py'), 'import torch\nmodel = torch.load("checkpoints/epoch1.pt")\n');
  writeFileSync(join(dir, '.env'), 'WANDB_API_KEY=0123456789abcdef0123456789abcdef01234567\n');
  return dir;
}

describe('audit host', () => {
  it('reports folder permissions, unencrypted checkpoints, sources and env secrets', (t) => {
    const dir = project(t);
    const r = auditHost({ project: dir, processes: false });
    const got = r.findings.map((f) => `${f.rule} ${f.where.slice(dir.length + 1)}`).sort();
    assert.deepEqual(got, [
      'host/checkpoint-unencrypted checkpoints',
      'host/env-file-secret .env:1',
      'host/key-world-readable keys/signing.pem',
      'host/sensitive-group-writable keys',
      'host/sensitive-world-readable checkpoints',
      'host/source-torch-load-default train.py:2',
    ]);
    assert.equal(r.checked.pythonFiles, 1);
    assert.equal(r.checked.envFiles, 1);
    assert.equal(r.checked.folders, 3);
  });

  it('a private vault and private keys raise nothing', (t) => {
    const dir = project(t);
    chmodSync(join(dir, 'keys'), 0o700);
    chmodSync(join(dir, 'keys', 'signing.pem'), 0o600);
    const r = auditHost({ project: dir, processes: false });
    assert.ok(!r.findings.some((f) => f.where.includes('keys') || f.where.includes('vault')));
  });

  it('flags a training process running as root (and only when it is root)', async (t) => {
    const dir = project(t);
    const jobs = mkdtempSync(join(tmpdir(), 'mg-audit-job-'));
    t.after(() => {
      rmSync(jobs, { recursive: true, force: true });
    });
    writeFileSync(join(jobs, 'train.py'), 'import time\ntime.sleep(30)\n');
    // Real processes: a "training job" (python3 train.py) and a python -c that merely mentions train.py.
    const job = spawn('/usr/bin/python3', [join(jobs, 'train.py')], { stdio: 'ignore' });
    t.after(() => job.kill('SIGKILL'));
    const other = spawn('/usr/bin/python3', ['-c', 'import time; time.sleep(30)', 'train.py'], { stdio: 'ignore' });
    t.after(() => other.kill('SIGKILL'));
    await new Promise((r) => setTimeout(r, 100));
    const r = auditHost({ project: dir });
    const mine = r.findings.filter((f) => f.rule === 'host/ml-process-root' && f.where === `pid ${String(job.pid)}`);
    assert.equal(mine.length, process.getuid?.() === 0 ? 1 : 0);
    assert.ok(!r.findings.some((f) => f.where === `pid ${String(other.pid)}`), 'python -c is not a training job');
    assert.ok(r.checked.processes > 1);
  });

  it('the CLI: JSON schema, exit 1 at medium, 0 with --fail-on high when only medium and low remain', async (t) => {
    const dir = project(t);
    chmodSync(join(dir, 'keys', 'signing.pem'), 0o600);
    const io = memoryIO();
    assert.equal(await main(['audit', 'host', '--json', '--no-processes', '--project', dir], io), 1);
    const r = JSON.parse(io.out()) as { schema: string; findings: { rule: string; guidance: { framework: string } }[] };
    assert.equal(r.schema, 'modelguard.audit-host/v1');
    assert.ok(r.findings.every((f) => /PyTorch|MXNet/.test(f.guidance.framework)));
    assert.equal(await main(['audit', 'host', '--no-processes', '--fail-on', 'high', '--project', dir], memoryIO()), 0);
  });

  it('the audit dispatcher rejects unknown checks', async () => {
    const io = memoryIO();
    assert.equal(await main(['audit', 'nothing'], io), 2);
    assert.match(io.err(), /unknown check/);
  });
});
