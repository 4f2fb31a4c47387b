/**
 * Headerless tensor dumps (`ndarray.tofile`, raw embedding matrices, ONNX
 * external data or OpenVINO weights scanned without their model): the
 * last fallback, for bytes no format claims that read as one array of
 * numbers (`numbers.ts`). Such a file is `clean` because of what loaders
 * do with it, not because of its name: `np.fromfile`, ONNX external data
 * and OpenVINO read numbers; the loaders that run code read a pickle from
 * byte 0, and `inert.ts` walks the file as one first (when that walk does
 * not fail before anything acts, the pickle scanner judges the file too).
 * When a model of the same scan names the file, its folder pass credits it
 * to that model instead (ONNX external data, OpenVINO weights, checkpoint
 * shards). Bytes that do not read as numbers stay `unscannable`.
 */
import type { ByteSource } from '../../bytes/source.js';
import { HEADERLESS_DATA_RULE } from '../folder-pass.js';
import { defineRules, type RuleInfo } from '../../findings/rules.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { breaksAsPickle } from '../inert.js';
import { pickleLoadOutcome } from '../pickle/load-outcome.js';
import { classifyText } from '../text/charset.js';
import { typeOfSample, typeOfSource } from './numbers.js';

export const RAW_NUMBERS_FORMAT = 'raw-numbers';

const RULE: RuleInfo = {
  id: HEADERLESS_DATA_RULE,
  title: 'Headerless array of numbers',
  severity: 'info',
  help: 'No format claims these bytes, and sampled across the file they read as one little-endian array of one number type (what ndarray.tofile, ONNX external data and OpenVINO weights write). np.fromfile, onnx and OpenVINO read them as numbers; torch.load, pickle.load and joblib.load read a pickle from byte 0, and that pickle fails (or ends in plain data) before any import or call, so no loader runs code from the file. Bytes that do not read as numbers stay unscannable.',
  references: [
    'https://numpy.org/doc/stable/reference/generated/numpy.ndarray.tofile.html',
    'https://onnx.ai/onnx/repo-docs/ExternalData.html',
    'https://github.com/python/cpython/blob/3.11/Modules/_pickle.c',
  ],
};
defineRules([RULE]);

export const rawNumbersFormat: FormatScanner = {
  id: RAW_NUMBERS_FORMAT,
  title: 'headerless numbers',
  kind: 'data-container',
  fallback: true,
  // Text is the text scanner's, whatever its bytes read as (UTF-16 text reads as small int32 values).
  sniff: (p: Probe) => typeOfSample(p.head, p.size) !== undefined && classifyText(p.head, p.head.length >= p.size) === undefined,
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    if (!breaksAsPickle(src)) {
      // Loaders that unpickle from byte 0 would run opcodes here: analyse it as the pickle it also is.
      await ctx.as('pickle', src);
    }
    const t = typeOfSource(src);
    if (t === undefined) {
      // The head reads as numbers, the rest does not: as unknown as if nothing had claimed it (a model naming it may still credit it).
      ctx.report({
        rule: 'engine/unknown-format',
        severity: 'unscannable',
        message: `${src.size} bytes that start like an array of numbers but do not read as one number type across the file, and match no format modelguard knows`,
      });
      return;
    }
    const load = pickleLoadOutcome(src, 0, src.size);
    ctx.report({
      rule: RULE.id,
      severity: 'info',
      message:
        `${src.size / t.type.size} ${t.type.name} values with no header (${t.checked} sampled across the file, all but a few in the range tensors use); ` +
        `read as a pickle by torch.load or pickle.load it ends at offset ${load.at} (${load.why}) before anything acts`,
    });
  },
};
