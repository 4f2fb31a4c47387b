/**
 * Text rewrites as spans: every check on text (filters, redaction,
 * placeholder restore) reports what it would replace, and one function
 * applies them. Overlaps are resolved once (the earliest, then the longest
 * span wins), and the stream buffer can cut text between spans, never
 * inside one.
 */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
  /** Rule id that asked for it (`filter/role-marker`, `sensitive/email`...). */
  readonly rule: string;
}

/** Non-overlapping edits in text order. */
export function resolveEdits(edits: readonly Edit[]): Edit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Edit[] = [];
  let end = -1;
  for (const e of sorted) {
    if (e.start < end) continue;
    out.push(e);
    end = e.end;
  }
  return out;
}

/** Applies resolved edits (from `resolveEdits`) to `text`. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.replacement;
    at = e.end;
  }
  return out + text.slice(at);
}
