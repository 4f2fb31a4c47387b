/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
 * Each non-info finding is a result on the scanned file; rules carry the
 * registry's title and help and a `security-severity` for GitHub.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../findings/finding.js';
import type { ScanReport } from '../findings/report.js';
import { ruleInfo } from '../findings/rules.js';

const LEVEL: Record<Finding['severity'], 'error' | 'warning' | 'note'> = {
  malicious: 'error',
  suspicious: 'warning',
  unscannable: 'warning',
  info: 'note',
};

const SECURITY_SEVERITY: Record<Finding['severity'], string> = {
  malicious: '9.0',
  suspicious: '5.0',
  unscannable: '4.0',
  info: '1.0',
};

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions {
  /** Include info-level findings as `note` results. */
  includeInfo?: boolean;
  /**
   * The directory report paths are relative to, as a `file:` URI ending in
   * `/` (the CLI's working directory or `--base-dir`): written as
   * `originalUriBaseIds['%SRCROOT%']`, so consumers resolve the locations.
   */
  baseUri?: string;
}

export function toSarif(r: ScanReport, o: SarifOptions = {}): object {
  const ruleIds: string[] = [];
  const index = new Map<string, number>();
  const results: object[] = [];
  for (const f of r.files) {
    for (const x of f.findings) {
      if (x.severity === 'info' && o.includeInfo !== true) continue;
      let i = index.get(x.rule);
      if (i === undefined) {
        i = ruleIds.length;
        ruleIds.push(x.rule);
        index.set(x.rule, i);
      }
      const member = x.location.member?.join(' > ');
      const region: Record<string, number> = { startLine: 1 };
      if (x.location.offset !== undefined && member === undefined) region['byteOffset'] = x.location.offset;
      results.push({
        ruleId: x.rule,
        ruleIndex: i,
        level: LEVEL[x.severity],
        message: { text: member === undefined ? x.message : `${member}: ${x.message}` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: encodeURI(f.path.replace(/\\/g, '/')), uriBaseId: '%SRCROOT%' },
              region,
            },
          },
        ],
        partialFingerprints: {
          'modelguard/v1': createHash('sha256')
            .update(`${f.path}\0${x.rule}\0${member ?? ''}\0${x.global ?? x.message}`)
            .digest('hex')
            .slice(0, 32),
        },
        properties: {
          severity: x.severity,
          fileVerdict: f.verdict,
          format: f.format,
          ...(member === undefined ? {} : { member }),
          ...(x.location.offset === undefined ? {} : { offset: x.location.offset }),
          ...(x.global === undefined ? {} : { global: x.global }),
          ...(x.call === undefined ? {} : { call: x.call }),
        },
      });
    }
  }
  const rules = ruleIds.map((id) => {
    const info = ruleInfo(id);
    const sev = info?.severity ?? 'suspicious';
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()),
      shortDescription: { text: info?.title ?? id },
      fullDescription: { text: info?.help ?? id },
      help: { text: info?.help ?? id, markdown: `${info?.help ?? id}${(info?.references ?? []).map((u) => `\n- ${u}`).join('')}` },
      defaultConfiguration: { level: LEVEL[sev] },
      ...(info?.references?.[0] === undefined ? {} : { helpUri: info.references[0] }),
      properties: { tags: ['security', 'ml-model'], 'security-severity': SECURITY_SEVERITY[sev], precision: 'high' },
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'modelguard',
            version: r.tool.version,
            semanticVersion: r.tool.version,
            rules,
          },
        },
        ...(o.baseUri === undefined ? {} : { originalUriBaseIds: { '%SRCROOT%': { uri: o.baseUri } } }),
        automationDetails: { id: `modelguard/${r.profile}/` },
        invocations: [{ executionSuccessful: true, startTimeUtc: r.startedAt }],
        results,
      },
    ],
  };
}

export function renderSarif(r: ScanReport, o: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(r, o), null, 2)}\n`;
}
