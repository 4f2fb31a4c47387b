/**
 * Plain text (READMEs and model cards in any language, LICENSE, configs,
 * vocabularies, label files, logs, JSON): claimed only when no model
 * format claimed the bytes and they are text in a common encoding
 * (`charset.ts`), checked to the end of the file in bounded windows.
 *
 * A protocol-0 pickle is ASCII text, so the bytes are also judged by what
 * `pickle.load` would do with them (`textAsPickle`): text that would import
 * a denied name, call anything or use what it imported, even behind pages
 * of harmless opcodes, and text that is a pickle (complete, or cut after
 * two opcodes) is handed to the pickle scanner; a payload cannot hide by
 * looking like text.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';
import { textAsPickle } from '../pickle/sniff.js';
import { BufferSource } from '../../bytes/source.js';
import { classifyText, type TextKind } from './charset.js';
import { bomLength, checkWholeText } from './whole-file.js';

/** Files up to this size that end without a newline and whose first opcode's binary argument runs past the end are a cut binary header. */
const MAX_CUT_HEADER = 8;
/** JSON documents parsed to confirm the label (larger ones are labelled by their brackets). */
const MAX_JSON_PARSE = 4 * 1024 * 1024;

defineRules([
  {
    id: 'text/plain',
    title: 'Plain text file',
    severity: 'info',
    help: 'Text in a common encoding that no model loader executes (configs, READMEs, vocabularies, logs).',
  },
]);

/**
 * A few bytes without a final newline that end where a pickle prefix would:
 * `GGUF` or `BZh9` cut short (their first byte, read as an opcode, wants a
 * binary argument the file lacks), or `(` (a MARK and nothing after it) are
 * a binary header or a pickle cut short, not text. `cpu\n`, `cpu`, `hello`,
 * `ab` are text: the load fails, or runs out inside a line.
 */
function cutHeader(bytes: Uint8Array): boolean {
  if (bytes.length > MAX_CUT_HEADER || bytes.at(-1) === 0x0a) return false;
  const o = textAsPickle(new BufferSource(bytes), true).outcome;
  return o.end === 'cut' && (o.cutInBinaryArg || (!o.cutInArg && o.ops >= 1));
}

export const textFormat: FormatScanner = {
  id: 'text',
  title: 'plain text',
  fallback: true,
  sniff(probe: Probe): boolean {
    // Zero bytes are the empty-file scanner's (kind `empty`).
    if (probe.size === 0) return false;
    const complete = probe.head.length >= probe.size;
    if (classifyText(probe.head, complete) === undefined) return false;
    return !(complete && cutHeader(probe.head));
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const head = src.read(0, Math.min(src.size, 4096));
    const complete = head.length >= src.size;
    const kind = classifyText(head, complete);
    if (kind === undefined) {
      ctx.report({ rule: 'engine/unknown-format', severity: 'unscannable', message: 'not text in any encoding modelguard recognises' });
      return Promise.resolve();
    }
    if (!complete) {
      const whole = checkWholeText(src, kind);
      if (!whole.ok) {
        ctx.report({
          rule: 'engine/unknown-format',
          severity: 'unscannable',
          message: `starts as ${kind.encoding} text but holds binary data in the 1 MiB window at offset ${whole.at}`,
          location: { offset: whole.at },
        });
        return Promise.resolve();
      }
    }
    // Text that loads as a pickle (one that acts, a complete one, a cut one) is analysed as one.
    const asPickle = textAsPickle(src, true);
    if (asPickle.kind === 'acts' || asPickle.kind === 'fragment') {
      ctx.info('format', 'pickle');
      return ctx.as('pickle', src);
    }
    const label = jsonLabel(src, kind) ? 'json' : 'text';
    ctx.info('format', label);
    if (kind.encoding !== 'utf-8' || kind.bom) ctx.info('text.encoding', kind.bom ? `${kind.encoding} with BOM` : kind.encoding);
    if (kind.ansi) ctx.info('text.ansi', true);
    ctx.report({ rule: 'text/plain', severity: 'info', message: `${label === 'json' ? 'JSON' : 'text'} file of ${src.size} bytes (${kind.encoding})` });
    return Promise.resolve();
  },
};

/** Whether the text is a JSON document (parsed up to `MAX_JSON_PARSE`; larger ones by their first and last brackets). */
function jsonLabel(src: ByteSource, kind: TextKind): boolean {
  if (kind.encoding !== 'utf-8' || src.size === 0) return false;
  const start = bomLength(kind);
  const first = firstNonSpace(src.read(start, Math.min(64, src.size - start)));
  if (first !== 0x7b && first !== 0x5b) return false;
  if (src.size > MAX_JSON_PARSE) {
    const tail = src.read(Math.max(start, src.size - 64), Math.min(64, src.size - start));
    const last = [...tail].reverse().find((c) => c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09);
    return (first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d);
  }
  try {
    JSON.parse(new TextDecoder().decode(src.read(start, src.size - start)));
    return true;
  } catch {
    return false;
  }
}

function firstNonSpace(b: Uint8Array): number | undefined {
  return b.find((c) => c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09);
}
