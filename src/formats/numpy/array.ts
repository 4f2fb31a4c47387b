/**
 * What an `.npy` array means for its loader, given its parsed header:
 * an object dtype makes `numpy.load(allow_pickle=True)` call `pickle.load`
 * on the rest of the file, which is analysed with the numpy profile; any
 * other dtype is plain bytes, whose size is checked against the header
 * without reading them.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import { startsLikePickle } from '../pickle/sniff.js';
import { analyzePickleStream } from '../pickle/stream.js';
import { elementCount, type NpyHeader } from './header.js';
import { NUMPY_RULES } from './rules.js';

/** Format id whose pickle policy object arrays get (profile `numpy`). */
export const NPY_FORMAT_ID = 'numpy-npy';

/**
 * Reports on one array: `total` is the size of the file or member holding
 * it; `open` yields its bytes (called only for object arrays).
 */
export function scanArray(h: NpyHeader, total: number, ctx: ScanContext, open: () => ByteSource | undefined): void {
  if (h.repeatedKeys.length > 0) {
    ctx.report({
      rule: NUMPY_RULES.ambiguousHeader.id,
      severity: 'suspicious',
      message: `header repeats ${h.repeatedKeys.map((k) => `'${k}'`).join(', ')}; numpy keeps the last value, which is what was analysed`,
    });
  }
  ctx.info('numpy.dtype', h.dtype.text);
  ctx.info('numpy.shape', `(${h.shape.join(', ')})`);
  if (h.dtype.hasObject) {
    ctx.report({
      rule: NUMPY_RULES.objectArray.id,
      severity: 'info',
      message: `dtype ${h.dtype.text} holds Python objects: numpy.load(allow_pickle=True) unpickles the ${total - h.dataStart} bytes after the header`,
      location: { offset: h.dataStart },
    });
    if (total <= h.dataStart && elementCount(h.shape) !== 0n) {
      ctx.report({
        rule: NUMPY_RULES.dataSize.id,
        severity: 'suspicious',
        message: `object array of shape (${h.shape.join(', ')}) with no pickle after the header: numpy.load fails`,
        location: { offset: h.dataStart },
      });
      return;
    }
    const src = open();
    if (src === undefined) return;
    const res = analyzePickleStream(src, h.dataStart, src.size, ctx, { policy: ctx.policyFor(NPY_FORMAT_ID) });
    if (res.globals.length > 0) ctx.info('pickle.globals', res.globals.slice(0, 50));
    return;
  }
  if (h.dtype.itemsize === undefined) {
    ctx.report({
      rule: NUMPY_RULES.unknownDtype.id,
      severity: 'unscannable',
      message: `dtype ${JSON.stringify(h.dtype.text)} is not a type string modelguard can size; the data size was not checked`,
    });
    return;
  }
  const count = elementCount(h.shape);
  const have = BigInt(Math.max(0, total - h.dataStart));
  if (count === undefined) {
    ctx.report({ rule: NUMPY_RULES.dataSize.id, severity: 'suspicious', message: `shape (${h.shape.join(', ')}) has a negative dimension: numpy.load fails` });
    return;
  }
  const need = count * h.dtype.itemsize;
  if (need > have) {
    ctx.report({
      rule: NUMPY_RULES.dataSize.id,
      severity: 'suspicious',
      message: `shape (${h.shape.join(', ')}) x ${h.dtype.itemsize} bytes needs ${need} bytes of data, only ${have} follow the header: numpy.load fails`,
      location: { offset: h.dataStart },
    });
  } else if (need < have) {
    ctx.report({
      rule: NUMPY_RULES.dataSize.id,
      severity: 'suspicious',
      message: `${have - need} bytes follow the array data that numpy.load never reads`,
      location: { offset: h.dataStart + Number(need) },
    });
  }
}

/**
 * The header did not parse (`failure`), so the dtype is unknown: if the
 * bytes after it start like a pickle, a lenient reader may still take the
 * dtype for `object` and unpickle them, so they are analysed. The failure is
 * rethrown for the engine to report.
 */
export function scanAfterUnreadHeader(failure: unknown, dataStart: number, ctx: ScanContext, open: () => ByteSource | undefined): never {
  const src = open();
  if (src !== undefined && dataStart < src.size && startsLikePickle(src.read(dataStart, Math.min(64, src.size - dataStart)))) {
    ctx.report({
      rule: NUMPY_RULES.unreadHeader.id,
      severity: 'info',
      message: `the ${src.size - dataStart} bytes after the unreadable header are a pickle; analysed as numpy.load(allow_pickle=True) would unpickle them`,
      location: { offset: dataStart },
    });
    analyzePickleStream(src, dataStart, src.size, ctx, { policy: ctx.policyFor(NPY_FORMAT_ID) });
  }
  throw failure;
}
