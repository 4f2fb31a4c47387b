/**
 * What a rescan does to held and quarantined artifacts and to a reviewer's
 * release (pipeline/rescan-rule.ts), through the running registry: run by
 * cases.ts against every configuration. Artifacts are planted as an older
 * engine would have left them, over real fixture files.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/directory.js';
import { reportRules } from '../../src/server/pipeline/rescan-rule.js';
import { BENIGN, SUSPICIOUS, bearer, settle, type FileDiffJson, type Harness, type RescanJson } from './helpers.js';

interface Plant {
  file: string;
  model: string;
  state: 'published' | 'held' | 'quarantined';
  verdict: string;
  reason?: string;
  /** Rule ids of the planted (old) report's one file. */
  rules?: string[];
  override?: Record<string, unknown>;
}

const NAME = 'w.pt';

async function plant(h: Harness, p: Plant): Promise<number> {
  const { sql, blobs } = h.registry.app;
  const data = readFileSync(p.file);
  const sha = createHash('sha256').update(data).digest('hex');
  const tmp = join(h.config.dataDir, `plant-${p.model}.tmp`);
  writeFileSync(tmp, data);
  await blobs.adopt(tmp, sha);
  const findings = (p.rules ?? []).map((rule) => ({ rule, severity: p.verdict === 'clean' ? 'info' : p.verdict, technique: rule }));
  const report = [{ path: NAME, format: 'pytorch', kind: 'model-code-carrying', verdict: p.verdict, reason: '', findings, omitted: 0 }];
  const rev = p.state === 'published' ? createHash('sha256').update(p.model).digest('hex') : null;
  return sql.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `insert into artifacts (org, model, filename, sha256, size, uploaded_by, state, reason, verdict, engine, policy, report, override, revision)
         values ('acme', $1, $2, $3, $4, 'uploader1', $5, $6, $7, 'modelguard 0.0.1-old', 'sha256:old', $8, $9, $10) returning id`,
      [
        p.model,
        NAME,
        sha,
        data.length,
        p.state,
        p.reason ?? '',
        p.verdict,
        JSON.stringify(report),
        p.override === undefined ? null : JSON.stringify(p.override),
        rev,
      ],
    );
    const id = Number(rows[0]?.id);
    // A published one serves nothing but its (planted) signature: its served files scan clean.
    if (rev !== null) await tx.query(`insert into revisions (org, model, rev, artifact_id, files) values ('acme', $1, $2, $3, '[]')`, [p.model, rev, id]);
    return id;
  });
}

