/** Text rendering of a detonation, for the CLI. */
import type { Detonation } from './detonate.js';

export function renderDetonation(d: Detonation, verbose: boolean): string {
  const lines = [
    `${d.file}: ${d.verdict.toUpperCase()} (${d.reason})`,
    `  loader   ${d.loader}: ${d.call}  [format ${d.format}]`,
    `  sandbox  ${d.backend}, ${d.sandbox.wallMs} ms, monitor record ${d.sandbox.monitor}${d.sandbox.timedOut ? ', TIMED OUT' : ''}${d.sandbox.loaderSignal === undefined ? '' : `, loader killed by signal ${d.sandbox.loaderSignal}`}`,
    `  result   ${d.outcome.result}${d.outcome.detail === undefined ? '' : `: ${d.outcome.detail}`}`,
  ];
  if (d.sinks.length > 0) {
    lines.push('  sinks reached (a lower bound: see docs/sandbox.md):');
    for (const s of d.sinks.slice(0, verbose ? d.sinks.length : 20)) lines.push(`    [${s.sink ?? ''}] ${s.event} ${s.args}`);
    if (!verbose && d.sinks.length > 20) lines.push(`    ... ${d.sinks.length - 20} more (--verbose)`);
  }
  if (verbose) {
    lines.push('  events:');
    for (const e of d.events) lines.push(`    ${e.sink === undefined ? '' : `[${e.sink}] `}${e.event} ${e.args}`);
    if (d.stderr.trim() !== '')
      lines.push(
        '  stderr (untrusted):',
        ...d.stderr
          .trimEnd()
          .split('\n')
          .slice(-20)
          .map((l) => `    ${l}`),
      );
  }
  if (d.sandbox.malformedLines > 0) lines.push(`  note: ${d.sandbox.malformedLines} lines on the evidence channel were not records (the payload wrote to it)`);
  return `${lines.join('\n')}\n`;
}
