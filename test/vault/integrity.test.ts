/**
 * Retention deletes only what it has proven redundant: a missing or
 * damaged copy is never "the copy kept" while intact ones are deleted.
 * Real files in a temp vault; the journal records each file's size and
 * SHA-256 as the archiver does.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkCopy } from '../../src/vault/integrity.js';
import { loadManifest, saveManifest, type Manifest, type VaultEntry } from '../../src/vault/manifest.js';
import { pruneVerified, type RetentionPolicy } from '../../src/vault/retention.js';
import { pseudoRandom, tempDir } from './helpers.js';

const RUNS = process.env['SLOW'] === '1' ? 300 : 40;

/** Writes a copy for `step` and returns its journal entry. */
function store(dir: string, step: number, minute: number): VaultEntry {
  const file = `checkpoint-${step}.age`;
  const bytes = pseudoRandom(64 + (step % 7), step);
  writeFileSync(join(dir, file), bytes);
  return {
    file,
    source: `checkpoint-${step}`,
    kind: 'file',
    fingerprint: `fp-${step}`,
    plaintextBytes: bytes.length,
    ciphertextBytes: bytes.length,
    ciphertextSha256: createHash('sha256').update(bytes).digest('hex'),
    archivedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    step,
    metrics: {},
    state: 'verified',
  };
}

function flipByte(path: string): void {
  const b = readFileSync(path);
  const i = b.length >> 1;
  b.writeUInt8(b.readUInt8(i) ^ 0x40, i);
  writeFileSync(path, b);
}

async function vaultWith(steps: number[]): Promise<{ dir: string; m: Manifest; cleanup: () => void }> {
  const t = tempDir();
  const m: Manifest = { version: 1, entries: steps.map((s, i) => store(t.dir, s, i * 10)) };
  await saveManifest(t.dir, m);
  return { dir: t.dir, m, cleanup: t.cleanup };
}

describe('checkCopy', () => {
  it('tells intact, missing, truncated and altered copies apart', async () => {
    const v = await vaultWith([100, 200, 300, 400]);
    try {
      const [a, b, c, d] = v.m.entries as [VaultEntry, VaultEntry, VaultEntry, VaultEntry];
      unlinkSync(join(v.dir, b.file));
      truncateSync(join(v.dir, c.file), 10);
      flipByte(join(v.dir, d.file));
      assert.equal((await checkCopy(v.dir, a)).health, 'intact');
      assert.equal((await checkCopy(v.dir, b)).health, 'missing');
      assert.equal((await checkCopy(v.dir, c)).health, 'corrupt');
      assert.equal((await checkCopy(v.dir, d)).health, 'corrupt');
    } finally {
      v.cleanup();
    }
  });
  it('sees a change made after a first check (the hash cache follows the file)', async () => {
    const v = await vaultWith([100]);
    try {
      const e = v.m.entries[0] as VaultEntry;
      assert.equal((await checkCopy(v.dir, e)).health, 'intact');
      flipByte(join(v.dir, e.file));
      assert.equal((await checkCopy(v.dir, e)).health, 'corrupt');
    } finally {
      v.cleanup();
    }
  });
});

describe('pruneVerified: the newest copy is damaged', () => {
  for (const damage of ['missing', 'corrupt'] as const) {
    it(`${damage} newest copy: nothing is deleted, the damaged one reported and left`, async () => {
      const v = await vaultWith([100, 200, 300, 400, 500]);
      try {
        const newest = v.m.entries[4] as VaultEntry;
        if (damage === 'missing') unlinkSync(join(v.dir, newest.file));
        else flipByte(join(v.dir, newest.file));
        const d = await pruneVerified(v.dir, v.m, { keepLast: 1 });
        assert.deepEqual(d.keep.map((k) => k.entry.step).sort(), [100, 200, 300, 400]);
        assert.deepEqual(d.prune, []);
        assert.deepEqual(
          d.damaged.map((x) => [x.entry.step, x.health]),
          [[500, damage]],
        );
        assert.ok(existsSync(join(v.dir, 'checkpoint-400.age')), 'the intact copy survives');
        assert.equal((await checkCopy(v.dir, v.m.entries.find((e) => e.step === 400) as VaultEntry)).health, 'intact');
        // Every file and journal entry is still there, the damaged one included.
        for (const s of [100, 200, 300, 400]) assert.ok(existsSync(join(v.dir, `checkpoint-${s}.age`)));
        const saved = await loadManifest(v.dir);
        assert.deepEqual(
          saved.entries.map((e) => e.step),
          [100, 200, 300, 400, 500],
        );
      } finally {
        v.cleanup();
      }
    });
  }
  it('a dry run deletes nothing and still reports the damage', async () => {
    const v = await vaultWith([100, 200, 300]);
    try {
      flipByte(join(v.dir, 'checkpoint-300.age'));
      const d = await pruneVerified(v.dir, v.m, { keepLast: 1 }, true);
      assert.equal(d.damaged.length, 1);
      for (const s of [100, 200, 300]) assert.ok(existsSync(join(v.dir, `checkpoint-${s}.age`)));
    } finally {
      v.cleanup();
    }
  });
});

