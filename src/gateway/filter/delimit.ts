/**
 * Untrusted text placed into a prompt is delimited and escaped (spotlighting,
 * Hines et al. 2024): user text is wrapped in `<untrusted>` tags the system
 * prompt can refer to, and any tag-like text inside is encoded so it cannot
 * close the wrapper early.
 */
import { fullwidthPunctuation } from './escape.js';

export const UNTRUSTED_OPEN = '<untrusted>';
export const UNTRUSTED_CLOSE = '</untrusted>';

export function delimitUntrusted(text: string): string {
  const inner = text.replace(/<\/?\s*untrusted\s*>/gi, (m) => fullwidthPunctuation(m));
  return `${UNTRUSTED_OPEN}${inner}${UNTRUSTED_CLOSE}`;
}
