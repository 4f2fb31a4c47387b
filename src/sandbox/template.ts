/**
 * The text the `jinja-template` loader renders: a GGUF file's
 * `tokenizer.chat_template`, a tokenizer_config.json's `chat_template`, or
 * the file itself as a template. Read on the host with the scanner's
 * bounds-checked GGUF reader; the template travels to the sandbox as data.
 */
import { readFileSync, statSync } from 'node:fs';
import { FileSource } from '../bytes/source.js';
import { WindowCursor } from '../bytes/window.js';
import { readHeader, readMetadata, type GgufString } from '../formats/gguf/metadata.js';
import { SandboxError } from './errors.js';

/** Longest template passed to the sandbox: it travels as one argv string (MAX_ARG_STRLEN is 128 KiB; CWE-400). */
export const MAX_TEMPLATE_BYTES = 96 * 1024;
/** Largest JSON or text file read whole to find a template (CWE-400). */
const MAX_TEXT_FILE = 4 * 1024 * 1024;

const KEY = 'tokenizer.chat_template';

function fromGguf(path: string): string | undefined {
  const src = new FileSource(path);
  try {
    const cur = new WindowCursor(src);
    const header = readHeader(cur);
    const strings: GgufString[] = [];
    readMetadata(cur, header, { maxKeptString: MAX_TEMPLATE_BYTES, maxEntries: 1_000_000, keep: (key) => key.startsWith(KEY) }, strings);
    return strings.find((s) => s.key === KEY)?.value ?? strings[0]?.value;
  } finally {
    src.close();
  }
}

function fromText(path: string): string {
  if (statSync(path).size > MAX_TEXT_FILE) throw new SandboxError('E_LIMIT', `${path} is larger than ${MAX_TEXT_FILE} bytes`);
  const text = readFileSync(path, 'utf8');
  if (text.trimStart().startsWith('{')) {
    try {
      const json = JSON.parse(text) as { chat_template?: unknown };
      const t = json.chat_template;
      if (typeof t === 'string') return t;
      // Named templates: [{name, template}, ...]; render the default one or the first.
      if (Array.isArray(t)) {
        const list = t as { name?: unknown; template?: unknown }[];
        const pick = list.find((x) => x.name === 'default') ?? list[0];
        if (typeof pick?.template === 'string') return pick.template;
      }
    } catch {
      // Not JSON after all: the text is the template.
    }
  }
  return text;
}

export function extractTemplate(path: string, format: string): string {
  const isGguf = format.split('+').includes('gguf');
  const template = isGguf ? fromGguf(path) : fromText(path);
  if (template === undefined) throw new SandboxError('E_UNSUPPORTED', `${path} has no ${KEY}`);
  if (Buffer.byteLength(template) > MAX_TEMPLATE_BYTES) {
    throw new SandboxError('E_LIMIT', `chat template of ${Buffer.byteLength(template)} bytes exceeds ${MAX_TEMPLATE_BYTES}`);
  }
  return template;
}
