/**
 * Risky loading calls in a project's Python sources, each tied to the
 * guidance it breaks: torch.load without weights_only or with
 * weights_only=False, pickle/joblib/dill loads, trust_remote_code=True,
 * allow_pickle=True.
 */
import { readFileSync } from 'node:fs';
import { finding, type HostFinding } from './host-finding.js';
import { HOST_RULES } from './host-rules.js';
import { callArguments, codeOnly, lineOf } from './host-python-text.js';
import type { WalkEntry } from './host-walk.js';

/** Largest source file read (CWE-400); generated files beyond are skipped. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

const TORCH_LOAD = /\btorch\s*\.\s*load\s*\(/g;
const PICKLE_LOAD = /\b(c?[pP]ickle|_pickle|dill|joblib|cloudpickle)\s*\.\s*(load|loads)\s*\(/g;
const WEIGHTS_ONLY_FALSE = /\bweights_only\s*=\s*False\b/g;
const TRUST_REMOTE = /\btrust_remote_code\s*=\s*True\b/g;
const ALLOW_PICKLE = /\ballow_pickle\s*=\s*True\b/g;

export function auditSource(path: string, text: string): HostFinding[] {
  const code = codeOnly(text);
  const out: HostFinding[] = [];
  const at = (i: number): string => `${path}:${lineOf(code, i)}`;
  const flaggedFalse = new Set<number>();
  for (const m of code.matchAll(TORCH_LOAD)) {
    const open = m.index + m[0].length - 1;
    const args = callArguments(code, open) ?? '';
    if (/\bweights_only\s*=\s*False\b/.test(args)) {
      out.push(finding(HOST_RULES.weightsOnlyFalse, at(m.index), 'torch.load(..., weights_only=False) unpickles anything the file holds'));
      for (const w of args.matchAll(WEIGHTS_ONLY_FALSE)) flaggedFalse.add(open + 1 + w.index);
    } else if (!/\bweights_only\b/.test(args) && !/\*\*/.test(args)) {
      out.push(finding(HOST_RULES.torchLoadDefault, at(m.index), 'torch.load without weights_only: before PyTorch 2.6 it unpickles anything'));
    }
  }
  for (const m of code.matchAll(WEIGHTS_ONLY_FALSE)) {
    if (!flaggedFalse.has(m.index)) out.push(finding(HOST_RULES.weightsOnlyFalse, at(m.index), 'weights_only=False passed to a loader'));
  }
  for (const m of code.matchAll(PICKLE_LOAD))
    out.push(finding(HOST_RULES.pickleLoad, at(m.index), `${m[1] ?? ''}.${m[2] ?? ''} runs whatever the pickle says`));
  for (const m of code.matchAll(TRUST_REMOTE))
    out.push(finding(HOST_RULES.trustRemoteCode, at(m.index), 'trust_remote_code=True runs Python from the model repository'));
  for (const m of code.matchAll(ALLOW_PICKLE))
    out.push(finding(HOST_RULES.allowPickle, at(m.index), 'allow_pickle=True lets an .npy/.npz run code through object arrays'));
  return out;
}

export function auditSources(entries: readonly WalkEntry[]): { findings: HostFinding[]; files: number } {
  const findings: HostFinding[] = [];
  let files = 0;
  for (const e of entries) {
    if (!e.stat.isFile() || !e.name.endsWith('.py') || e.stat.size > MAX_SOURCE_BYTES) continue;
    let text: string;
    try {
      text = readFileSync(e.path, 'utf8');
    } catch {
      continue;
    }
    files++;
    findings.push(...auditSource(e.path, text));
  }
  return { findings, files };
}
