/**
 * Workers as separate processes on PostgreSQL + Redis (BullMQ): a worker
 * SIGKILLed while it holds a job leaves it to another worker process, which
 * runs the whole pipeline; a job whose workers keep dying is given up after
 * MAX_ATTEMPTS runs and its artifact stays quarantined with the reason.
 * The kill lands while the worker waits in MODELGUARD_TEST_SCAN_DELAY_MS
 * (a test-only pause before the scan), so the job is surely in its hands.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_ATTEMPTS } from '../../src/server/pipeline/jobs.js';
import { BENIGN, POSTGRES, REDIS, bearer, settle, startRegistry, upload, type Harness } from './helpers.js';
import { startWorker, type WorkerProcess } from './worker-process.js';

const SLOW = { MODELGUARD_TEST_SCAN_DELAY_MS: '600000' };

interface JobRow {
  state: string;
  attempts: number;
  worker: string | null;
}

async function jobOf(h: Harness, artifact: number): Promise<JobRow> {
  const rows = await h.registry.app.sql.query<JobRow & Record<string, unknown>>(
    `select state, attempts, worker from jobs where artifact_id = $1 and kind = 'pipeline'`,
    [artifact],
  );
  assert.equal(rows.length, 1);
  return rows[0] as JobRow;
}

/** Waits until the worker process `pid` holds the artifact's job for the `attempts`-th time (bounded by a hang guard for a loaded machine, not a timing assertion). */
async function heldBy(h: Harness, artifact: number, pid: number, attempts: number): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    const j = await jobOf(h, artifact);
    if (j.state === 'running' && j.attempts === attempts && (j.worker ?? '').startsWith(`w-${pid}-`)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`worker ${pid} never took the job of artifact ${artifact}`);
}

if (POSTGRES === undefined || REDIS === undefined) {
  describe('registry workers as processes (postgres + redis)', () => {
    it(
      'needs MODELGUARD_TEST_POSTGRES and MODELGUARD_TEST_REDIS (set by .ci/run)',
      { skip: 'MODELGUARD_TEST_POSTGRES or MODELGUARD_TEST_REDIS is not set' },
      () => undefined,
    );
  });
} else {
  describe('registry workers as processes (postgres + redis)', () => {
    let h: Harness;
    const extra: WorkerProcess[] = [];
    before(async () => {
      // No worker in the web process and none started by the harness: each test starts its own.
      h = await startRegistry(
        'redis',
        (c) => {
          c.leaseSeconds = 3;
        },
        0,
      );
    });
    after(async () => {
      await Promise.all(extra.map(async (w) => w.stop()));
      await h.destroy();
    });

    it('a worker killed mid-job: another worker process runs the job to its end, once', async () => {
      const slow = await startWorker(h.config, { workers: 1, env: SLOW });
      extra.push(slow);
      const id = await upload(h.url, h.tokens.uploader, BENIGN, 'acme', 'killed');
      await heldBy(h, id, slow.pid, 1);
      // The job row says `running` a moment before the pipeline marks the artifact `processing`: wait for both, so the
      // kill lands mid-pipeline (a kill in between left the artifact `queued` under load).
      for (let i = 0; i < 6000; i++) {
        const s = (await (await fetch(`${h.url}/api/artifacts/${id}`, { headers: bearer(h.tokens.uploader) })).json()) as { state: string };
        if (s.state === 'processing') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await slow.kill();
      assert.equal(slow.child.signalCode, 'SIGKILL');
      const a1 = (await (await fetch(`${h.url}/api/artifacts/${id}`, { headers: bearer(h.tokens.uploader) })).json()) as { state: string };
      assert.equal(a1.state, 'processing'); // nothing published by the dead worker
      const rescuer = await startWorker(h.config, { workers: 1 });
      extra.push(rescuer);
      const a = await settle(h.url, h.tokens.uploader, id);
      assert.equal(a.state, 'published');
      assert.deepEqual(
        a.steps.map((s) => s.step),
        ['upload', 'scan', 'convert', 'rescan', 'sign', 'publish'],
      );
      const j = await jobOf(h, id);
      assert.equal(j.state, 'done');
      assert.equal(j.attempts, 2);
      assert.ok((j.worker ?? '').startsWith(`w-${rescuer.pid}-`), j.worker ?? '');
      const revisions = await h.registry.app.sql.query('select rev from revisions where artifact_id = $1', [id]);
      assert.equal(revisions.length, 1);
      assert.equal((await fetch(`${h.url}/acme/killed/resolve/main/clean__state-dict-zip.safetensors`)).status, 200);
      await rescuer.stop();
    });

    it(`a job whose workers keep dying is given up after ${MAX_ATTEMPTS} runs: quarantined with the reason, never published`, async () => {
      const id = await upload(h.url, h.tokens.uploader, BENIGN, 'acme', 'cursed');
      for (let run = 1; run <= MAX_ATTEMPTS; run++) {
        const w = await startWorker(h.config, { workers: 1, env: SLOW });
        extra.push(w);
        await heldBy(h, id, w.pid, run);
        await w.kill();
      }
      // A healthy worker now only finds the job failed by BullMQ's stalled-job limit; the sweep gives it up.
      const healthy = await startWorker(h.config, { workers: 1 });
      extra.push(healthy);
      const a = await settle(h.url, h.tokens.uploader, id);
      assert.equal(a.state, 'quarantined');
      assert.match(a.reason, new RegExp(`did not finish in ${MAX_ATTEMPTS} attempts`));
      assert.ok(!a.steps.some((s) => s.step === 'publish' || s.step === 'sign'));
      assert.equal((await jobOf(h, id)).state, 'failed');
      assert.equal((await fetch(`${h.url}/acme/cursed/resolve/main/clean__state-dict-zip.safetensors`)).status, 404);
    });
  });
}
