/**
 * Graceful shutdown (registry.ts `close()`), on the embedded database and on
 * PostgreSQL: a PATCH in flight when `close()` is called completes (204,
 * the offset moved, the artifact made), one still running when the shutdown
 * timeout ends is answered 503 with Retry-After (never 500, never a reset),
 * a worker holding a job finishes it before the pool closes, and no socket
 * is left open. Requests go through node:http without keep-alive, so the
 * sockets counted are the registry's own.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/server/registry.js';
import { TUS, bearer, metadata, POSTGRES, startRegistry, type Backend, type Harness } from './helpers.js';

/** Sockets this process holds open (/proc/self/fd). */
function sockets(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed meanwhile (the directory's own descriptor)
    }
  }
  return n;
}

/** The socket count once closes in progress have landed (bounded; the caller asserts on it). */
async function socketsSettled(target: number): Promise<number> {
  let n = sockets();
  for (let i = 0; i < 200 && n > target; i++) {
    await new Promise((r) => setTimeout(r, 25));
    n = sockets();
  }
  return n;
}

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

async function send(url: string, method: string, path: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts a PATCH and sends the first `first` bytes of `body`; `rest()` sends the remainder. */
function startPatch(url: string, location: string, token: string, body: Buffer, first: number): { reply: Promise<Reply>; rest: () => void } {
  const req = request(`${url}${location}`, {
    method: 'PATCH',
    agent: false,
    headers: {
      ...TUS,
      ...bearer(token),
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
      'content-length': String(body.length),
    },
  });
  const reply = new Promise<Reply>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      });
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, first));
  return {
    reply,
    rest: () => {
      req.end(body.subarray(first));
    },
  };
}

