/**
 * Output checks across streamed chunks. A placeholder, a canary, an e-mail
 * address or a markdown image can arrive split over two SSE events, so text
 * is released only once the checks have seen what follows it:
 * - the last `HOLDBACK` characters stay pending;
 * - a cut never falls inside an edit's span, nor after an unclosed `<`,
 *   `[` or `-----BEGIN` (up to `MAX_OPEN` characters back);
 * - nor inside a run of non-space characters (a JWT or key arriving a few
 *   characters per event is released whole or not at all);
 * - the last `CONTEXT` characters released are kept so recognisers that
 *   look back for context words still see them.
 * Pending text is bounded by `MAX_OPEN` (CWE-400).
 */
import { applyEdits } from '../filter/edits.js';
import type { OutputAnalysis } from './output-analysis.js';

export const HOLDBACK = 96;
const MAX_OPEN = 16 * 1024;
const CONTEXT = 64;

export interface Release {
  readonly text: string;
  readonly block: OutputAnalysis['block'];
}

function openConstructStart(s: string, from: number): number {
  let cut = s.length;
  const lt = s.lastIndexOf('<');
  if (lt >= from && s.indexOf('>', lt) === -1) cut = Math.min(cut, lt);
  const br = s.lastIndexOf('[');
  if (br >= from && s.indexOf(')', br) === -1 && !/^\[[^\]\n]*\][^([:]/.test(s.slice(br))) cut = Math.min(cut, br);
  const pem = s.lastIndexOf('-----BEGIN');
  if (pem >= from && s.indexOf('-----END', pem) === -1) cut = Math.min(cut, pem);
  return s.length - cut > MAX_OPEN ? s.length : cut;
}

export class OutputBuffer {
  readonly #analyse: (text: string) => OutputAnalysis;
  readonly #onAnalysis: (a: OutputAnalysis) => void;
  #tail = '';
  #pending = '';

  constructor(analyse: (text: string) => OutputAnalysis, onAnalysis: (a: OutputAnalysis) => void) {
    this.#analyse = analyse;
    this.#onAnalysis = onAnalysis;
  }

  push(chunk: string): Release {
    this.#pending += chunk;
    return this.#release(false);
  }

  /** End of the stream (or of a choice): everything pending is released. */
  flush(): Release {
    return this.#release(true);
  }

  #release(final: boolean): Release {
    if (this.#pending === '') return { text: '', block: undefined };
    const offset = this.#tail.length;
    const full = this.#tail + this.#pending;
    const a = this.#analyse(full);
    this.#onAnalysis(a);
    if (a.block !== undefined) {
      this.#pending = '';
      return { text: '', block: a.block };
    }
    let cut = final ? full.length : Math.min(full.length - HOLDBACK, openConstructStart(full, offset));
    if (!final && cut > offset && /\S/.test(full[cut - 1] ?? ' ') && /\S/.test(full[cut] ?? ' ')) {
      const runStart = Math.max(full.lastIndexOf(' ', cut), full.lastIndexOf('\n', cut), full.lastIndexOf('\t', cut)) + 1;
      if (cut - runStart <= MAX_OPEN) cut = runStart;
    }
    for (let i = a.edits.length - 1; i >= 0; i--) {
      const e = a.edits[i];
      if (e !== undefined && e.start < cut && cut < e.end) cut = e.start;
    }
    if (cut <= offset) return { text: '', block: undefined };
    // Edits that began in text already released cannot be applied any more; the rest shift to the released window.
    const window = a.edits.filter((e) => e.start >= offset && e.end <= cut).map((e) => ({ ...e, start: e.start - offset, end: e.end - offset }));
    const text = applyEdits(full.slice(offset, cut), window);
    this.#tail = full.slice(Math.max(0, cut - CONTEXT), cut);
    this.#pending = full.slice(cut);
    return { text, block: undefined };
  }
}
