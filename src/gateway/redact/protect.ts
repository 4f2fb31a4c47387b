/**
 * Sensitive data on both sides of the model, per upstream trust level
 * (PyTorch: "sensitive data must not be fed to untrusted models"):
 * requests are redacted, given placeholders, or refused; responses are
 * redacted or refused.
 */
import type { SensitiveAction, SensitiveCategory } from '../config/types.js';
import type { Edit } from '../filter/edits.js';
import { findSensitive } from './find.js';
import { placeholderLabel, type Placeholders } from './placeholders.js';

export interface Protection {
  readonly edits: readonly Edit[];
  /** `sensitive/<type>` of a value whose action is block. */
  readonly blocked: readonly string[];
  readonly fired: readonly string[];
}

const NONE: Protection = { edits: [], blocked: [], fired: [] };

export function activeCategories(actions: Readonly<Record<SensitiveCategory, SensitiveAction>>): Set<SensitiveCategory> {
  const s = new Set<SensitiveCategory>();
  for (const [c, a] of Object.entries(actions) as [SensitiveCategory, SensitiveAction][]) if (a !== 'off') s.add(c);
  return s;
}

export function protect(
  text: string,
  actions: Readonly<Record<SensitiveCategory, SensitiveAction>>,
  categories: ReadonlySet<SensitiveCategory>,
  placeholders: Placeholders | undefined,
): Protection {
  if (categories.size === 0 || text === '') return NONE;
  const matches = findSensitive(text, categories);
  if (matches.length === 0) return NONE;
  const edits: Edit[] = [];
  const blocked: string[] = [];
  const fired: string[] = [];
  for (const m of matches) {
    const rule = `sensitive/${m.type}`;
    if (!fired.includes(rule)) fired.push(rule);
    const action = actions[m.category];
    switch (action) {
      case 'block':
        blocked.push(rule);
        break;
      case 'redact':
        edits.push({ start: m.start, end: m.end, replacement: `[REDACTED_${placeholderLabel(m.category)}]`, rule });
        break;
      case 'placeholder':
        if (placeholders === undefined) edits.push({ start: m.start, end: m.end, replacement: `[REDACTED_${placeholderLabel(m.category)}]`, rule });
        else edits.push({ start: m.start, end: m.end, replacement: placeholders.tokenFor(m.category, text.slice(m.start, m.end)), rule });
        break;
      case 'off':
        break;
    }
  }
  return { edits, blocked, fired };
}
