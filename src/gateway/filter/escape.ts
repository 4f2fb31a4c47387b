/** Encodings that make text inert where it is going (PyTorch's "encoding: special characters to safe representations"). */

/**
 * ASCII punctuation to its fullwidth form (U+FF01-U+FF5E): `<|im_start|>`
 * becomes `＜｜im_start｜＞`, which reads the same to a person and the model
 * but is no longer the special token a tokenizer matches, nor template syntax.
 */
export function fullwidthPunctuation(s: string): string {
  return s.replace(/[!-/:-@[-`{-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}

/** Backslash-escapes markdown link syntax so `![x](url)` renders as text. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[![\]()]/g, (c) => `\\${c}`);
}
