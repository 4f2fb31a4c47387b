/**
 * Placeholder-and-restore: the upstream sees `<EMAIL_1>` instead of the
 * address, the client gets the original back in the response. One map per
 * request; the same value always gets the same placeholder, and numbers
 * the client's own text already uses as placeholders are skipped so a
 * literal `<EMAIL_1>` in a prompt can never be "restored" to something else.
 */
import type { SensitiveCategory } from '../config/types.js';
import type { Edit } from '../filter/edits.js';

const TOKEN = /<([A-Z][A-Z_]{1,15})_(\d{1,6})>/g;

export function placeholderLabel(category: SensitiveCategory): string {
  return category.toUpperCase().replace(/-/g, '_');
}

export class Placeholders {
  readonly #byValue = new Map<string, string>();
  readonly #byToken = new Map<string, string>();
  readonly #next = new Map<string, number>();
  readonly #reserved = new Set<string>();

  /** Tokens that already appear in the client's text are never issued. */
  reserve(text: string): void {
    if (!text.includes('<')) return;
    for (const m of text.matchAll(TOKEN)) this.#reserved.add(m[0]);
  }

  tokenFor(category: SensitiveCategory, value: string): string {
    const key = `${category}\u0000${value}`;
    const known = this.#byValue.get(key);
    if (known !== undefined) return known;
    const label = placeholderLabel(category);
    let n = this.#next.get(label) ?? 1;
    let token = `<${label}_${n}>`;
    while (this.#reserved.has(token)) token = `<${label}_${++n}>`;
    this.#next.set(label, n + 1);
    this.#byValue.set(key, token);
    this.#byToken.set(token, value);
    return token;
  }

  get size(): number {
    return this.#byToken.size;
  }

  /** Edits that put the originals back into output text. */
  restoreEdits(text: string): Edit[] {
    if (this.#byToken.size === 0 || !text.includes('<')) return [];
    const edits: Edit[] = [];
    for (const m of text.matchAll(TOKEN)) {
      const original = this.#byToken.get(m[0]);
      if (original !== undefined) edits.push({ start: m.index, end: m.index + m[0].length, replacement: original, rule: 'sensitive/restore' });
    }
    return edits;
  }
}
