/**
 * The checks every hostile input goes through (docs/fuzzing.md): the scan
 * returns, nothing but a `ModelguardError` escapes, the verdict is one of
 * the four and never `engine/internal-error`, an input made from a hostile
 * fixture is never `clean`, and each input ends within a generous time cap
 * (a hang guard, not a speed claim). Failing inputs are saved under
 * test/fuzz/regressions/ when FUZZ_SAVE=1 (`npm run fuzz`).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelguardError } from '../../src/errors.js';
import type { FileReport } from '../../src/findings/report.js';
import { VERDICTS } from '../../src/findings/verdict.js';
import { scanBuffer, type ScanOptions } from '../../src/scan/engine.js';
import { ROOT } from '../helpers.js';

/** Runs per property: FUZZ_RUNS, else 1,000 under SLOW=1, else a small default for `npm test`. */
export const RUNS = Number(process.env['FUZZ_RUNS'] ?? (process.env['SLOW'] === '1' ? 1000 : 25));
/** Whether the exhaustive structure sweeps run in full (SLOW=1 or FUZZ_FULL=1: tens of thousands of scans) or sampled. */
export const FULL = process.env['SLOW'] === '1' || process.env['FUZZ_FULL'] === '1';
/** A scan slower than this is a hang (hostile files have made parsers loop). Generous: the machine is shared. */
export const PER_INPUT_MS = 120_000;

const SAVE = process.env['FUZZ_SAVE'] === '1';
const REGRESSIONS = join(ROOT, 'test', 'fuzz', 'regressions');

export function saveInput(label: string, data: Uint8Array): string {
  const name = `${label.replace(/[^\w.=@,+-]/g, '_').slice(0, 160)}-${createHash('sha256').update(data).digest('hex').slice(0, 16)}.bin`;
  if (SAVE) {
    mkdirSync(REGRESSIONS, { recursive: true });
    writeFileSync(join(REGRESSIONS, name), data);
  }
  return name;
}

/**
 * Picks at most `n` items spread evenly over `all` (scaled up with FUZZ_RUNS: `npm run fuzz` and CI sample
 * more than `npm test`); every item when the sweep runs in full.
 */
export function sample<T>(all: readonly T[], base: number): T[] {
  const n = process.env['FUZZ_RUNS'] === undefined ? base : Math.max(base, RUNS);
  if (FULL || all.length <= n) return [...all];
  const step = all.length / n;
  return Array.from({ length: n }, (_, i) => all[Math.floor(i * step)] as T);
}

export interface Expect {
  /** Made from a hostile fixture by a change that leaves the payload loadable: never `clean`. */
  hostile?: boolean;
}

/** Counts what a sweep saw, for docs/fuzzing.md. */
export const tally = { inputs: 0, typedThrows: 0, verdicts: {} as Record<string, number> };

/** FUZZ_KEEP_GOING=1: log every failure and go on (a sweep then lists all it found); `assertNoFailures` ends the test. */
const KEEP_GOING = process.env['FUZZ_KEEP_GOING'] === '1';
const failures: string[] = [];

export async function scanChecked(label: string, data: Uint8Array, expect: Expect = {}, options: ScanOptions = {}): Promise<FileReport | undefined> {
  try {
    return await scanStrict(label, data, expect, options);
  } catch (e) {
    if (!KEEP_GOING) throw e;
    const line = e instanceof Error ? e.message : String(e);
    failures.push(line);
    process.stderr.write(`FUZZ FAILURE ${line.split('\n').slice(0, 6).join(' | ')}\n`);
    return undefined;
  }
}

export function assertNoFailures(): void {
  const all = failures.splice(0);
  assert.equal(all.length, 0, all.slice(0, 20).join('\n'));
}

/** Scans hostile bytes and asserts the contract; returns the report (undefined when a typed error escaped). */
async function scanStrict(label: string, data: Uint8Array, expect: Expect = {}, options: ScanOptions = {}): Promise<FileReport | undefined> {
  const started = performance.now();
  let report: FileReport | undefined;
  tally.inputs++;
  try {
    report = await scanBuffer(data, `fuzz-${label}`, options);
  } catch (e) {
    if (!(e instanceof ModelguardError)) {
      const name = saveInput(label, data);
      assert.fail(`${label} (${name}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    tally.typedThrows++;
  }
  const ms = performance.now() - started;
  if (ms > PER_INPUT_MS) assert.fail(`${label} (${saveInput(label, data)}): ${Math.round(ms)} ms, over the ${PER_INPUT_MS} ms cap`);
  if (report === undefined) return undefined;
  tally.verdicts[report.verdict] = (tally.verdicts[report.verdict] ?? 0) + 1;
  const where = (): string => `${label} (${saveInput(label, data)})`;
  if (!VERDICTS.includes(report.verdict)) assert.fail(`${where()}: verdict ${report.verdict}`);
  const internal = report.findings.find((f) => f.rule === 'engine/internal-error');
  if (internal !== undefined) assert.fail(`${where()}: ${internal.message}`);
  if (expect.hostile === true && data.length > 0 && report.verdict === 'clean') {
    assert.fail(`${where()}: clean, from a hostile fixture (format ${report.format})`);
  }
  return report;
}

/** Open file descriptors of this process (Linux), to catch descriptors left open by a failed scan. */
export function openDescriptors(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

/** Bytes this process holds: JS heap plus memory outside it (Buffers, wasm). */
export function heldBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage when node runs with --expose-gc (npm run fuzz); a no-op otherwise. */
export function collect(): void {
  gc?.();
}
export const CAN_COLLECT = gc !== undefined;