type Op =
  | { op: 'store' }
  | { op: 'corrupt'; i: number }
  | { op: 'delete'; i: number }
  | { op: 'truncate'; i: number }
  | { op: 'prune'; policy: RetentionPolicy }
  | { op: 'crash-mid-prune'; policy: RetentionPolicy; cut: number };

const policyArb: fc.Arbitrary<RetentionPolicy> = fc.oneof(
  fc.record({ keepLast: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ keepEverySteps: fc.constantFrom(200, 300, 1000) }),
  fc.record({ keepBest: fc.record({ metric: fc.constant('loss'), mode: fc.constant<'min'>('min'), count: fc.integer({ min: 1, max: 2 }) }) }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Op>({ op: 'store' }) },
  { weight: 1, arbitrary: fc.nat(20).map((i): Op => ({ op: 'corrupt', i })) },
  { weight: 1, arbitrary: fc.nat(20).map((i): Op => ({ op: 'delete', i })) },
  { weight: 1, arbitrary: fc.nat(20).map((i): Op => ({ op: 'truncate', i })) },
  { weight: 3, arbitrary: policyArb.map((policy): Op => ({ op: 'prune', policy })) },
  { weight: 1, arbitrary: fc.tuple(policyArb, fc.nat(5)).map(([policy, cut]): Op => ({ op: 'crash-mid-prune', policy, cut })) },
);

/** Entries of `m` whose file is really there and intact. */
async function intactCount(dir: string, m: Manifest): Promise<number> {
  let n = 0;
  for (const e of m.entries) if ((await checkCopy(dir, e)).health === 'intact') n++;
  return n;
}

describe('retention property: no sequence of faults loses the last intact copy', () => {
  it(`store / corrupt / delete / truncate / prune / crash (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const t = tempDir();
        try {
          let m: Manifest = { version: 1, entries: [] };
          let step = 0;
          for (const o of ops) {
            const target = m.entries.length === 0 ? undefined : m.entries[('i' in o ? o.i : 0) % m.entries.length];
            switch (o.op) {
              case 'store': {
                step += 100;
                const e = store(t.dir, step, step / 100);
                m.entries.push({ ...e, metrics: { loss: ((step * 7919) % 97) / 10 } });
                await saveManifest(t.dir, m);
                break;
              }
              case 'corrupt':
                if (target !== undefined && existsSync(join(t.dir, target.file))) flipByte(join(t.dir, target.file));
                break;
              case 'delete':
                if (target !== undefined) rmSync(join(t.dir, target.file), { force: true });
                break;
              case 'truncate':
                if (target !== undefined && existsSync(join(t.dir, target.file))) truncateSync(join(t.dir, target.file), 1);
                break;
              case 'prune': {
                const before = await intactCount(t.dir, m);
                await pruneVerified(t.dir, m, o.policy);
                m = await loadManifest(t.dir);
                const after = await intactCount(t.dir, m);
                if (before > 0) assert.ok(after > 0, `prune with ${JSON.stringify(o.policy)} left no intact copy (had ${before})`);
                break;
              }
              case 'crash-mid-prune': {
                // The prune decided and started deleting files, then the process died
                // before the journal was rewritten: files gone, entries still listed.
                const before = await intactCount(t.dir, m);
                const d = await pruneVerified(t.dir, structuredClone(m), o.policy, true);
                for (const e of d.prune.slice(0, o.cut)) rmSync(join(t.dir, e.file), { force: true });
                m = await loadManifest(t.dir);
                const after = await intactCount(t.dir, m);
                if (before > 0) assert.ok(after > 0, 'an interrupted prune left no intact copy');
                break;
              }
            }
          }
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
