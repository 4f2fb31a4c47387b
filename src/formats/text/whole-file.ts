/**
 * Checks a whole file against the encoding its head was classified in, in
 * bounded windows: a text of any size (a 2 GB `.vec` of embeddings, a
 * 40 MB `tokenizer.json`) is read one window at a time, never whole, and a
 * file that starts as text but turns binary further on is caught.
 */
import { isUtf8 } from 'node:buffer';
import type { ByteSource } from '../../bytes/source.js';
import type { TextKind } from './charset.js';
import { incompleteUtf8Tail, utf16TextOk } from './charset.js';
import { strayControlsPerBlock } from './controls.js';
import { decoder as legacyDecoder, legacyCandidate, scoreDecoded } from './legacy.js';

/** Bytes read per window (CWE-400: memory stays bounded whatever the file size). */
export const TEXT_WINDOW = 1 << 20;
/** Control bytes are counted per block, so a binary blob inside a long text is not diluted by it. */
const CONTROL_BLOCK = 4096;
/** Share of non-ASCII characters per window that must be letters or typography (legacy encodings). */
const MIN_TEXTY = 0.9;

export type WholeTextCheck = { ok: true } | { ok: false; at: number };

/** The size of the byte order mark `kind` says the file starts with. */
export function bomLength(kind: TextKind): number {
  if (!kind.bom) return 0;
  return kind.encoding === 'utf-8' ? 3 : 2;
}

export function checkWholeText(src: ByteSource, kind: TextKind): WholeTextCheck {
  return kind.encoding === 'utf-8' ? checkUtf8(src, bomLength(kind)) : checkDecoded(src, kind);
}

/** UTF-8: validated in place (`isUtf8`, no string built), a character split between windows carried over. */
function checkUtf8(src: ByteSource, start: number): WholeTextCheck {
  let carry = new Uint8Array(0);
  for (let pos = start; pos < src.size; pos += TEXT_WINDOW) {
    const read = src.read(pos, Math.min(TEXT_WINDOW, src.size - pos));
    if (!strayControlsPerBlock(read, CONTROL_BLOCK)) return { ok: false, at: pos };
    const window = carry.length === 0 ? read : concat(carry, read);
    const tail = incompleteUtf8Tail(window);
    if (!isUtf8(window.subarray(0, window.length - tail))) return { ok: false, at: pos };
    carry = window.slice(window.length - tail);
  }
  return carry.length === 0 ? { ok: true } : { ok: false, at: src.size - carry.length };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** UTF-16 and legacy encodings: decoded window by window (stream mode, so characters may span windows). */
function checkDecoded(src: ByteSource, kind: TextKind): WholeTextCheck {
  const e = kind.encoding;
  const wide = e === 'utf-16le' || e === 'utf-16be';
  const legacy = e === 'utf-8' || e === 'utf-16le' || e === 'utf-16be' ? undefined : legacyCandidate(e);
  // Single-byte code pages are stateless; the others decode in stream mode.
  const decoder = legacy === undefined || legacy.multibyte ? new TextDecoder(e, { fatal: true, ignoreBOM: true }) : legacyDecoder(legacy);
  for (let pos = bomLength(kind); pos < src.size; pos += TEXT_WINDOW) {
    const window = src.read(pos, Math.min(TEXT_WINDOW, src.size - pos));
    if (!wide && !strayControlsPerBlock(window, CONTROL_BLOCK)) return { ok: false, at: pos };
    let text: string;
    try {
      text = decoder.decode(window, { stream: true });
    } catch {
      return { ok: false, at: pos };
    }
    if (wide && !utf16TextOk(text)) return { ok: false, at: pos };
    if (legacy !== undefined) {
      const s = scoreDecoded(legacy, text);
      if (s === undefined || s.texty < MIN_TEXTY) return { ok: false, at: pos };
    }
  }
  try {
    decoder.decode(new Uint8Array(0));
  } catch {
    return { ok: false, at: src.size };
  }
  return { ok: true };
}
