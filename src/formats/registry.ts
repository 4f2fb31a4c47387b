/**
 * Every format scanner, in sniffing order: the most specific magic numbers
 * first. Adding a format is one import and one line here.
 */
import type { FormatScanner } from '../scan/format.js';
import { ggufScanner } from './gguf/scanner.js';
import { onnxScanner } from './onnx/scanner.js';
import { safetensorsScanner } from './safetensors/scanner.js';

export const FORMATS: FormatScanner[] = [
  ggufScanner,
  safetensorsScanner,
  onnxScanner,
];
