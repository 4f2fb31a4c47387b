/**
 * The request's free text, slot by slot, in this order:
 * 1. validation: lone surrogates, tag, bidi and invisible characters
 *    (reject or strip), then NFKC;
 * 2. filtering and encoding: role markers, fake turns, tool-call markup,
 *    template syntax (reject, strip or escape);
 * 3. verification: the injection detector (block or shadow);
 * 4. sensitive data: block, redact or placeholder;
 * 5. untrusted text delimited, if the route asks.
 * Text written by the operator's system prompt skips 2 and 3. The rewritten
 * text goes back into the body, which is all the upstream ever sees.
 */
import type { AuditRecord } from '../audit/record.js';
import { refuse } from '../errors.js';
import { delimitUntrusted } from '../filter/delimit.js';
import { applyEdits, resolveEdits } from '../filter/edits.js';
import { filterInput } from '../filter/input-rules.js';
import type { ParsedRequest } from '../kinds/adapter.js';
import { Placeholders } from '../redact/placeholders.js';
import { protect } from '../redact/protect.js';
import { readSlot, writeSlot } from '../validate/schema.js';
import { cleanText } from '../validate/unicode.js';
import { verifyText } from '../verify/stage.js';
import type { CompiledRoute } from './runtime.js';

export interface ProcessedText {
  /** The normalised texts, joined (for the prompt hash and the extraction monitor). */
  readonly joined: string;
  readonly placeholders: Placeholders | undefined;
}

function note(record: AuditRecord, rules: readonly string[]): void {
  for (const r of rules) if (!record.rules.includes(r)) record.rules.push(r);
}

export function processRequestTexts(parsed: ParsedRequest, route: CompiledRoute, record: AuditRecord): ProcessedText {
  const cfg = route.config;
  const placeholders = route.placeholders ? new Placeholders() : undefined;
  if (placeholders !== undefined) for (const t of parsed.texts) placeholders.reserve(readSlot(t.slot));
  const parts: string[] = [];
  for (const t of parsed.texts) {
    const cleaned = cleanText(readSlot(t.slot), cfg.validation);
    note(record, cleaned.found);
    if (cleaned.reject !== undefined)
      throw refuse(400, cleaned.reject, `${t.slot.path}: text contains characters this route refuses`, { rules: cleaned.found });
    let text = cleaned.text;
    parts.push(text);
    const filtered = filterInput(text, t.author, cfg.filter);
    note(record, filtered.fired);
    if (filtered.rejected.length > 0)
      throw refuse(400, filtered.rejected[0] ?? 'filter/rejected', `${t.slot.path}: text refused by an input filter`, { rules: filtered.fired });
    text = applyEdits(text, resolveEdits(filtered.edits));
    if (t.author !== 'system') {
      const verdict = verifyText(route.detector, text, cfg.detector.request);
      record.detectorScore = Math.max(record.detectorScore ?? 0, verdict.score);
      if (verdict.shadow) {
        for (const r of verdict.rules) if (!record.shadow.includes(r)) record.shadow.push(r);
      } else note(record, verdict.rules);
      if (verdict.block) throw refuse(400, 'detector/request', `${t.slot.path}: text flagged as a prompt injection`, { rules: verdict.rules });
    }
    const sensitive = protect(text, cfg.sensitive.request, route.requestCategories, placeholders);
    note(record, sensitive.fired);
    if (sensitive.blocked.length > 0)
      throw refuse(400, sensitive.blocked[0] ?? 'sensitive/blocked', `${t.slot.path}: text contains sensitive data this upstream may not receive`, {
        rules: sensitive.blocked,
      });
    text = applyEdits(text, resolveEdits(sensitive.edits));
    if (cfg.filter.delimitUntrusted && t.author !== 'system' && t.author !== 'assistant') text = delimitUntrusted(text);
    writeSlot(t.slot, text);
  }
  return { joined: parts.join('\n'), placeholders };
}
