/**
 * The reads FAISS's `index_read.cpp` is made of, over the one windowed
 * cursor: `READ1` of fixed-size fields, `READVECTOR` (a `size_t` count,
 * then that many elements), four-character codes, and the checks every
 * read makes before it allocates (a count must fit the bytes left).
 * Vectors are skipped, never read into memory: their contents are numbers.
 */
import { WindowCursor } from '../../bytes/window.js';
import { ModelguardError } from '../../errors.js';

/** Nesting of sub-indexes and transforms (IDMap of IVF of HNSW...) followed (CWE-674: uncontrolled recursion); FAISS writes at most a handful. */
export const MAX_FAISS_DEPTH = 16;
/** Vector transforms in one IndexPreTransform chain (CWE-770: allocation without limits). */
export const MAX_TRANSFORMS = 64;
/** Dimensions of an index (FAISS stores `d` as int; far above any real embedding width). */
export const MAX_DIMS = 1 << 24;
/** Inverted lists of one IVF index walked one by one (CWE-400: CPU exhaustion); real indexes use up to a few million. */
export const MAX_LISTS = 1 << 24;

export class FaissCursor {
  readonly c: WindowCursor;
  /** Sub-indexes and transforms walked, for the summary. */
  readonly kinds: string[] = [];

  constructor(c: WindowCursor) {
    this.c = c;
  }

  malformed(message: string, at = this.c.pos): never {
    throw new ModelguardError('E_MALFORMED', `FAISS: ${message}`, { offset: at });
  }

  fourcc(): string {
    const b = this.c.bytes(4, 'fourcc');
    return String.fromCharCode(b[0] ?? 0, b[1] ?? 0, b[2] ?? 0, b[3] ?? 0);
  }

  bool(what: string): boolean {
    const at = this.c.pos;
    const b = this.c.u8(what);
    if (b > 1) this.malformed(`${what} is ${b}, not a bool`, at);
    return b === 1;
  }

  i32(what: string): number {
    return this.c.i32(what);
  }

  /** A non-negative `int` field. */
  count32(what: string, max = Number.MAX_SAFE_INTEGER): number {
    const at = this.c.pos;
    const v = this.c.i32(what);
    if (v < 0 || v > max) this.malformed(`${what} ${v} out of range`, at);
    return v;
  }

  /** A `size_t` (or non-negative `idx_t`) field. */
  size(what: string): number {
    return this.c.u64safe(what);
  }

  /** A float (metric_arg, k_factor...): skipped, any value. */
  f32(what: string): void {
    this.c.skip(4, what);
  }

  /** `READVECTOR`: a count, then `count * elem` bytes, skipped; returns the count. */
  vector(elem: number, what: string): number {
    const at = this.c.pos;
    const n = this.c.u64safe(`${what} count`);
    if (n > Math.floor(this.c.remaining / elem)) this.malformed(`${what}: ${n} elements of ${elem} bytes do not fit the ${this.c.remaining} bytes left`, at);
    this.c.skip(n * elem, what);
    return n;
  }

  /** A vector read into memory (the sizes of inverted lists), bounded by the bytes left. */
  sizes(what: string): number[] {
    const at = this.c.pos;
    const n = this.c.u64safe(`${what} count`);
    if (n > Math.floor(this.c.remaining / 8) || n > MAX_LISTS) this.malformed(`${what}: ${n} sizes do not fit the bytes left`, at);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.c.u64safe(what));
    return out;
  }

  /** Skips `n` bytes of raw codes or ids, after checking they exist. */
  raw(n: number, what: string): void {
    this.c.skip(n, what);
  }
}
