/**
 * Raw pickle files, whatever their extension (`.pkl`, `.bin`, `.txt`...),
 * as `pickle.load` reads them, plus every later pickle in the same file.
 * joblib's interleaved array data is followed when it appears.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import type { JoblibStats } from './joblib-arrays.js';
import { followJoblib } from './joblib-follow.js';
import { looksLikePickle } from '../pickle/sniff.js';

/** Scans `src` as a pickle stream with the policy of `format`; shared by pickle and joblib. */
export function scanPickleFile(src: ByteSource, ctx: ScanContext, format: string): void {
  const stats: JoblibStats = { arrays: 0, objectArrays: 0, dataBytes: 0 };
  const res = followJoblib(src, ctx, format, stats);
  const first = res.pickles[0];
  if (first !== undefined) ctx.info('pickle.protocol', first.proto);
  ctx.info('pickle.count', res.pickles.length);
  if (res.globals.length > 0) ctx.info('pickle.globals', res.globals.slice(0, 50));
  if (stats.arrays > 0) {
    ctx.info('joblib.arrays', stats.arrays);
    ctx.info('joblib.arrayBytes', stats.dataBytes);
  }
}

export const pickleFormat: FormatScanner = {
  id: 'pickle',
  title: 'Python pickle',
  sniff(probe: Probe): boolean {
    return looksLikePickle(probe.head);
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    scanPickleFile(src, ctx, 'pickle');
    return Promise.resolve();
  },
};
