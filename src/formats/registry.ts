/**
 * Every format scanner, in sniffing order: the most specific magic numbers
 * first. Adding a format is one import and one line here.
 */
import type { FormatScanner } from '../scan/format.js';
import { safetensorsScanner } from './safetensors/scanner.js';

export const FORMATS: FormatScanner[] = [
  safetensorsScanner,
];
