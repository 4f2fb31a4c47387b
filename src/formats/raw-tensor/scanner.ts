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
import type { Probe } from '../format.js';
import { expect, inertFormat, type Recogniser } from '../inert.js';
import { pickleLoadOutcome } from '../pickle/load-outcome.js';
import { classifyText } from '../text/charset.js';
import { typeOfSample, typeOfSource } from './numbers.js';

export const RAW_NUMBERS_FORMAT = 'raw-numbers';

const rawNumbers: Recogniser = {
  id: RAW_NUMBERS_FORMAT,
  // Text is the text scanner's, whatever its bytes read as (UTF-16 text reads as small int32 values).
  identify: (p: Probe) => typeOfSample(p.head, p.size) !== undefined && classifyText(p.head, p.head.length >= p.size) === undefined,
  check(src: ByteSource): string {
    const t = typeOfSource(src);
    expect(t !== undefined, 'the bytes do not read as one array of numbers across the file', 0);
    const load = pickleLoadOutcome(src, 0, src.size);
    return (
      `${src.size / t.type.size} ${t.type.name} values with no header (${t.checked} sampled across the file, all but a few in the range tensors use); ` +
      `read as a pickle by torch.load or pickle.load it ends at offset ${load.at} (${load.why}) before anything acts`
    );
  },
};

export const rawNumbersFormat = inertFormat({
  id: RAW_NUMBERS_FORMAT,
  title: 'headerless numbers',
  kind: 'data-container',
  rule: {
    id: HEADERLESS_DATA_RULE,
    title: 'Headerless array of numbers',
    severity: 'info',
    help: 'No format claims these bytes, and sampled across the file they read as one little-endian array of one number type (what ndarray.tofile, ONNX external data and OpenVINO weights write). np.fromfile, onnx and OpenVINO read them as numbers; torch.load, pickle.load and joblib.load read a pickle from byte 0, and that pickle fails (or ends in plain data) before any import or call, so no loader runs code from the file. Bytes that do not read as numbers stay unscannable.',
    references: [
      'https://numpy.org/doc/stable/reference/generated/numpy.ndarray.tofile.html',
      'https://onnx.ai/onnx/repo-docs/ExternalData.html',
      'https://github.com/python/cpython/blob/3.11/Modules/_pickle.c',
    ],
  },
  members: [rawNumbers],
});
