/**
 * PostgreSQL going away under the registry (MODELGUARD_TEST_POSTGRES): the
 * backends serving it are terminated, as a server restart does to them.
 * A transaction whose connection is lost between two queries fails (it used
 * to be an unhandled 'error' event that ended the process); a job held while
 * every connection is cut still ends published, once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgres } from '../../src/server/db/sql.js';
import { DatabaseQueue } from '../../src/server/pipeline/queue.js';
import { join } from 'node:path';
import { BENIGN, POSTGRES, settle, startRegistry, upload, type Harness } from './helpers.js';

/** Terminates every backend connected to `database` but the caller's. */
async function cut(database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: POSTGRES });
  await admin.connect();
  try {
    const rows = await admin.query<{ pid: number }>(
      'select pg_terminate_backend(pid) as ok, pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    return rows.rows.length;
  } finally {
    await admin.end();
  }
}

if (POSTGRES === undefined) {
  describe('registry under PostgreSQL faults', () => {
    it('needs MODELGUARD_TEST_POSTGRES (set by .ci/run)', { skip: 'MODELGUARD_TEST_POSTGRES is not set' }, () => undefined);
  });
} else {
  describe('registry under PostgreSQL faults', () => {
    let h: Harness;
    let database: string;
    before(async () => {
      h = await startRegistry('postgres', (c) => {
        c.workers = 0;
      });
      if (h.config.database.kind !== 'postgres') throw new Error('not on PostgreSQL');
      database = new URL(h.config.database.url).pathname.slice(1);
    });
    after(async () => h.destroy());

    it('fails a transaction whose connection is cut between two queries, and the pool serves the next one', async () => {
      if (h.config.database.kind !== 'postgres') return;
      const sql = await openPostgres(h.config.database.url, 2);
      try {
        let pid = 0;
        const tx = sql.transaction(async (t) => {
          pid = Number((await t.query<{ pid: number }>('select pg_backend_pid() as pid'))[0]?.pid);
          // The backend is terminated while this transaction waits between two queries.
          assert.ok((await cut(database)) >= 1);
          await new Promise((r) => setTimeout(r, 200)); // let the termination notice arrive on the idle connection
          return t.query('select 1');
        });
        await assert.rejects(tx);
        assert.ok(pid > 0);
        assert.equal((await sql.query<{ one: number }>('select 1 as one'))[0]?.one, 1);
      } finally {
        await sql.close();
      }
    });

    it('publishes a job once when every connection is cut while it runs', async () => {
      const { sql, blobs, key } = h.registry.app;
      let entered!: () => void;
      let release!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const held = new Promise<void>((r) => (release = r));
      const q = new DatabaseQueue(
        {
          sql,
          blobs,
          key,
          workDir: join(h.config.dataDir, 'work'),
          testHold: async () => {
            entered();
            await held;
          },
        },
        1,
        2,
      );
      const id = await upload(h.url, h.tokens.uploader, BENIGN, 'acme', 'db-restarted');
      await q.start();
      q.nudge();
      await inside;
      assert.ok((await cut(database)) >= 1);
      release();
      const a = await settle(h.url, h.tokens.uploader, id);
      await q.stop(60_000);
      assert.equal(a.state, 'published');
      assert.equal(a.steps.filter((s) => s.step === 'publish').length, 1);
      assert.equal(a.steps.filter((s) => s.step === 'scan').length, 1);
    });
  });
}
