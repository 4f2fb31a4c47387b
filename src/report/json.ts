/** JSON report: the `ScanReport` as is (schema `modelguard.scan/v1`, see docs/json-schema.md). */
import type { ScanReport } from '../findings/report.js';

export function renderJson(r: ScanReport): string {
  return `${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}
