/**
 * LightGBM text models (`Booster.save_model`, `model.txt`): a `tree`
 * header of `key=value` lines (version, num_class, feature names and
 * `tree_sizes`), `Tree=<i>` blocks of split and leaf arrays, `end of
 * trees`, feature importances, the parameters and `pandas_categorical`
 * (JSON). LightGBM's C++ parser reads numbers from it; nothing runs.
 * Checked: the header, one `Tree=` block per `tree_sizes` entry in order,
 * the end marker, and every line printable text.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** Model text read whole (CWE-400). */
const MAX_TEXT = 1024 * 1024 * 1024;

/** Control characters other than tab, LF, CR and FF. */
function hasControlBytes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) return true;
  }
  return false;
}

export const lightgbm: Recogniser = {
  id: 'lightgbm',
  first: 't',
  identify: (p: Probe) =>
    (ascii(p.head, 0, 'tree\nversion=v') || ascii(p.head, 0, 'tree\r\nversion=v')) &&
    /\bnum_class=\d+/.test(new TextDecoder('latin1').decode(p.head.subarray(0, 512))),
  check(src: ByteSource): string {
    if (src.size > MAX_TEXT) throw new ModelguardError('E_LIMIT', `LightGBM model of ${src.size} bytes (limit ${MAX_TEXT})`);
    const text = new TextDecoder('latin1').decode(src.read(0, src.size));
    expect(!hasControlBytes(text), 'control bytes in a text model');
    const lines = text.split(/\r?\n/);
    const sizes = lines.find((l) => l.startsWith('tree_sizes='));
    const declared = sizes === undefined ? undefined : sizes.slice('tree_sizes='.length).trim().split(/\s+/).filter(Boolean).length;
    let trees = 0;
    let ended = false;
    for (const l of lines) {
      if (l.startsWith('Tree=')) {
        expect(!ended && l === `Tree=${trees}`, `'${l}' out of sequence (expected Tree=${trees})`);
        trees++;
      } else if (l === 'end of trees') ended = true;
    }
    expect(ended, "no 'end of trees' line");
    // The parameters section closes the model; only the pandas_categorical JSON line may follow it.
    const params = text.lastIndexOf('\nend of parameters\n');
    expect(params >= 0, "no 'end of parameters' line: the model is cut short");
    for (const l of text.slice(params + '\nend of parameters\n'.length).split(/\r?\n/)) {
      if (l.trim() === '') continue;
      expect(l.startsWith('pandas_categorical:'), `'${l.slice(0, 40)}' after the parameters`);
      try {
        JSON.parse(l.slice('pandas_categorical:'.length));
      } catch {
        throw new ModelguardError('E_MALFORMED', 'pandas_categorical is not JSON (json.loads fails)');
      }
    }
    expect(declared === undefined || declared === trees, `tree_sizes lists ${declared} trees, the model has ${trees}`);
    const version = /^version=(v\d+)/m.exec(text)?.[1] ?? '?';
    return `LightGBM text model ${version}: ${trees} trees in sequence to 'end of trees'`;
  },
};
