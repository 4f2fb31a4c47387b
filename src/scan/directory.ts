/**
 * Scanning paths (files and directories) into one `ScanReport`: walks,
 * spreads files over worker threads when there are enough of them, and
 * reports progress.
 */
import { availableParallelism } from 'node:os';
import { VERSION } from '../version.js';
import type { ScanOptions } from './engine.js';
import { scanFile } from './scan-file.js';
import { scanWithWorkers } from './pool.js';
import { REPORT_SCHEMA, type FileReport, type ModelSummary, type ScanReport } from '../findings/report.js';
import { VERDICTS, worst, type Verdict } from '../findings/verdict.js';
import { walk, type WalkItem } from './walk.js';
import { FOLDER_PASSES } from '../formats/registry.js';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

export interface DirectoryScanOptions extends ScanOptions {
  /**
   * Threads; 1 scans in this thread only. Default: all cores, with workers
   * started once the scan proves long enough to pay for them; an explicit
   * number starts them at once.
   */
  jobs?: number;
  /** Directory relative paths are resolved against (default: the process's). */
  cwd?: string;
  /** Called after each file. */
  onProgress?: (done: number, total: number, report: FileReport) => void;
}

/** Below this many files, starting workers costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 16;

function problemReport(item: WalkItem): FileReport {
  return {
    path: item.display,
    format: 'unknown',
    verdict: 'unscannable',
    kind: 'unknown',
    reason: 'the file could not be read',
    size: 0,
    findings: [{ rule: 'engine/io-error', severity: 'unscannable', message: item.problem ?? 'unreadable', location: { file: item.display } }],
    info: {},
    durationMs: 0,
  };
}

export async function scanPaths(paths: readonly string[], options: DirectoryScanOptions = {}): Promise<ScanReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const items: WalkItem[] = [];
  for (const p of paths) {
    const abs = resolve(options.cwd ?? '.', p);
    const found = walk(abs).map((it) => (it.path === abs ? { ...it, display: p } : it));
    // With several roots, keep each root visible in the names.
    for (const it of found) items.push(paths.length > 1 && it.display !== p ? { ...it, display: `${p.replace(/\/+$/, '')}/${it.display}` } : it);
  }
  const reports: (FileReport | undefined)[] = new Array<FileReport | undefined>(items.length);
  let done = 0;
  const record = (i: number, r: FileReport): void => {
    reports[i] = r;
    done++;
    options.onProgress?.(done, items.length, r);
  };
  const scannable: number[] = [];
  items.forEach((it, i) => {
    if (it.problem === undefined) scannable.push(i);
    else record(i, problemReport(it));
  });
  const { jobs: jobsOpt, onProgress: _p, cwd: _c, ...scanOptions } = options;
  const jobs = Math.max(1, jobsOpt ?? availableParallelism());
  if (jobs > 1 && scannable.length >= MIN_FILES_FOR_WORKERS) {
    const sub = scannable.map((i) => items[i] as WalkItem);
    await scanWithWorkers(
      sub,
      scanOptions,
      jobs,
      (k, r) => {
        record(scannable[k] as number, r);
      },
      jobsOpt === undefined,
    );
  } else {
    for (const i of scannable) {
      const it = items[i] as WalkItem;
      record(i, await scanFile(it.path, { ...scanOptions, displayName: it.display }));
    }
  }
  const only = paths[0];
  const root = paths.length === 1 && only !== undefined && isDirectory(resolve(options.cwd ?? '.', only)) ? resolve(options.cwd ?? '.', only) : undefined;
  let files = reports.filter((r): r is FileReport => r !== undefined);
  const models: ModelSummary[] = [];
  for (const pass of FOLDER_PASSES) {
    const out = pass.run(files, root);
    files = out.files;
    if (out.models !== undefined) models.push(...out.models);
  }
  return buildReport(files, options.profile ?? 'auto', startedAt, performance.now() - t0, models);
}

/**
 * Scans one directory (recursively) or one file into a `ScanReport`; the same
 * as `scanPaths([path], options)`.
 */
export function scanDirectory(path: string, options: DirectoryScanOptions = {}): Promise<ScanReport> {
  return scanPaths([path], options);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function buildReport(files: FileReport[], profile: string, startedAt: string, durationMs: number, models: ModelSummary[] = []): ScanReport {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  let verdict: Verdict = 'clean';
  for (const f of files) {
    counts[f.verdict]++;
    verdict = worst(verdict, f.verdict);
  }
  for (const m of models) verdict = worst(verdict, m.verdict);
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'modelguard', version: VERSION },
    verdict,
    profile,
    files,
    ...(models.length > 0 ? { models } : {}),
    summary: { ...counts, files: files.length, durationMs: Math.round(durationMs) },
    startedAt,
  };
}