export function rescanStateCases(harness: () => Harness): void {
  describe('what a rescan does to held and quarantined artifacts and to a release', () => {
    let h: Harness;
    let suspiciousRules: string[];
    const admin = (): Record<string, string> => bearer(h.tokens.admin);
    /** Queues rescans and waits (bounded) until the artifact's newest one finished. */
    const rescan = async (id: number): Promise<RescanJson> => {
      assert.equal((await fetch(`${h.url}/api/admin/rescan`, { method: 'POST', headers: admin() })).status, 202);
      for (let i = 0; i < 2400; i++) {
        const list = (await (await fetch(`${h.url}/api/rescans?artifact=${id}`, { headers: bearer(h.tokens.uploader) })).json()) as RescanJson[];
        if (list.length > 0 && list.every((r) => r.state !== 'queued')) return list[0] as RescanJson;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`artifact ${id} was never rescanned`);
    };
    const audited = async (action: string, rescan: number): Promise<Record<string, unknown> | undefined> => {
      const log = (await (await fetch(`${h.url}/api/audit`, { headers: admin() })).json()) as { action: string; detail: Record<string, unknown> }[];
      return log.find((e) => e.action === action && e.detail['rescan'] === rescan)?.detail;
    };
    before(async () => {
      h = harness();
      suspiciousRules = reportRules((await scanPaths([basename(SUSPICIOUS)], { cwd: dirname(SUSPICIOUS) })).files);
      assert.ok(suspiciousRules.length > 0);
    });

    for (const was of [
      { state: 'held', verdict: 'suspicious', rules: ['pickle/unknown-global'] },
      { state: 'quarantined', verdict: 'malicious', rules: ['pickle/dangerous-global'] },
    ] as const) {
      it(`runs a ${was.state} artifact whose rescan is clean through the pipeline again; the diff and the audit log show it`, async () => {
        const id = await plant(h, { file: BENIGN, model: `cleared-${was.state}`, state: was.state, verdict: was.verdict, rules: [...was.rules] });
        const r = await rescan(id);
        assert.equal(r.action, 'requeued');
        assert.equal(r.old.verdict, was.verdict);
        assert.equal(r.new.verdict, 'clean');
        assert.deepEqual(r.diff, [{ path: NAME, old: was.verdict, new: 'clean', added: [], removed: [...was.rules] }]);
        const a = await settle(h.url, h.tokens.uploader, id);
        assert.equal(a.state, 'published');
        const steps = a.steps.map((s) => s.step);
        assert.deepEqual(steps.slice(steps.indexOf('engine-rescan')), ['engine-rescan', 'scan', 'convert', 'rescan', 'sign', 'publish']);
        assert.match(String((await audited('requeue', r.id))?.['reason']), /after a rescan/);
        assert.ok(await audited('rescan', r.id));
      });
    }

    it('keeps a quarantine the verdict did not cause (a step failed): unchanged', async () => {
      const id = await plant(h, { file: BENIGN, model: 'failed-step', state: 'quarantined', verdict: 'clean', reason: 'could not convert to safetensors' });
      const r = await rescan(id);
      assert.equal(r.action, 'unchanged');
      const a = await settle(h.url, h.tokens.uploader, id);
      assert.equal(a.state, 'quarantined');
      assert.equal(a.reason, 'could not convert to safetensors');
    });

    it('holds a quarantined artifact whose rescan is suspicious for a reviewer, and keeps a held one held', async () => {
      const q = await plant(h, { file: SUSPICIOUS, model: 'now-suspicious', state: 'quarantined', verdict: 'malicious', rules: ['pickle/dangerous-global'] });
      const r = await rescan(q);
      assert.equal(r.action, 'held');
      assert.equal((await settle(h.url, h.tokens.uploader, q)).state, 'held');
      assert.ok(await audited('hold', r.id));
      const held = await plant(h, { file: SUSPICIOUS, model: 'still-suspicious', state: 'held', verdict: 'suspicious', rules: suspiciousRules });
      const again = await rescan(held);
      assert.equal(again.action, 'unchanged');
      const a = await settle(h.url, h.tokens.uploader, held);
      assert.equal(a.state, 'held');
      assert.equal(a.override, null);
    });

    it("keeps a reviewer's release while the findings stay the ones it covered", async () => {
      const release = { by: 'reviewer1', reason: 'our own config class, reviewed', at: new Date().toISOString(), rules: suspiciousRules };
      const id = await plant(h, { file: SUSPICIOUS, model: 'released', state: 'published', verdict: 'suspicious', rules: suspiciousRules, override: release });
      const r = await rescan(id);
      assert.equal(r.action, 'kept');
      const a = await settle(h.url, h.tokens.uploader, id);
      assert.equal(a.state, 'published');
      assert.equal(a.override?.by, 'reviewer1');
      // A release recorded before releases named their rules covers the findings of the report the reviewer saw.
      const old = await plant(h, {
        file: SUSPICIOUS,
        model: 'released-long-ago',
        state: 'published',
        verdict: 'suspicious',
        rules: suspiciousRules,
        override: { by: 'reviewer1', reason: 'reviewed before rules were recorded', at: new Date().toISOString() },
      });
      assert.equal((await rescan(old)).action, 'kept');
    });

    it('withdraws a release that does not cover a new finding: held for a reviewer, not served, the release cleared and audited', async () => {
      const release = { by: 'reviewer1', reason: 'reviewed other findings', at: new Date().toISOString(), rules: ['some/other-rule'] };
      const id = await plant(h, {
        file: SUSPICIOUS,
        model: 'uncovered',
        state: 'published',
        verdict: 'suspicious',
        rules: ['some/other-rule'],
        override: release,
      });
      assert.equal((await fetch(`${h.url}/api/models/acme/uncovered/revision/main`)).status, 200);
      const r = await rescan(id);
      assert.equal(r.action, 'held');
      const d = (r.diff as FileDiffJson[])[0];
      assert.deepEqual(d?.added, suspiciousRules);
      assert.deepEqual(d.removed, ['some/other-rule']);
      const a = await settle(h.url, h.tokens.uploader, id);
      assert.equal(a.state, 'held');
      assert.equal(a.override, null);
      assert.match(a.reason, /^held for a reviewer after a rescan/);
      assert.equal((await fetch(`${h.url}/api/models/acme/uncovered/revision/main`)).status, 404);
      const hold = await audited('hold', r.id);
      assert.equal((hold?.['releaseWithdrawn'] as { by?: string } | undefined)?.by, 'reviewer1');
      // The release stays in the record; a reviewer can release it again.
      const res = await fetch(`${h.url}/api/artifacts/${id}/override`, {
        method: 'POST',
        headers: { ...bearer(h.tokens.reviewer), 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'looked at the new finding too' }),
      });
      assert.equal(res.status, 202);
      const released = await settle(h.url, h.tokens.reviewer, id);
      assert.deepEqual(released.override?.rules, suspiciousRules);
    });
  });
}
