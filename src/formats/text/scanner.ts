/**
 * Plain text (README, LICENSE, configs, vocabularies, JSON): claimed only
 * when no model format claimed the bytes and the whole file is UTF-8
 * without control bytes other than whitespace. Text that is also a
 * protocol-0 pickle is claimed by the pickle scanner first (sniffing order),
 * and text that the pickle sniffer passed over but that would still import
 * or call something when loaded as a pickle is handed to the pickle
 * scanner here, so a payload in a `.txt` file is always analysed.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';
import { startsLikePickle, textAsPickle } from '../pickle/sniff.js';

/** Text files validated in full up to this size; larger ones are not claimed (CWE-400). */
const MAX_TEXT_BYTES = 16 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Files up to this size that start like a pickle opcode are taken for a cut binary header, not text. */
const MAX_CUT_HEADER = 8;

defineRules([
  {
    id: 'text/plain',
    title: 'Plain text file',
    severity: 'info',
    help: 'UTF-8 text that no model loader executes (configs, READMEs, vocabularies).',
  },
]);

function isText(bytes: Uint8Array): boolean {
  for (const c of bytes) {
    // Control bytes other than tab, LF, CR, FF: binary.
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return false;
    if (c === 0x7f) return false;
  }
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export const textFormat: FormatScanner = {
  id: 'text',
  title: 'plain text',
  fallback: true,
  sniff(probe: Probe): boolean {
    if (probe.size === 0 || probe.size > MAX_TEXT_BYTES) return false;
    const complete = probe.head.length >= probe.size;
    // A few printable bytes that start like an opcode are more likely a binary header cut short
    // (`GGUF`, `BZh91`) than text: not claimed, so they stay unscannable.
    if (probe.size <= MAX_CUT_HEADER && startsLikePickle(probe.head)) return false;
    // A pickle the pickle sniffer passed over (short, or harmless opcodes first) is claimed here and handed on in scan().
    // The head may end inside a multi-byte character: check it without its last 3 bytes.
    return isText(complete ? probe.head : probe.head.subarray(0, probe.head.length - 3));
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const bytes = src.read(0, src.size);
    if (!isText(bytes)) {
      ctx.report({
        rule: 'engine/unknown-format',
        severity: 'unscannable',
        message: `starts as text but holds binary data after the first ${Math.min(src.size, 4096)} bytes`,
      });
      return Promise.resolve();
    }
    // Text that loads as a pickle (one that imports or calls, or a cut one) is analysed as one.
    if (textAsPickle(bytes, true) !== 'text') {
      ctx.info('format', 'pickle');
      return ctx.as('pickle', src);
    }
    let kind = 'text';
    if (bytes[0] === 0x7b || bytes[0] === 0x5b) {
      try {
        JSON.parse(utf8.decode(bytes));
        kind = 'JSON';
      } catch {
        // plain text that starts with a brace
      }
    }
    ctx.info('format', kind === 'JSON' ? 'json' : 'text');
    ctx.report({ rule: 'text/plain', severity: 'info', message: `${kind} file of ${src.size} bytes` });
    return Promise.resolve();
  },
};
