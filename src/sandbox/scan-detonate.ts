/**
 * `scan --detonate`: after the static scan, detonate every file a loader
 * applies to and put both verdicts side by side. A file the static engine
 * did not call malicious but whose detonation reached a sink gets a
 * `detonate/static-miss` finding: the file is malicious, and the static
 * engine has a bug to fix.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildReport } from '../scan/directory.js';
import type { FileReport, ScanReport } from '../findings/report.js';
import { defineRules } from '../findings/rules.js';
import { verdictOf, type Verdict } from '../findings/verdict.js';
import { detonate, type Detonation } from './detonate.js';
import { isSandboxError } from './errors.js';
import { loaderForFormat } from './loaders.js';

defineRules([
  {
    id: 'detonate/static-miss',
    title: 'Detonation reached a sink the static verdict missed',
    severity: 'malicious',
    help: 'Loaded with its real loader inside the sandbox, the file started a process, ran dynamic code, loaded a native library, used the network or touched files, although the static scan did not call it malicious. Treat the file as malicious, and please report it (SECURITY.md): the static engine missed it.',
    references: ['https://github.com/pytorch/pytorch/blob/main/SECURITY.md#untrusted-models'],
  },
]);

/** Detonations run at once: each is a Python process importing torch (CPU-bound). */
export const DETONATE_CONCURRENCY = 2;

/** Report paths back to files on disk (see `scanPaths` for how they are named). */
export function pathResolver(positionals: readonly string[], cwd: string): (display: string) => string {
  const only = positionals[0];
  if (positionals.length === 1 && only !== undefined) {
    let dir = false;
    try {
      dir = statSync(resolve(cwd, only)).isDirectory();
    } catch {
      dir = false;
    }
    if (dir) return (display) => resolve(cwd, only, display);
  }
  return (display) => resolve(cwd, display);
}

async function detonateOne(file: FileReport, path: string): Promise<Detonation | string> {
  const loader = loaderForFormat(file.format);
  if (loader === undefined) return 'no loader';
  try {
    return await detonate(path, { loader, format: file.format });
  } catch (e) {
    // No sandbox at all is fatal (never load on the host); a missing library only skips the file.
    if (isSandboxError(e, 'E_SANDBOX_UNAVAILABLE')) throw e;
    return `not run: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function record(file: FileReport, staticVerdict: Verdict, d: Detonation | string): void {
  if (typeof d === 'string') {
    file.info['detonation'] = d;
    return;
  }
  file.info['detonation'] = d.verdict;
  file.info['detonation reason'] = d.reason;
  if (d.sinks.length > 0) file.info['detonation sinks'] = d.sinks.slice(0, 10).map((s) => `[${s.sink ?? ''}] ${s.event} ${s.args}`.slice(0, 200));
  if (d.verdict === 'malicious' && staticVerdict !== 'malicious') {
    const first = d.sinks[0];
    file.findings.push({
      rule: 'detonate/static-miss',
      severity: 'malicious',
      message: `static verdict ${staticVerdict}, but loading it with ${d.loader} inside the sandbox ${d.reason}${first === undefined ? '' : ` (first: ${first.event} ${first.args.slice(0, 120)})`}`,
      location: { file: file.path },
    });
    file.verdict = verdictOf(file.findings);
  }
}

/**
 * Detonates the report's files (at most DETONATE_CONCURRENCY at once),
 * updates findings and verdicts in place, and returns the side-by-side
 * table for the text report.
 */
export async function detonateScan(report: ScanReport, positionals: readonly string[], cwd: string): Promise<{ report: ScanReport; table: string }> {
  const toPath = pathResolver(positionals, cwd);
  const statics = report.files.map((f) => f.verdict);
  const results: (Detonation | string)[] = new Array<Detonation | string>(report.files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < report.files.length) {
      const i = next++;
      const f = report.files[i] as FileReport;
      results[i] = await detonateOne(f, toPath(f.path));
    }
  };
  await Promise.all(Array.from({ length: DETONATE_CONCURRENCY }, worker));
  report.files.forEach((f, i) => {
    record(f, statics[i] ?? f.verdict, results[i] ?? 'not run');
  });
  const rebuilt = buildReport(report.files, report.profile, report.startedAt, report.summary.durationMs, report.models ?? []);
  const rows = report.files.map((f, i) => {
    const r = results[i];
    const dyn = typeof r === 'object' ? `${r.verdict} (${r.reason})` : (r ?? '');
    return `  ${(statics[i] ?? '').padEnd(11)} ${dyn.slice(0, 60).padEnd(60)} ${f.path}`;
  });
  return {
    report: rebuilt,
    table: `\nStatic and dynamic verdicts:\n  ${'static'.padEnd(11)} ${'dynamic (detonated in the sandbox)'.padEnd(60)} file\n${rows.join('\n')}\n`,
  };
}
