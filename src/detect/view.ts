/**
 * A view is a rewritten form of the input that rules and the model read
 * (folded, de-leeted, de-spaced, decoded), with, for every UTF-16 unit of
 * the view, the span of the input it came from, so every match is reported
 * at its place in the text the caller gave.
 */
export interface View {
  /** `text`, `leet`, `despaced`, or the decoder (`base64`, `hex`, `url`, `rot13`, `tags`). */
  readonly name: string;
  readonly text: string;
  /** Input offset where the unit at each view offset starts. */
  readonly from: Int32Array;
  /** Input offset where the unit at each view offset ends. */
  readonly to: Int32Array;
}

/** Appends units with their input spans; grows its arrays as needed. */
export class ViewBuilder {
  private parts: string[] = [];
  private from = new Int32Array(64);
  private to = new Int32Array(64);
  private n = 0;

  get length(): number {
    return this.n;
  }

  /** The last unit appended, or '' when empty. */
  last(): string {
    const p = this.parts[this.parts.length - 1];
    return p === undefined || p === '' ? '' : p.charAt(p.length - 1);
  }

  push(s: string, start: number, end: number): void {
    if (s === '') return;
    const need = this.n + s.length;
    this.reserve(need);
    for (let i = 0; i < s.length; i++) {
      this.from[this.n + i] = start;
      this.to[this.n + i] = end;
    }
    this.n = need;
    this.parts.push(s);
  }

  /** Appends a run whose unit i comes from input unit start + i (same length as the input slice). */
  pushRun(s: string, start: number): void {
    if (s === '') return;
    const need = this.n + s.length;
    this.reserve(need);
    for (let i = 0; i < s.length; i++) {
      this.from[this.n + i] = start + i;
      this.to[this.n + i] = start + i + 1;
    }
    this.n = need;
    this.parts.push(s);
  }

  private reserve(need: number): void {
    if (need <= this.from.length) return;
    let cap = this.from.length * 2;
    while (cap < need) cap *= 2;
    const f = new Int32Array(cap);
    f.set(this.from);
    const t = new Int32Array(cap);
    t.set(this.to);
    this.from = f;
    this.to = t;
  }

  build(name: string): View {
    return { name, text: this.parts.join(''), from: this.from.subarray(0, this.n), to: this.to.subarray(0, this.n) };
  }
}

/** The input span of view offsets [a, b). */
export function inputSpan(v: View, a: number, b: number): [number, number] {
  if (v.from.length === 0) return [0, 0];
  const s = v.from[Math.min(a, v.from.length - 1)] ?? 0;
  const e = v.to[Math.max(0, Math.min(b, v.to.length) - 1)] ?? s;
  return [s, Math.max(s, e)];
}

/** A derived view whose units all map to one fixed input span (decoded payloads). */
export function spanView(name: string, text: string, start: number, end: number): View {
  const from = new Int32Array(text.length).fill(start);
  const to = new Int32Array(text.length).fill(end);
  return { name, text, from, to };
}
