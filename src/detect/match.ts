/**
 * Runs the pattern rules over every view of a text and its decoded
 * payloads, keeping for each rule id its weight and up to
 * `MAX_SPANS_PER_RULE` spans in the caller's text.
 */
import { AnchorGates } from './anchors.js';
import { findPayloads } from './decode.js';
import { MAX_DECODE_DEPTH, MAX_SPANS_PER_RULE } from './limits.js';
import { normalise } from './normalize.js';
import { PATTERN_RULES, type PatternRule } from './rules/index.js';
import type { DetectorRule } from './types.js';
import { inputSpan, type View } from './view.js';

export interface Hit {
  readonly id: string;
  readonly weight: number;
  readonly spans: DetectorRule[];
}

export interface Matched {
  readonly hits: Map<string, Hit>;
  /** The main normalised view (what the model and the similarity stage read). */
  readonly text: string;
}

/** Evidence the normaliser itself produces: hiding is a sign of an attack. */
const TAG_SMUGGLING = { id: 'obfuscation/tag-characters', weight: 4 };
const HIDDEN_SPLITS = { id: 'obfuscation/invisible-splits', weight: 2 };
const MIXED_SCRIPT = { id: 'obfuscation/mixed-script', weight: 2 };
const ENCODED = { id: 'obfuscation/encoded-instructions', weight: 1 };
const LEET = { id: 'obfuscation/leetspeak', weight: 1 };

function add(hits: Map<string, Hit>, id: string, weight: number, span: DetectorRule): void {
  const h = hits.get(id);
  if (h === undefined) hits.set(id, { id, weight, spans: [span] });
  else if (h.spans.length < MAX_SPANS_PER_RULE) h.spans.push(span);
}

let anchorGates: AnchorGates | undefined;

/** Runs every rule not in `skip` whose gate lets the view through. */
function runRules(view: View, skip: ReadonlySet<string>, found: (r: PatternRule, span: [number, number]) => void): void {
  const open = (anchorGates ??= new AnchorGates(PATTERN_RULES)).gates(view.text);
  for (let i = 0; i < PATTERN_RULES.length; i++) {
    const r = PATTERN_RULES[i] as PatternRule;
    if (open[i] !== true || skip.has(r.id)) continue;
    r.pattern.lastIndex = 0;
    let n = 0;
    for (const m of view.text.matchAll(r.pattern)) {
      found(r, inputSpan(view, m.index, m.index + m[0].length));
      if (++n >= MAX_SPANS_PER_RULE) break;
    }
  }
}

function scan(text: string, hits: Map<string, Hit>, depth: number, place: (s: [number, number]) => [number, number], via: string): string {
  const n = normalise(text);
  const main = n.views[0];
  if (n.tagChars >= 4) add(hits, TAG_SMUGGLING.id, TAG_SMUGGLING.weight, { id: TAG_SMUGGLING.id, detail: `${n.tagChars} tag characters` });
  if (n.hiddenSplits >= 3)
    add(hits, HIDDEN_SPLITS.id, HIDDEN_SPLITS.weight, { id: HIDDEN_SPLITS.id, detail: `${n.hiddenSplits} invisible characters inside words` });
  if (n.mixedScriptWords >= 2)
    add(hits, MIXED_SCRIPT.id, MIXED_SCRIPT.weight, { id: MIXED_SCRIPT.id, detail: `${n.mixedScriptWords} words mix Latin with look-alike letters` });
  const inMain = new Set<string>();
  const none = new Set<string>();
  for (const view of n.views) {
    // A rule that matched the main view adds nothing from a derived view (no span, no leetspeak hit): not run there.
    runRules(view, view === main ? none : inMain, (r, span) => {
      if (view === main) inMain.add(r.id);
      const detail = via === '' ? view.name : `${via}>${view.name}`;
      if (view.name === 'leet' && !inMain.has(r.id)) add(hits, LEET.id, LEET.weight, { id: LEET.id, span: place(span) });
      add(hits, r.id, r.weight, { id: r.id, span: place(span), detail });
    });
  }
  if (depth < MAX_DECODE_DEPTH) {
    for (const p of findPayloads(text, depth === 0)) {
      const before = hits.size;
      const outer = place([p.start, p.end]);
      scan(p.text, hits, depth + 1, () => outer, via === '' ? p.encoding : `${via}>${p.encoding}`);
      if (hits.size > before) add(hits, ENCODED.id, ENCODED.weight, { id: ENCODED.id, span: outer, detail: p.encoding });
    }
  }
  return main?.text ?? '';
}

export function matchRules(text: string): Matched {
  const hits = new Map<string, Hit>();
  const normalised = scan(text, hits, 0, (s) => s, '');
  return { hits, text: normalised };
}
