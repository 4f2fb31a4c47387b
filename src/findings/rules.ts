/**
 * Registry of finding rules: stable ids with a title and help text.
 *
 * Every module that reports findings defines its rules once with
 * `defineRules`; reporters (SARIF) look them up by id. Ids never change
 * meaning once released: automation and allowlists refer to them.
 */
import type { Severity } from './finding.js';

export interface RuleInfo {
  id: string;
  /** Short title, sentence case, no final period. */
  title: string;
  /** Why this matters and what to do about it. */
  help: string;
  /** Severity the rule usually carries (a finding may say otherwise). */
  severity: Severity;
  /** Links to the specification or the public bypass the rule exists for. */
  references?: readonly string[];
}

const registry = new Map<string, RuleInfo>();

export function defineRules(rules: readonly RuleInfo[]): void {
  for (const r of rules) {
    const prev = registry.get(r.id);
    if (prev !== undefined && prev !== r) throw new Error(`rule ${r.id} defined twice`);
    registry.set(r.id, r);
  }
}

export function ruleInfo(id: string): RuleInfo | undefined {
  return registry.get(id);
}
