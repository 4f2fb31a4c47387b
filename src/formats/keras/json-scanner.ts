/**
 * A Keras model as a JSON file: `model.to_json()` output loaded with
 * `keras.models.model_from_json`, or the `config.json` of an unzipped
 * `.keras` archive. Same walk as any other Keras config: a Lambda's
 * bytecode in a Keras 2 JSON file runs in `model_from_json`.
 *
 * Claimed only when the text starts as a serialized Keras object: a JSON
 * object whose first key is `class_name` (Keras 2) or `module` then
 * `class_name` (Keras 3). Other JSON stays plain text.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { configLimit, MAX_CONFIG_BYTES, scanConfigBytes } from './config-scan.js';
import { decodeJsonBytes } from './json-text.js';

const START = /^\s*\{\s*(?:"module"\s*:\s*(?:"[^"\\]{0,200}"|null)\s*,\s*)?"class_name"\s*:\s*"/;

/**
 * Whether the first character that is not whitespace or a byte order mark is
 * `{`, in any of the encodings json.loads detects (UTF-16/32 only add zero
 * bytes around it). Cheap enough to run on every file; the full decode below
 * runs only for the few that pass.
 */
function opensAnObject(head: Uint8Array): boolean {
  for (const b of head) {
    if (b === 0x00 || b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf || b === 0xfe || b === 0xff) continue;
    return b === 0x7b;
  }
  return false;
}

export function looksLikeKerasJson(head: Uint8Array): boolean {
  if (head.length < 16 || !opensAnObject(head)) return false;
  // The head may end inside a character: try prefixes up to 3 bytes shorter.
  const n = Math.min(head.length, 512) & ~3;
  for (let cut = 0; cut < 4; cut++) {
    try {
      return START.test(decodeJsonBytes(head.subarray(0, n - cut), 'head'));
    } catch {
      // try a shorter prefix
    }
  }
  return false;
}

export const kerasJsonFormat: FormatScanner = {
  id: 'keras-json',
  title: 'Keras model JSON',
  covers: ['text'],
  sniff(probe: Probe): boolean {
    return probe.size <= MAX_CONFIG_BYTES && looksLikeKerasJson(probe.head);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const limit = configLimit(ctx);
    if (src.size > limit) throw new ModelguardError('E_LIMIT', `Keras JSON of ${src.size} bytes (limit ${limit})`);
    await scanConfigBytes(src.read(0, src.size), ctx, { label: 'model JSON', expectObject: true });
  },
};
