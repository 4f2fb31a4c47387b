/** One finding of `audit host`, and the report around them. */
import type { Guidance, HostRule, HostSeverity } from './host-rules.js';

export interface HostFinding {
  rule: string;
  severity: HostSeverity;
  title: string;
  /** What was found, concretely. */
  message: string;
  /** A path (with :line for sources) or `pid <n>`. */
  where: string;
  guidance: Guidance;
  fix: string;
}

export function finding(rule: HostRule, where: string, message: string): HostFinding {
  return { rule: rule.id, severity: rule.severity, title: rule.title, message, where, guidance: rule.guidance, fix: rule.fix };
}

export const HOST_AUDIT_SCHEMA = 'modelguard.audit-host/v1';

export interface HostAuditReport {
  schema: typeof HOST_AUDIT_SCHEMA;
  project: string;
  findings: HostFinding[];
  /** What was looked at, so an empty finding list can be read correctly. */
  checked: { processes: number; folders: number; pythonFiles: number; envFiles: number; walkTruncated: boolean };
}
