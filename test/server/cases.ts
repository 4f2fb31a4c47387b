/**
 * One suite, run against every configuration (embedded, PostgreSQL): the
 * issue's end-to-end flow through the HTTP API, the tus protocol's refusals,
 * authentication, CSRF, roles, the reviewer override, the append-only audit
 * log and an upload resumed across a restart.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyAttestation } from '../../src/sign/attest.js';
import { verifyModel } from '../../src/sign/verify.js';
import { readSafetensorsStrict } from '../../src/convert/safetensors/strict-reader.js';
import { BufferSource } from '../../src/bytes/source.js';
import { ENGINE, policyFingerprint } from '../../src/server/pipeline/fingerprint.js';
import { runPipeline } from '../../src/server/pipeline/run.js';
import {
  BENIGN,
  MALICIOUS,
  PASSWORD,
  SUSPICIOUS,
  TUS,
  bearer,
  createUpload,
  patch,
  settle,
  startRegistry,
  upload,
  type ArtifactJson,
  type FileDiffJson,
  type RescanJson,
  type Backend,
  type Harness,
} from './helpers.js';
import { rescanStateCases } from './rescan-states.js';
import { uploadFaultCases } from './upload-cases.js';

export function registrySuite(backend: Backend): void {
  describe(`registry (${backend})`, () => {
    let h: Harness;
    before(async () => {
      h = await startRegistry(backend);
    });
    after(async () => {
      await h.destroy();
    });

    describe('the issue flow: a malicious and a benign checkpoint', () => {
      let bad: ArtifactJson;
      let good: ArtifactJson;
      before(async () => {
        const t = h.tokens.uploader;
        const badId = await upload(h.url, t, MALICIOUS, 'acme', 'evil');
        const goodId = await upload(h.url, t, BENIGN, 'acme', 'good');
        bad = await settle(h.url, t, badId);
        good = await settle(h.url, t, goodId);
      });

      it('holds the malicious checkpoint in quarantine with its explanation', () => {
        assert.equal(bad.state, 'quarantined');
        assert.equal(bad.verdict, 'malicious');
        assert.match(bad.reason, /^malicious: /);
        const findings = bad.findings.flatMap((f) => f.findings);
        assert.ok(findings.some((f) => f.severity === 'malicious' && typeof f.rule === 'string' && f.technique.length > 0));
        assert.ok(!bad.steps.some((s) => s.step === 'convert' || s.step === 'sign' || s.step === 'publish'));
        assert.equal(bad.revision, null);
      });

      it('keeps the blobs in the configured store, under their SHA-256', async () => {
        const blobs = h.registry.app.blobs;
        assert.equal(blobs.kind, h.config.blobs.kind);
        assert.ok(await blobs.has(bad.sha256));
        assert.ok(await blobs.has(good.sha256));
        assert.equal(await blobs.size(good.sha256), readFileSync(BENIGN).length);
        // With S3, nothing but uploads in progress is on the local disk.
        assert.equal(existsSync(join(h.config.dataDir, 'blobs')), h.config.blobs.kind === 'local');
      });

      it('serves nothing of the quarantined model', async () => {
        const res = await fetch(`${h.url}/acme/evil/resolve/main/malicious__datapkl-payload-injected.pt`);
        assert.equal(res.status, 404);
      });

      it('publishes the benign checkpoint as signed safetensors', async () => {
        assert.equal(good.state, 'published');
        assert.deepEqual(
          good.steps.map((s) => s.step),
          ['upload', 'scan', 'convert', 'rescan', 'sign', 'publish'],
        );
        const info = (await (await fetch(`${h.url}/api/models/acme/good/revision/main`)).json()) as { sha: string; siblings: { rfilename: string }[] };
        assert.equal(info.sha, good.revision);
        assert.deepEqual(info.siblings.map((s) => s.rfilename).sort(), ['clean__state-dict-zip.safetensors', 'model.sig', 'modelguard-scan.sig']);
      });

      it('serves files that modelguard verify accepts, with a clean scan attestation', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'mg-dl-'));
        try {
          for (const f of ['clean__state-dict-zip.safetensors', 'model.sig', 'modelguard-scan.sig']) {
            const res = await fetch(`${h.url}/acme/good/resolve/${good.revision.slice(0, 12)}/${f}`);
            assert.equal(res.status, 200);
            assert.equal(res.headers.get('x-repo-commit'), good.revision);
            writeFileSync(join(dir, f), Buffer.from(await res.arrayBuffer()));
          }
          const key = join(dir, '..', `${dir.slice(dir.lastIndexOf('/') + 1)}.pub`);
          writeFileSync(key, await (await fetch(`${h.url}/api/registry-key.pem`)).text());
          const st = readSafetensorsStrict(new BufferSource(readFileSync(join(dir, 'clean__state-dict-zip.safetensors'))));
          assert.ok(st.tensors.length > 0);
          const v = await verifyModel(dir, { method: 'key', publicKey: key }, { signature: join(dir, 'model.sig') });
          assert.deepEqual(
            v.manifest.resources.map((r) => r.name),
            ['clean__state-dict-zip.safetensors'],
          );
          const att = await verifyAttestation(dir, join(dir, 'modelguard-scan.sig'), { method: 'key', publicKey: key });
          assert.equal(att.verdict, 'clean');
          // A flipped byte in the weights fails verification.
          const w = readFileSync(join(dir, 'clean__state-dict-zip.safetensors'));
          w[w.length - 1] = (w[w.length - 1] ?? 0) ^ 1;
          writeFileSync(join(dir, 'clean__state-dict-zip.safetensors'), w);
          await assert.rejects(verifyModel(dir, { method: 'key', publicKey: key }, { signature: join(dir, 'model.sig') }), { code: 'E_SIG_MISMATCH' });
          rmSync(key);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('serves a byte range of a published file (a download resumes)', async () => {
        const path = `${h.url}/acme/good/resolve/main/clean__state-dict-zip.safetensors`;
        const whole = Buffer.from(await (await fetch(path)).arrayBuffer());
        const part = await fetch(path, { headers: { range: 'bytes=10-' } });
        assert.equal(part.status, 206);
        assert.equal(part.headers.get('content-range'), `bytes 10-${String(whole.length - 1)}/${String(whole.length)}`);
        assert.deepEqual(Buffer.from(await part.arrayBuffer()), whole.subarray(10));
        const tail = await fetch(path, { headers: { range: 'bytes=-4' } });
        assert.deepEqual(Buffer.from(await tail.arrayBuffer()), whole.subarray(whole.length - 4));
        const beyond = await fetch(path, { headers: { range: `bytes=${String(whole.length)}-` } });
        assert.equal(beyond.status, 416);
        await beyond.body?.cancel();
      });

      it('records every step in the append-only audit log', async () => {
        const log = (await (await fetch(`${h.url}/api/audit`, { headers: bearer(h.tokens.admin) })).json()) as { action: string }[];
        const actions = log.map((e) => e.action);
        for (const a of ['upload.create', 'upload.complete', 'quarantine', 'publish']) assert.ok(actions.includes(a), a);
        await assert.rejects(h.registry.app.sql.query(`update audit set actor = 'x'`), /append-only/);
        await assert.rejects(h.registry.app.sql.query('delete from audit'), /append-only/);
      });

      it('needs the admin role for the audit log', async () => {
        assert.equal((await fetch(`${h.url}/api/audit`, { headers: bearer(h.tokens.uploader) })).status, 403);
        assert.equal((await fetch(`${h.url}/api/audit`)).status, 401);
      });
    });

    describe('suspicious files wait for a reviewer', () => {
      let id: number;
      before(async () => {
        id = await upload(h.url, h.tokens.uploader, SUSPICIOUS, 'acme', 'scripted');
      });
      it('holds a suspicious file', async () => {
        const a = await settle(h.url, h.tokens.uploader, id);
        assert.equal(a.state, 'held');
        assert.equal(a.verdict, 'suspicious');
      });
      it('refuses an override by an uploader, or without a reason', async () => {
        const o = (token: string, reason: string): Promise<Response> =>
          fetch(`${h.url}/api/artifacts/${id}/override`, {
            method: 'POST',
            headers: { ...bearer(token), 'content-type': 'application/json' },
            body: JSON.stringify({ reason }),
          });
        assert.equal((await o(h.tokens.uploader, 'looked at it, fine')).status, 403);
        assert.equal((await o(h.tokens.reviewer, 'ok')).status, 400);
      });
      it('records a reviewer override and runs the rest of the pipeline (never publishing unconverted code)', async () => {
        const res = await fetch(`${h.url}/api/artifacts/${id}/override`, {
          method: 'POST',
          headers: { ...bearer(h.tokens.reviewer), 'content-type': 'application/json' },
          body: JSON.stringify({ reason: 'our own config class, reviewed' }),
        });
        assert.equal(res.status, 202);
        const a = await settle(h.url, h.tokens.reviewer, id);
        assert.equal(a.override?.by, 'reviewer1');
        assert.ok(a.steps.some((s) => s.step === 'override'));
        // A pickle carries code: it is published only as safetensors, or stays in quarantine.
        if (a.state === 'published') assert.ok(a.steps.some((s) => s.step === 'convert' && s.status === 'done'));
        else assert.equal(a.state, 'quarantined');
        assert.equal((await fetch(`${h.url}/acme/scripted/resolve/main/suspicious__own-class.pt`)).status, 404);
      });
    });

    describe('tus protocol', () => {
      const t = (): string => h.tokens.uploader;
      const meta = { org: 'acme', model: 'proto', filename: 'w.bin' };
      it('answers OPTIONS with the versions and extensions', async () => {
        const res = await fetch(`${h.url}/api/uploads`, { method: 'OPTIONS' });
        assert.equal(res.status, 204);
        assert.equal(res.headers.get('tus-version'), '1.0.0');
        assert.match(res.headers.get('tus-extension') ?? '', /creation/);
      });
      it('refuses a request without Tus-Resumable (412)', async () => {
        const res = await fetch(`${h.url}/api/uploads`, { method: 'POST', headers: { ...bearer(t()), 'upload-length': '3' } });
        assert.equal(res.status, 412);
      });
      it('refuses an anonymous upload (401)', async () => {
        const res = await fetch(`${h.url}/api/uploads`, { method: 'POST', headers: { ...TUS, 'upload-length': '3' } });
        assert.equal(res.status, 401);
      });
      it('refuses path tricks in names (400)', async () => {
        for (const filename of ['../x', 'a/b', '.hidden', '']) assert.equal((await createUpload(h.url, t(), 3, { ...meta, filename })).status, 400, filename);
        assert.equal((await createUpload(h.url, t(), 3, { ...meta, org: '..' })).status, 400);
      });
      it('refuses a malformed length or metadata (400)', async () => {
        const res = await fetch(`${h.url}/api/uploads`, { method: 'POST', headers: { ...TUS, ...bearer(t()), 'upload-length': '-1' } });
        assert.equal(res.status, 400);
        const res2 = await fetch(`${h.url}/api/uploads`, {
          method: 'POST',
          headers: { ...TUS, ...bearer(t()), 'upload-length': '3', 'upload-metadata': 'org a b c' },
        });
        assert.equal(res2.status, 400);
      });
      it('refuses an upload over the size limit (413)', async () => {
        assert.equal((await createUpload(h.url, t(), h.config.maxUploadBytes + 1, meta)).status, 413);
      });
      it('refuses a PATCH at the wrong offset (409) and one past Upload-Length (413)', async () => {
        const c = await createUpload(h.url, t(), 4, meta);
        const loc = c.headers.get('location') ?? '';
        assert.equal((await patch(h.url, loc, t(), 2, new Uint8Array([1]))).status, 409);
        assert.equal((await patch(h.url, loc, t(), 0, new Uint8Array([1, 2, 3, 4, 5]))).status, 413);
        const head = await fetch(`${h.url}${loc}`, { method: 'HEAD', headers: { ...TUS, ...bearer(t()) } });
        assert.equal(head.headers.get('upload-offset'), '0');
      });
      it("hides another user's upload (404)", async () => {
        const c = await createUpload(h.url, t(), 4, meta);
        const loc = c.headers.get('location') ?? '';
        assert.equal((await patch(h.url, loc, h.tokens.reviewer, 0, new Uint8Array([1]))).status, 404);
      });
    });

    describe('sessions, CSRF and sign-in limits', () => {
      let cookie = '';
      let csrf = '';
      before(async () => {
        const res = await fetch(`${h.url}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'uploader1', password: PASSWORD }),
        });
        assert.equal(res.status, 200);
        const set = res.headers.get('set-cookie') ?? '';
        assert.match(set, /HttpOnly/);
        assert.match(set, /SameSite=Strict/);
        assert.match(set, /Secure/);
        cookie = set.split(';')[0] ?? '';
        csrf = ((await res.json()) as any).csrf;
      });
      it('refuses a state change from a session without the CSRF token', async () => {
        const res = await fetch(`${h.url}/api/tokens`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"name":"x"}' });
        assert.equal(res.status, 403);
        const ok = await fetch(`${h.url}/api/tokens`, {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
          body: '{"name":"x"}',
        });
        assert.equal(ok.status, 201);
        assert.match(((await ok.json()) as any).token, /^mgr_/);
      });
      it('refuses a cross-origin state change', async () => {
        const res = await fetch(`${h.url}/api/tokens`, {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example', 'content-type': 'application/json' },
          body: '{"name":"x"}',
        });
        assert.equal(res.status, 403);
      });
      it('stores tokens hashed', async () => {
        const rows = await h.registry.app.sql.query<{ hash: string }>('select hash from tokens');
        for (const r of rows) assert.match(r.hash, /^[0-9a-f]{64}$/);
        assert.ok(!rows.some((r) => r.hash === h.tokens.admin));
      });
      it('rate-limits sign-in attempts (429)', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
          const res = await fetch(`${h.url}/api/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'admin1', password: 'wrong password!' }),
          });
          statuses.push(res.status);
        }
        assert.ok(statuses.includes(401));
        assert.equal(statuses.at(-1), 429);
      });
      it('sends the security headers (CSP without inline script)', async () => {
        const res = await fetch(`${h.url}/login`);
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /script-src 'self'/);
        assert.doesNotMatch(csp, /unsafe-inline/);
        assert.equal(res.headers.get('x-frame-options'), 'DENY');
      });
    });

    describe('a worker that dies mid-job', () => {
      it('leaves a lease that expires: the job runs again and publishes only after every step', async () => {
        const sql = h.registry.app.sql;
        const data = readFileSync(BENIGN);
        const sha = createHash('sha256').update(data).digest('hex');
        const tmp = join(h.config.dataDir, 'dead-worker.tmp');
        writeFileSync(tmp, data);
        await h.registry.app.blobs.adopt(tmp, sha);
        // As a worker would leave it when killed mid-scan: processing, its job running under an old lease.
        const id = await sql.transaction(async (tx) => {
          const rows = await tx.query<{ id: string }>(
            `insert into artifacts (org, model, filename, sha256, size, uploaded_by, state) values ('acme', 'orphan', 'w.pt', $1, $2, 'uploader1', 'processing') returning id`,
            [sha, data.length],
          );
          const aid = Number(rows[0]?.id);
          await tx.query(`insert into steps (artifact_id, step, status) values ($1, 'upload', 'done')`, [aid]);
          await tx.query(`insert into jobs (artifact_id, state, attempts, worker, locked_at) values ($1, 'running', 1, 'dead', now() - interval '1 hour')`, [
            aid,
          ]);
          return aid;
        });
        const a = await settle(h.url, h.tokens.uploader, id);
        assert.equal(a.state, 'published');
        assert.deepEqual(
          a.steps.map((s) => s.step),
          ['upload', 'scan', 'convert', 'rescan', 'sign', 'publish'],
        );
        // The job is marked done just after the publication commits: wait (bounded) for that write.
        let jobs: { attempts: number; state: string; worker: string }[] = [];
        for (let i = 0; i < 400; i++) {
          jobs = await sql.query<{ attempts: number; state: string; worker: string }>('select attempts, state, worker from jobs where artifact_id = $1', [id]);
          if (jobs[0]?.state !== 'running') break;
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.equal(jobs[0]?.attempts, 2);
        assert.equal(jobs[0]?.state, 'done');
        assert.notEqual(jobs[0]?.worker, 'dead');
      });
    });

    describe('rescan after an engine or policy change', () => {
      const admin = (): Record<string, string> => bearer(h.tokens.admin);
      let good: ArtifactJson;
      const rescansOf = async (id: number): Promise<RescanJson[]> =>
        (await (await fetch(`${h.url}/api/rescans?artifact=${id}`, { headers: bearer(h.tokens.uploader) })).json()) as RescanJson[];
      /** Waits (bounded) until the artifact has `n` finished rescans; returns the newest. */
      const rescanned = async (id: number, n: number): Promise<RescanJson> => {
        for (let i = 0; i < 2400; i++) {
          const list = await rescansOf(id);
          if (list.length >= n && list.every((r) => r.state !== 'queued')) return list[0] as RescanJson;
          await new Promise((r) => setTimeout(r, 250));
        }
        throw new Error(`artifact ${id} was never rescanned`);
      };
      before(async () => {
        good = await settle(h.url, h.tokens.uploader, await upload(h.url, h.tokens.uploader, BENIGN, 'acme', 'rescanned'));
        assert.equal(good.state, 'published');
      });

      it('records the engine and the policy fingerprint each verdict was reached with', async () => {
        const rows = await h.registry.app.sql.query<{ engine: string; policy: string }>('select engine, policy from artifacts where id = $1', [good.id]);
        assert.equal(rows[0]?.engine, ENGINE);
        assert.match(rows[0]?.policy ?? '', /^sha256:[0-9a-f]{64}$/);
        assert.equal(rows[0]?.policy, policyFingerprint());
      });

      it('needs the admin role to queue rescans', async () => {
        assert.equal((await fetch(`${h.url}/api/admin/rescan`, { method: 'POST', headers: bearer(h.tokens.reviewer) })).status, 403);
      });

      it('rescans an artifact scanned by another engine version, keeps it published and records the diff', async () => {
        await h.registry.app.sql.query(`update artifacts set engine = 'modelguard 0.0.1-old' where id = $1`, [good.id]);
        const res = await fetch(`${h.url}/api/admin/rescan`, { method: 'POST', headers: admin() });
        assert.equal(res.status, 202);
        const body = (await res.json()) as { queued: number; engine: string };
        assert.ok(body.queued >= 1);
        assert.equal(body.engine, ENGINE);
        const r = await rescanned(good.id, 1);
        const one = (await (await fetch(`${h.url}/api/rescans/${r.id}`, { headers: bearer(h.tokens.uploader) })).json()) as RescanJson;
        assert.equal(one.state, 'done');
        assert.equal(one.old.engine, 'modelguard 0.0.1-old');
        assert.equal(one.new.engine, ENGINE);
        assert.equal(one.action, 'kept');
        assert.deepEqual(one.diff, [{ path: 'clean__state-dict-zip.pt', old: 'clean', new: 'clean', added: [], removed: [] }]);
        const a = await settle(h.url, h.tokens.uploader, good.id);
        assert.equal(a.state, 'published');
        assert.equal(a.steps.at(-1)?.step, 'engine-rescan');
        assert.equal((await fetch(`${h.url}/acme/rescanned/resolve/main/clean__state-dict-zip.safetensors`)).status, 200);
        // Up to date now: nothing more to rescan for it.
        await fetch(`${h.url}/api/admin/rescan`, { method: 'POST', headers: admin() });
        assert.equal((await rescansOf(good.id)).length, 1);
        const log = (await (await fetch(`${h.url}/api/audit`, { headers: admin() })).json()) as {
          action: string;
          detail: { rescan?: number; action?: string };
        }[];
        assert.ok(log.some((e) => e.action === 'rescan' && e.detail.rescan === r.id && e.detail.action === 'kept'));
        assert.ok(log.some((e) => e.action === 'rescan.queue'));
      });

      it('rescans on start when the policy changed', async () => {
        await h.registry.app.sql.query(`update artifacts set policy = 'sha256:${'0'.repeat(64)}' where id = $1`, [good.id]);
        await h.stop();
        await h.restart();
        const r = await rescanned(good.id, 2);
        assert.equal(r.old.policy, `sha256:${'0'.repeat(64)}`);
        assert.equal(r.new.policy, policyFingerprint());
        assert.equal(r.action, 'kept');
      });

      it('stops serving a published artifact whose file is gone: the rescan is recorded as failed once, the artifact marked blob-missing', async () => {
        const sql = h.registry.app.sql;
        const rev = 'cd'.repeat(32);
        const id = await sql.transaction(async (tx) => {
          const rows = await tx.query<{ id: string }>(
            `insert into artifacts (org, model, filename, sha256, size, uploaded_by, state, verdict, engine, policy, report, revision)
               values ('acme', 'vanished', 'w.safetensors', $1, 10, 'uploader1', 'published', 'clean', 'modelguard 0.0.1-old', 'sha256:old', '[]', $2) returning id`,
            ['ee'.repeat(32), rev],
          );
          const aid = Number(rows[0]?.id);
          await tx.query(`insert into revisions (org, model, rev, artifact_id, files) values ('acme', 'vanished', $1, $2, '[]')`, [rev, aid]);
          return aid;
        });
        assert.equal((await fetch(`${h.url}/api/admin/rescan`, { method: 'POST', headers: admin() })).status, 202);
        const r = await rescanned(id, 1);
        assert.equal(r.state, 'failed');
        assert.match((r.diff as { error: string }).error, /blob missing from the store/);
        // The rescan is recorded before its job is marked done (two transactions; on the Redis queue, in a worker process).
        let jobs = await sql.query<{ attempts: number; state: string }>(`select attempts, state from jobs where artifact_id = $1`, [id]);
        for (let i = 0; i < 400 && jobs.some((j) => j.state === 'running'); i++) {
          await new Promise((res) => setTimeout(res, 50));
          jobs = await sql.query<{ attempts: number; state: string }>(`select attempts, state from jobs where artifact_id = $1`, [id]);
        }
        assert.deepEqual(
          jobs.map((j) => [j.state, j.attempts]),
          [['done', 1]],
        );
        const a = (await settle(h.url, h.tokens.uploader, id)) as ArtifactJson & { blobMissing: { digests: string[] } | null };
        assert.deepEqual(a.blobMissing?.digests, ['ee'.repeat(32)]);
        assert.equal((await fetch(`${h.url}/api/models/acme/vanished/revision/main`)).status, 404);
      });

      it('withdraws a published artifact whose new verdict is not clean: quarantined, no longer served, diff per file', async () => {
        // As an older engine that missed the payload would have left it: published, clean, served.
        const sql = h.registry.app.sql;
        const data = readFileSync(MALICIOUS);
        const sha = createHash('sha256').update(data).digest('hex');
        const tmp = join(h.config.dataDir, 'missed.tmp');
        writeFileSync(tmp, data);
        await h.registry.app.blobs.adopt(tmp, sha);
        const name = 'missed.pt';
        const rev = 'ab'.repeat(32);
        const oldReport = [{ path: name, format: 'pytorch', kind: 'model-code-carrying', verdict: 'clean', reason: '', findings: [], omitted: 0 }];
        const id = await sql.transaction(async (tx) => {
          const rows = await tx.query<{ id: string }>(
            `insert into artifacts (org, model, filename, sha256, size, uploaded_by, state, verdict, engine, policy, report, revision)
               values ('acme', 'missed', $1, $2, $3, 'uploader1', 'published', 'clean', 'modelguard 0.0.1-old', 'sha256:old', $4, $5) returning id`,
            [name, sha, data.length, JSON.stringify(oldReport), rev],
          );
          const aid = Number(rows[0]?.id);
          await tx.query(`insert into revisions (org, model, rev, artifact_id, files) values ('acme', 'missed', $1, $2, $3)`, [
            rev,
            aid,
            JSON.stringify([{ name, sha256: sha, size: data.length }]),
          ]);
          return aid;
        });
        assert.equal((await fetch(`${h.url}/acme/missed/resolve/main/${name}`)).status, 200);
        assert.equal((await fetch(`${h.url}/api/admin/rescan`, { method: 'POST', headers: admin() })).status, 202);
        const r = await rescanned(id, 1);
        assert.equal(r.action, 'quarantined');
        assert.equal(r.old.verdict, 'clean');
        assert.equal(r.new.verdict, 'malicious');
        const d = (r.diff as FileDiffJson[])[0];
        assert.equal(d?.path, name);
        assert.equal(d?.old, 'clean');
        assert.equal(d?.new, 'malicious');
        assert.ok((d?.added.length ?? 0) > 0);
        const a = await settle(h.url, h.tokens.uploader, id);
        assert.equal(a.state, 'quarantined');
        assert.match(a.reason, /^withdrawn after a rescan/);
        assert.equal((await fetch(`${h.url}/acme/missed/resolve/main/${name}`)).status, 404);
        assert.equal((await fetch(`${h.url}/acme/missed/resolve/${rev.slice(0, 12)}/${name}`)).status, 404);
        const log = (await (await fetch(`${h.url}/api/audit`, { headers: admin() })).json()) as { action: string; detail: { rescan?: number } }[];
        assert.ok(log.some((e) => e.action === 'quarantine' && e.detail.rescan === r.id));
      });
    });

    rescanStateCases(() => h);

    describe('two runs of one job at once (a retry while a stalled run still works)', () => {
      it('publish once: one revision, one publish step', async () => {
        const { sql, blobs, key } = h.registry.app;
        const data = readFileSync(BENIGN);
        const sha = createHash('sha256').update(data).digest('hex');
        const tmp = join(h.config.dataDir, 'twice.tmp');
        writeFileSync(tmp, data);
        await blobs.adopt(tmp, sha);
        // As a killed worker leaves it (processing), with no job row for the registry's own workers to take.
        const rows = await sql.query<{ id: string }>(
          `insert into artifacts (org, model, filename, sha256, size, uploaded_by, state) values ('acme', 'twice', 'w.pt', $1, $2, 'uploader1', 'processing') returning id`,
          [sha, data.length],
        );
        const id = Number(rows[0]?.id);
        const deps = { sql, blobs, key, workDir: join(h.config.dataDir, 'work') };
        const states = await Promise.all([runPipeline(deps, id), runPipeline(deps, id)]);
        assert.deepEqual(states, ['published', 'published']);
        const a = await settle(h.url, h.tokens.uploader, id);
        assert.equal(a.state, 'published');
        assert.equal(a.steps.filter((s) => s.step === 'publish').length, 1);
        assert.equal((await sql.query('select rev from revisions where artifact_id = $1', [id])).length, 1);
        assert.equal((await fetch(`${h.url}/acme/twice/resolve/main/w.safetensors`)).status, 200);
      });
    });

    uploadFaultCases(backend, () => h);

    describe('an upload resumes across a restart', () => {
      it('continues from the stored offset with the right digest', async () => {
        const data = readFileSync(BENIGN);
        const t = h.tokens.uploader;
        const c = await createUpload(h.url, t, data.length, { org: 'acme', model: 'resumed', filename: 'w.pt' });
        const loc = c.headers.get('location') ?? '';
        const half = Math.floor(data.length / 2);
        assert.equal((await patch(h.url, loc, t, 0, data.subarray(0, half))).status, 204);
        await h.stop();
        await h.restart();
        const head = await fetch(`${h.url}${loc}`, { method: 'HEAD', headers: { ...TUS, ...bearer(t) } });
        assert.equal(head.headers.get('upload-offset'), String(half));
        const res = await patch(h.url, loc, t, half, data.subarray(half));
        assert.equal(res.status, 204);
        const a = await settle(h.url, t, Number(res.headers.get('upload-artifact')));
        assert.equal(a.sha256, createHash('sha256').update(data).digest('hex'));
        assert.equal(a.state, 'published');
      });
    });
  });
}
