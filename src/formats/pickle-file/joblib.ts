/**
 * joblib dumps (uncompressed): a pickle whose numpy arrays are written
 * between pickle opcodes. Compressed dumps arrive here through the
 * decompressors. Claimed when joblib's wrapper class is named in the head;
 * otherwise the plain pickle scanner still follows wrappers it meets.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { scanPickleFile } from './pickle.js';
import { looksLikePickle } from '../pickle/sniff.js';

export const joblibFormat: FormatScanner = {
  id: 'joblib',
  title: 'joblib dump',
  covers: ['pickle'],
  sniff(probe: Probe): boolean {
    if (!looksLikePickle(probe.head)) return false;
    const head = Buffer.from(probe.head.buffer, probe.head.byteOffset, probe.head.byteLength);
    return head.includes('joblib.numpy_pickle') && head.includes('NumpyArrayWrapper');
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    scanPickleFile(src, ctx, 'joblib');
    return Promise.resolve();
  },
};
