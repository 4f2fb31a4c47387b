/**
 * The database queue's lease (pipeline/lease.ts), on the embedded database
 * and on PostgreSQL (MODELGUARD_TEST_POSTGRES): a job held longer than its
 * lease is renewed, not claimed again; a worker whose job another claimed
 * writes nothing. Jobs are held by the test-only `testHold` hook; the
 * assertions are on what the database records (renewals, claims, steps),
 * never on durations.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DatabaseQueue, claim } from '../../src/server/pipeline/queue.js';
import { JobLease, LeaseLost, write } from '../../src/server/pipeline/lease.js';
import { runJob } from '../../src/server/pipeline/jobs.js';
import type { PipelineDeps } from '../../src/server/pipeline/run.js';
import { BENIGN, POSTGRES, settle, startRegistry, upload, type Backend, type Harness } from './helpers.js';
import { join } from 'node:path';

/** Short, so the test outlives it; renewals come every third of it. */
const LEASE = 2;

interface Gate {
  /** Resolves with the artifact id when a job reaches the hook. */
  entered: Promise<number>;
  release: () => void;
  hook: (artifactId: number) => Promise<void>;
}

function gate(): Gate {
  let entered!: (id: number) => void;
  let release!: () => void;
  const e = new Promise<number>((r) => (entered = r));
  const r = new Promise<void>((res) => (release = res));
  return {
    entered: e,
    release,
    hook: async (id) => {
      entered(id);
      await r;
    },
  };
}

async function jobOf(h: Harness, artifact: number): Promise<{ id: number; state: string; attempts: number; worker: string; age: number }> {
  const rows = await h.registry.app.sql.query<{ id: string; state: string; attempts: number; worker: string; held_for: number }>(
    `select id, state, attempts, worker, extract(epoch from (locked_at - created_at))::float8 as held_for from jobs where artifact_id = $1 and kind = 'pipeline'`,
    [artifact],
  );
  const r = rows[0];
  if (r === undefined) throw new Error(`no job for artifact ${artifact}`);
  return { id: Number(r.id), state: r.state, attempts: r.attempts, worker: r.worker, age: r.held_for };
}

async function stepsOf(h: Harness, artifact: number): Promise<string[]> {
  const rows = await h.registry.app.sql.query<{ step: string }>('select step from steps where artifact_id = $1 order by id', [artifact]);
  return rows.map((r) => r.step);
}

function leaseSuite(backend: Backend): void {
  describe(`job lease (${backend})`, () => {
    let h: Harness;
    let deps: PipelineDeps;
    before(async () => {
      // No workers of the registry's own: the test runs the queue it watches.
      h = await startRegistry(backend, (c) => {
        c.workers = 0;
      });
      const { sql, blobs, key } = h.registry.app;
      deps = { sql, blobs, key, workDir: join(h.config.dataDir, 'work') };
    });
    after(async () => h.destroy());

    it('renews the lease of a job that runs longer than it: nobody claims it again, it runs once', async () => {
      const g = gate();
      const q = new DatabaseQueue({ ...deps, testHold: g.hook }, 1, LEASE);
      const id = await upload(h.url, h.tokens.uploader, BENIGN, 'acme', 'long-scan');
      await q.start();
      q.nudge();
      assert.equal(await g.entered, id);
      const first = await jobOf(h, id);
      assert.equal(first.state, 'running');
      // Held until the database shows the lease renewed past the point where it would have run out.
      for (let i = 0; ; i++) {
        if (i > 2400) throw new Error('the lease was never renewed');
        const j = await jobOf(h, id);
        if (j.age - first.age > LEASE) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // Another worker asks for work with the same lease: the job is not up for grabs.
      assert.equal(await claim(h.registry.app.sql, 'rival', LEASE), undefined);
      g.release();
      const a = await settle(h.url, h.tokens.uploader, id);
      await q.stop(60_000);
      assert.equal(a.state, 'published');
      const done = await jobOf(h, id);
      assert.equal(done.state, 'done');
      assert.equal(done.attempts, 1);
      assert.equal(done.worker, first.worker);
      assert.deepEqual(await stepsOf(h, id), ['upload', 'scan', 'convert', 'rescan', 'sign', 'publish']);
    });

    it('a worker whose job another claimed abandons its run; the claimer publishes once', async () => {
      const g = gate();
      const q = new DatabaseQueue({ ...deps, testHold: g.hook }, 1, LEASE);
      const id = await upload(h.url, h.tokens.uploader, BENIGN, 'acme', 'lost-lease');
      await q.start();
      q.nudge();
      assert.equal(await g.entered, id);
      const mine = await jobOf(h, id);
      // As another worker would once the lease ran out (the holder stalled): claim it.
      const taken = await claim(h.registry.app.sql, 'rival', 0);
      assert.equal(taken?.id, mine.id);
      assert.equal(taken.attempts, 2);
      const stopped = q.stop(60_000);
      g.release();
      await stopped;
      // The first run wrote nothing after it lost the job: no scan step, the job is the rival's.
      assert.deepEqual(await stepsOf(h, id), ['upload']);
      const j = await jobOf(h, id);
      assert.equal(j.state, 'running');
      assert.equal(j.worker, taken.worker);
      assert.equal((await h.registry.app.sql.query('select rev from revisions where artifact_id = $1', [id])).length, 0);
      // The rival runs it under its own lease to the end.
      const lease = new JobLease(h.registry.app.sql, taken.id, taken.worker, LEASE);
      try {
        await runJob(deps, taken, lease);
      } finally {
        await lease.stop();
      }
      const a = await settle(h.url, h.tokens.uploader, id);
      assert.equal(a.state, 'published');
      assert.deepEqual(await stepsOf(h, id), ['upload', 'scan', 'convert', 'rescan', 'sign', 'publish']);
      assert.equal((await h.registry.app.sql.query('select rev from revisions where artifact_id = $1', [id])).length, 1);
      assert.equal((await jobOf(h, id)).state, 'done');
    });

    it('the heartbeat notices a lost lease, and writes under it are refused', async () => {
      const { sql } = h.registry.app;
      const id = await upload(h.url, h.tokens.uploader, BENIGN, 'acme', 'noticed');
      const job = await claim(sql, 'holder', LEASE);
      assert.equal(job?.artifactId, id);
      const lease = new JobLease(sql, job.id, job.worker, LEASE);
      try {
        const aborted = new Promise<void>((resolve) => {
          lease.signal.addEventListener(
            'abort',
            () => {
              resolve();
            },
            { once: true },
          );
        });
        assert.ok(await claim(sql, 'rival', 0));
        await aborted;
        assert.throws(() => {
          lease.check();
        }, LeaseLost);
        await assert.rejects(
          write(sql, lease, async (tx) => tx.query(`update jobs set state = 'done' where id = $1`, [job.id])),
          LeaseLost,
        );
        assert.equal((await jobOf(h, id)).state, 'running');
      } finally {
        await lease.stop();
      }
    });
  });
}

leaseSuite('embedded');
if (POSTGRES !== undefined) leaseSuite('postgres');
else
  describe('job lease (postgres)', () => {
    it('needs MODELGUARD_TEST_POSTGRES (set by .ci/run)', { skip: 'MODELGUARD_TEST_POSTGRES is not set' }, () => undefined);
  });
