/**
 * A tensor's bytes in row-major order, produced in bounded chunks from its
 * storage: a straight range for contiguous tensors, a strided gather
 * otherwise (views, transposes, expanded dimensions with stride 0).
 *
 * The gather walks the tensor as runs of source bytes (the innermost
 * dimensions that are contiguous in the storage) and serves them from a
 * window of the storage: the whole touched span when it is at most
 * `GATHER_SPAN_BUDGET`, else a sliding window, so memory stays bounded
 * whatever the tensor size.
 */
import type { TensorLayout } from './layout.js';

/** Touched storage spans up to this size are read once (CWE-770 bound on gather memory). */
export const GATHER_SPAN_BUDGET = 256 * 1024 * 1024;
/** Sliding window size when the span is larger. */
const WINDOW_BYTES = 16 * 1024 * 1024;

export type ReadAt = (offset: number, length: number) => Uint8Array;

export interface Geometry {
  shape: readonly number[];
  strides: readonly number[];
  elSize: number;
}

/** Runs of the strided walk: `run` contiguous source bytes, repeated over the outer dims. */
interface Plan {
  runBytes: number;
  outerShape: number[];
  outerStrideBytes: number[];
}

function plan(g: Geometry): Plan {
  const dims: { size: number; stride: number }[] = [];
  g.shape.forEach((size, i) => {
    if (size !== 1) dims.push({ size, stride: g.strides[i] as number });
  });
  let runEls = 1;
  while (dims.length > 0) {
    const last = dims[dims.length - 1] as { size: number; stride: number };
    if (last.stride !== runEls) break;
    runEls *= last.size;
    dims.pop();
  }
  return {
    runBytes: runEls * g.elSize,
    outerShape: dims.map((d) => d.size),
    outerStrideBytes: dims.map((d) => d.stride * g.elSize),
  };
}

/**
 * Calls `sink` with consecutive chunks (each at most `chunkBytes`, a multiple
 * of the element size) covering the tensor's row-major bytes. `base` is the
 * absolute offset of element 0 (storage offset included). Chunks are only
 * valid during the call.
 */
export function gatherChunks(read: ReadAt, base: number, layout: TensorLayout, g: Geometry, chunkBytes: number, sink: (chunk: Uint8Array) => void): void {
  if (layout.nbytes === 0) return;
  const chunk = Math.max(g.elSize, chunkBytes - (chunkBytes % g.elSize));
  if (layout.contiguous) {
    for (let done = 0; done < layout.nbytes;) {
      const n = Math.min(chunk, layout.nbytes - done);
      sink(read(base + done, n));
      done += n;
    }
    return;
  }
  const p = plan(g);
  const spanStart = base;
  const spanEnd = base - layout.byteOffset + layout.byteEnd;
  const span = spanEnd - spanStart;
  const windowSize = span <= GATHER_SPAN_BUDGET ? span : WINDOW_BYTES;
  let wStart = 0;
  let window: Uint8Array = new Uint8Array(0);
  const out = new Uint8Array(Math.min(chunk, layout.nbytes));
  let fill = 0;
  const flush = (): void => {
    if (fill > 0) sink(out.subarray(0, fill));
    fill = 0;
  };
  const copyRun = (src: number, len: number): void => {
    let at = src;
    let left = len;
    while (left > 0) {
      if (at < wStart || at >= wStart + window.length) {
        const n = Math.min(windowSize, spanEnd - at);
        window = read(at, n);
        wStart = at;
      }
      const inWin = Math.min(left, wStart + window.length - at, out.length - fill);
      out.set(window.subarray(at - wStart, at - wStart + inWin), fill);
      fill += inWin;
      at += inWin;
      left -= inWin;
      if (fill === out.length) flush();
    }
  };
  const idx = new Array<number>(p.outerShape.length).fill(0);
  let offset = base;
  const total = layout.nbytes / p.runBytes;
  for (let r = 0; r < total; r++) {
    copyRun(offset, p.runBytes);
    // Odometer over the outer dimensions, innermost first.
    for (let d = idx.length - 1; d >= 0; d--) {
      const i = (idx[d] as number) + 1;
      const st = p.outerStrideBytes[d] as number;
      if (i < (p.outerShape[d] as number)) {
        idx[d] = i;
        offset += st;
        break;
      }
      idx[d] = 0;
      offset -= st * ((p.outerShape[d] as number) - 1);
    }
  }
  flush();
}