/** Waits (bounded) until the registry is spooling a PATCH body: the request is in flight in its handler. */
async function spooling(h: Harness): Promise<void> {
  const dir = join(h.config.dataDir, 'uploads');
  for (let i = 0; i < 2400; i++) {
    if (readdirSync(dir).some((n) => n.endsWith('.spool'))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the PATCH never reached the spool');
}

async function newUpload(h: Harness, size: number, model: string): Promise<string> {
  const c = await send(h.url, 'POST', '/api/uploads', {
    ...TUS,
    ...bearer(h.tokens.uploader),
    'upload-length': String(size),
    'upload-metadata': metadata({ org: 'acme', model, filename: 'w.bin' }),
  });
  assert.equal(c.status, 201, c.body);
  return String(c.headers.location);
}

/** Uploads a small file in one PATCH to the model `model`; returns the artifact the upload made. */
async function uploadSmall(h: Harness, model: string): Promise<number> {
  const body = Buffer.from('{"not": "a model"}\n');
  const loc = await newUpload(h, body.length, model);
  const p = startPatch(h.url, loc, h.tokens.uploader, body, body.length);
  p.rest();
  const r = await p.reply;
  assert.equal(r.status, 204, r.body);
  return Number(r.headers['upload-artifact']);
}

/** The artifact's state once the pipeline left it (bounded), read from the database: no socket of this test outlives it. */
async function settledState(h: Harness, id: number): Promise<string> {
  for (let i = 0; i < 2400; i++) {
    const rows = await h.registry.app.sql.query<{ state: string }>('select state from artifacts where id = $1', [id]);
    const state = rows[0]?.state ?? 'missing';
    if (state !== 'queued' && state !== 'processing') return state;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`artifact ${String(id)} never left the pipeline`);
}

function shutdownSuite(backend: Backend): void {
  describe(`graceful shutdown (${backend})`, () => {
    it('lets a PATCH in flight finish, closes the pool after it, and leaves no socket open', async () => {
      const before = sockets();
      const h = await startRegistry(backend, (c) => {
        c.workers = 0;
      });
      try {
        const body = randomBytes(256 * 1024);
        const loc = await newUpload(h, body.length, 'drained');
        const p = startPatch(h.url, loc, h.tokens.uploader, body, 4096);
        await spooling(h);
        const closing = h.registry.close();
        // The listener is gone at once: a new connection is refused.
        await assert.rejects(send(h.url, 'GET', '/api/models', bearer(h.tokens.uploader)), /ECONNREFUSED/);
        p.rest();
        const r = await p.reply;
        assert.equal(r.status, 204, r.body);
        assert.equal(r.headers['upload-offset'], String(body.length));
        assert.match(String(r.headers['upload-artifact']), /^\d+$/);
        await closing;
        assert.equal(await socketsSettled(before), before);
      } finally {
        await h.destroy();
      }
    });

    it('answers a PATCH still running at the end of the shutdown timeout 503 with Retry-After, never 500', async () => {
      const before = sockets();
      const h = await startRegistry(backend, (c) => {
        c.workers = 0;
        c.shutdownTimeoutMs = 300;
      });
      try {
        const body = randomBytes(256 * 1024);
        const loc = await newUpload(h, body.length, 'cut');
        const p = startPatch(h.url, loc, h.tokens.uploader, body, 4096);
        await spooling(h);
        const closing = h.registry.close();
        const r = await p.reply; // the rest of the body is never sent
        assert.equal(r.status, 503, r.body);
        assert.equal(r.headers['retry-after'], '5');
        assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'E_UNAVAILABLE');
        await closing;
        assert.equal(await socketsSettled(before), before);
      } finally {
        await h.destroy();
      }
    });

    it('lets a worker finish the job it holds before the pool closes', async () => {
      let entered!: () => void;
      let release!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const held = new Promise<void>((r) => (release = r));
      const h = await startRegistry(backend, (c) => {
        c.workers = 1;
        c.testHold = async () => {
          entered();
          await held;
        };
      });
      try {
        const artifact = await uploadSmall(h, 'held-at-close');
        await inside;
        const sql = h.registry.app.sql;
        const closing = h.registry.close();
        release();
        await closing;
        // Reopened: the job ended with its run (done, one attempt), not left running under a lease.
        await h.restart();
        const jobs = await h.registry.app.sql.query<{ state: string; attempts: number }>('select state, attempts from jobs where artifact_id = $1', [artifact]);
        assert.deepEqual(
          jobs.map((j) => [j.state, j.attempts]),
          [['done', 1]],
        );
        assert.notEqual(sql, h.registry.app.sql);
      } finally {
        await h.destroy();
      }
    });

    it('cancels a job still running when the shutdown timeout ends and queues it again: the next start runs it', async () => {
      let entered!: () => void;
      let release!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const held = new Promise<void>((r) => (release = r));
      let runs = 0;
      const h = await startRegistry(backend, (c) => {
        c.workers = 1;
        c.shutdownTimeoutMs = 300;
        c.gc.intervalSeconds = 0;
        // The first run never ends by itself (a scan longer than any shutdown timeout); later runs go through.
        c.testHold = async () => {
          if (runs++ > 0) return;
          entered();
          await held;
        };
      });
      try {
        const artifact = await uploadSmall(h, 'cancelled-at-close');
        await inside;
        // Bounded only so that a close that waits for the job fails the test instead of hanging it.
        const closed = await Promise.race([
          h.registry.close().then(() => true),
          new Promise<false>((res) => {
            setTimeout(() => {
              res(false);
            }, 120_000).unref();
          }),
        ]);
        assert.equal(closed, true, 'close() waited for the running job past the shutdown timeout');
        // Between the two starts: the job is queued again (the cancelled run not counted) and the artifact is not left in processing.
        const sql = await openDatabase(h.config);
        try {
          const jobs = await sql.query<{ state: string; attempts: number; worker: string | null }>(
            'select state, attempts, worker from jobs where artifact_id = $1',
            [artifact],
          );
          assert.deepEqual(
            jobs.map((j) => [j.state, j.attempts, j.worker]),
            [['queued', 0, null]],
          );
          const a = await sql.query<{ state: string }>('select state from artifacts where id = $1', [artifact]);
          assert.equal(a[0]?.state, 'queued');
          assert.equal((await sql.query(`select 1 from steps where artifact_id = $1 and step = 'cancelled'`, [artifact])).length, 1);
        } finally {
          await sql.close();
        }
        await h.restart();
        assert.notEqual(await settledState(h, artifact), 'processing');
        const after = await h.registry.app.sql.query<{ state: string; attempts: number }>('select state, attempts from jobs where artifact_id = $1', [
          artifact,
        ]);
        assert.deepEqual(
          after.map((j) => [j.state, j.attempts]),
          [['done', 1]],
        );
        assert.equal(runs, 2);
      } finally {
        release(); // the cancelled run wakes, finds its lease revoked and writes nothing
        await h.destroy();
      }
    });
  });
}

shutdownSuite('embedded');
if (POSTGRES === undefined) {
  describe('graceful shutdown (postgres)', () => {
    it('needs MODELGUARD_TEST_POSTGRES (set by .ci/run)', { skip: 'MODELGUARD_TEST_POSTGRES is not set' }, () => undefined);
  });
} else {
  shutdownSuite('postgres');
}
