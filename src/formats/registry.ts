/**
 * Every format scanner, in sniffing order: the most specific magic numbers
 * first. Adding a format is one import and one line here.
 */
import type { FormatScanner } from '../scan/format.js';
import { ageFormat } from './age/scanner.js';
import { ggufScanner } from './gguf/scanner.js';
import { joblibFormat } from './joblib/scanner.js';
import { onnxScanner } from './onnx/scanner.js';
import { pickleFormat } from './pickle/scanner.js';
import { safetensorsScanner } from './safetensors/scanner.js';
import { textFormat } from './text/scanner.js';
import { torchLegacyFormat } from './torch/legacy.js';
import { torchTarFormat } from './torch/tar-checkpoint.js';
import { zipFormat } from './zip/scanner.js';

export const FORMATS: FormatScanner[] = [
  ageFormat,
  zipFormat,
  torchTarFormat,
  torchLegacyFormat,
  ggufScanner,
  safetensorsScanner,
  joblibFormat,
  pickleFormat,
  // Protobuf has no magic number: ONNX is recognised by wire structure, so it
  // comes after every format with a signature.
  onnxScanner,
  textFormat,
];
