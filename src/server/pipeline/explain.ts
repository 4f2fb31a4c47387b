/**
 * What the UI and the API show for a scan: per file, the findings that
 * matter (not `info`), each with where (member, offset), why (message) and
 * which technique (the rule's title and references).
 */
import type { ScanReport } from '../../findings/report.js';
import { ruleInfo } from '../../findings/rules.js';

export const MAX_SHOWN_FINDINGS = 50;

export interface ExplainedFinding {
  rule: string;
  severity: string;
  message: string;
  technique: string;
  help: string;
  references: readonly string[];
  member?: string[];
  offset?: number;
  global?: string;
}

export interface ExplainedFile {
  path: string;
  format: string;
  kind: string;
  verdict: string;
  reason: string;
  findings: ExplainedFinding[];
  omitted: number;
}

export function explain(report: ScanReport): ExplainedFile[] {
  return report.files.map((f) => {
    const shown = f.findings.filter((x) => x.severity !== 'info');
    return {
      path: f.path,
      format: f.format,
      kind: f.kind,
      verdict: f.verdict,
      reason: f.reason,
      findings: shown.slice(0, MAX_SHOWN_FINDINGS).map((x) => {
        const rule = ruleInfo(x.rule);
        return {
          rule: x.rule,
          severity: x.severity,
          message: x.message,
          technique: rule?.title ?? x.rule,
          help: rule?.help ?? '',
          references: rule?.references ?? [],
          ...(x.location.member === undefined ? {} : { member: x.location.member }),
          ...(x.location.offset === undefined ? {} : { offset: x.location.offset }),
          ...(x.global === undefined ? {} : { global: x.global }),
        };
      }),
      omitted: Math.max(0, shown.length - MAX_SHOWN_FINDINGS),
    };
  });
}

/** One sentence for a quarantined artifact: the worst file's reason. */
export function headline(report: ScanReport): string {
  const worst = report.files.find((f) => f.verdict === report.verdict) ?? report.files[0];
  return worst === undefined ? 'nothing was scanned' : worst.reason;
}
