/**
 * Human-readable report: one line per file, findings underneath with the
 * where (member, offset, opcode) and the why. Colour only on request.
 */
import { escapeControls, escapeName } from '../bytes/names.js';
import type { Finding, Location } from '../findings/finding.js';
import type { FileReport, ScanReport } from '../findings/report.js';
import type { Verdict } from '../findings/verdict.js';

export interface TextOptions {
  color: boolean;
  /** Show info-level findings and clean files' details. */
  verbose: boolean;
  /** Only list files that are not clean. */
  quiet: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, magenta: 35, dim: 2, bold: 1 } as const;

function paint(on: boolean, c: keyof typeof CODES, s: string): string {
  return on ? `\x1b[${CODES[c]}m${s}\x1b[0m` : s;
}

const VERDICT_COLOR: Record<Verdict, keyof typeof CODES> = {
  clean: 'green',
  suspicious: 'yellow',
  unscannable: 'magenta',
  malicious: 'red',
};

const MARK: Record<Finding['severity'], string> = { malicious: '✗', suspicious: '!', unscannable: '?', info: '·' };

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i] ?? ''}`;
}

export function where(loc: Location): string {
  const parts: string[] = [];
  if (loc.member !== undefined && loc.member.length > 0) parts.push(`in ${loc.member.map(escapeControls).join(' > ')}`);
  if (loc.offset !== undefined) parts.push(`at offset ${loc.offset}`);
  if (loc.opcode !== undefined) parts.push(`(${loc.opcode})`);
  return parts.join(' ');
}

function fileBlock(f: FileReport, o: TextOptions): string[] {
  const label = paint(o.color, VERDICT_COLOR[f.verdict], f.verdict.toUpperCase().padEnd(11));
  const lines = [`${label} ${escapeName(f.path)}  ${paint(o.color, 'dim', `(${f.format}, ${f.kind}, ${formatBytes(f.size)})`)}`];
  // Why a clean file is clean (what was recognised and checked); other verdicts are explained by their findings below.
  if (o.verbose && f.verdict === 'clean') lines.push(`  ${paint(o.color, 'dim', `= ${f.reason}`)}`);
  for (const x of f.findings) {
    if (x.severity === 'info' && !o.verbose) continue;
    const mark = paint(o.color, x.severity === 'info' ? 'dim' : VERDICT_COLOR[x.severity === 'unscannable' ? 'unscannable' : x.severity], MARK[x.severity]);
    const w = where(x.location);
    lines.push(`  ${mark} ${paint(o.color, 'bold', x.rule)}${w === '' ? '' : `  ${w}`}`);
    lines.push(`    ${escapeControls(x.message)}`);
  }
  return lines;
}

export function renderText(r: ScanReport, o: TextOptions): string {
  const out: string[] = [];
  for (const f of r.files) {
    if (o.quiet && f.verdict === 'clean') continue;
    out.push(...fileBlock(f, o));
  }
  for (const m of r.models ?? []) {
    if (o.quiet && m.verdict === 'clean') continue;
    out.push('');
    const label = paint(o.color, VERDICT_COLOR[m.verdict], m.verdict.toUpperCase());
    out.push(`Model folder ${m.path === '.' ? '.' : `${escapeName(m.path)}/`} (${m.kind}, ${m.files.length} files): ${label}`);
    for (const x of m.findings) {
      if (x.severity === 'info' && !o.verbose) continue;
      out.push(`  ${MARK[x.severity]} ${x.rule}  ${escapeControls(x.message)}`);
    }
    const w = Math.max(6, ...m.files.map((f) => f.format.length));
    for (const f of m.files) {
      const v = paint(o.color, VERDICT_COLOR[f.verdict], f.verdict.padEnd(11));
      out.push(`  ${v} ${f.format.padEnd(w)}  ${formatBytes(f.size).padStart(9)}  ${escapeName(f.path)}`);
    }
  }
  const s = r.summary;
  const counts = `${s.malicious} malicious, ${s.unscannable} unscannable, ${s.suspicious} suspicious, ${s.clean} clean`;
  const verdict = paint(o.color, VERDICT_COLOR[r.verdict], r.verdict.toUpperCase());
  if (out.length > 0) out.push('');
  out.push(`${s.files} file${s.files === 1 ? '' : 's'} scanned in ${s.durationMs} ms (profile ${r.profile}): ${counts}. Verdict: ${verdict}`);
  return `${out.join('\n')}\n`;
}
