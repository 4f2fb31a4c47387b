/**
 * NumPy `.npy` files, claimed by their magic only (a pickle named `.npy`,
 * which numpy.load falls back to unpickling, is the pickle scanner's).
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { NPY_FORMAT_ID, scanAfterUnreadHeader, scanArray } from './array.js';
import { hasNpyMagic, npyPreamble, parseNpyHeader } from './header.js';

/** Magic, version and the longest length field. */
const PREAMBLE = 12;

export const npyFormat: FormatScanner = {
  id: NPY_FORMAT_ID,
  title: 'NumPy .npy array',
  sniff(probe: Probe): boolean {
    return hasNpyMagic(probe.head);
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const pre = npyPreamble(src.read(0, Math.min(PREAMBLE, src.size)));
    const need = pre.headerStart + pre.headerLength;
    if (need > src.size) {
      throw new ModelguardError('E_TRUNCATED', `.npy header of ${pre.headerLength} bytes runs past the end of the file (${src.size} bytes)`, {
        offset: pre.headerStart,
      });
    }
    let h;
    try {
      h = parseNpyHeader(src.read(0, need));
    } catch (e) {
      scanAfterUnreadHeader(e, need, ctx, () => src);
    }
    ctx.info('numpy.version', `${h.major}.${h.minor}`);
    scanArray(h, src.size, ctx, () => src);
    return Promise.resolve();
  },
};
