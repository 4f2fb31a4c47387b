/**
 * The compressed wrappers as format scanners: each codec of `src/codecs/`
 * recognises its own magic; the driver decodes within the file's inflation
 * budget and scans what comes out.
 */
import { BZIP2_CODEC } from '../../codecs/bzip2.js';
import { GZIP_CODEC } from '../../codecs/gzip.js';
import { LZ4_CODEC } from '../../codecs/lz4.js';
import { LZMA_CODEC } from '../../codecs/lzma-alone.js';
import { XZ_CODEC } from '../../codecs/xz.js';
import { ZLIB_CODEC } from '../../codecs/zlib.js';
import { ZSTD_CODEC } from '../../codecs/zstd/frame.js';
import { compressedFormat } from './driver.js';

export const gzipFormat = compressedFormat(GZIP_CODEC);
export const zlibFormat = compressedFormat(ZLIB_CODEC);
export const bzip2Format = compressedFormat(BZIP2_CODEC);
export const xzFormat = compressedFormat(XZ_CODEC);
export const lzmaFormat = compressedFormat(LZMA_CODEC);
export const lz4Format = compressedFormat(LZ4_CODEC);
export const zstdFormat = compressedFormat(ZSTD_CODEC);
