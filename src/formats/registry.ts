/**
 * Every format scanner, in sniffing order: the most specific magic numbers
 * first. Adding a format is one import and one line here.
 */
import type { FormatScanner } from '../scan/format.js';
import { sevenZipFormat } from './archive/sevenzip.js';
import { tarFormat } from './archive/tar.js';
import { bzip2Format } from './compress/bzip2.js';
import { gzipFormat } from './compress/gzip.js';
import { lz4Format } from './compress/lz4.js';
import { lzmaFormat } from './compress/lzma-alone.js';
import { xzFormat } from './compress/xz.js';
import { zlibFormat } from './compress/zlib.js';
import { joblibFormat } from './joblib/scanner.js';
import { npyFormat } from './numpy/npy.js';
import { pickleFormat } from './pickle/scanner.js';
import { textFormat } from './text/scanner.js';
import { torchLegacyFormat } from './torch/legacy.js';
import { torchTarFormat } from './torch/tar-checkpoint.js';
import { zipFormat } from './zip/scanner.js';

export const FORMATS: FormatScanner[] = [
  zipFormat,
  torchTarFormat,
  tarFormat,
  sevenZipFormat,
  gzipFormat,
  zlibFormat,
  bzip2Format,
  xzFormat,
  lzmaFormat,
  lz4Format,
  npyFormat,
  torchLegacyFormat,
  joblibFormat,
  pickleFormat,
  textFormat,
];
