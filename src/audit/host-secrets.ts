/**
 * Secrets in environment files (.env, .env.*, *.env, .envrc): variables
 * named like credentials with a real-looking value, or values shaped like
 * well-known tokens. Values are never printed, only their length.
 */
import { readFileSync } from 'node:fs';
import { finding, type HostFinding } from './host-finding.js';
import { HOST_RULES } from './host-rules.js';
import type { WalkEntry } from './host-walk.js';

const ENV_FILE = /^(\.env(\..+)?|.+\.env|\.envrc)$/;
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|AUTH)/i;
const TOKEN_SHAPES: readonly [string, RegExp][] = [
  ['Hugging Face token', /^hf_[A-Za-z0-9]{30,}$/],
  ['OpenAI-style key', /^sk-[A-Za-z0-9_-]{20,}$/],
  ['AWS access key id', /^(AKIA|ASIA)[0-9A-Z]{16}$/],
  ['GitHub token', /^(ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}$/],
  ['GitLab token', /^glpat-[A-Za-z0-9_-]{20,}$/],
  ['Slack token', /^xox[abposr]-[A-Za-z0-9-]{10,}$/],
  ['Weights & Biases key', /^[0-9a-f]{40}$/],
];
const PLACEHOLDER = /^(|changeme|change_me|xxx+|\*+|<.*>|\$\{.*\}|\$[A-Z_]+|your[-_].*|todo|none|null|false|true)$/i;
/** Largest env file read (CWE-400). */
const MAX_ENV_BYTES = 256 * 1024;

export function auditEnvText(path: string, text: string, worldReadable: boolean): HostFinding[] {
  const out: HostFinding[] = [];
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(raw);
    if (m === null) return;
    const name = m[1] ?? '';
    const value = (m[2] ?? '')
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2')
      .replace(/\s+#.*$/, '');
    if (PLACEHOLDER.test(value)) return;
    const shape = TOKEN_SHAPES.find(([, re]) => re.test(value))?.[0];
    if (shape === undefined && (!SECRET_NAME.test(name) || value.length < 8)) return;
    const what = shape ?? 'credential-named variable';
    out.push(
      finding(
        HOST_RULES.envSecret,
        `${path}:${i + 1}`,
        `${name} holds a ${what} (${value.length} characters)${worldReadable ? '; the file is readable by every user' : ''}`,
      ),
    );
  });
  return out;
}

export function auditEnvFiles(entries: readonly WalkEntry[]): { findings: HostFinding[]; files: number } {
  const findings: HostFinding[] = [];
  let files = 0;
  for (const e of entries) {
    if (!e.stat.isFile() || !ENV_FILE.test(e.name) || e.stat.size > MAX_ENV_BYTES) continue;
    let text: string;
    try {
      text = readFileSync(e.path, 'utf8');
    } catch {
      continue;
    }
    files++;
    findings.push(...auditEnvText(e.path, text, (e.stat.mode & 0o004) !== 0));
  }
  return { findings, files };
}
