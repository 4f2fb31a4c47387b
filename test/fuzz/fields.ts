/**
 * Structure-aware mutation: a layout names where a file's length, count and
 * offset fields sit and where its records start and end; the mutants set
 * each field to 0, all ones, its value ±1, the file size and huge values,
 * point offsets at other records, truncate at every record boundary and
 * duplicate records. Locators per format are in layouts*.ts.
 */

export type Encoding = 'le' | 'be' | 'octal' | 'varint';

export interface Field {
  at: number;
  /** Bytes the field takes (for varints: the bytes of the original encoding). */
  width: number;
  enc: Encoding;
  /** What the field is, for failure messages ("cd[2].csize"). */
  what: string;
  /** Offsets get the other records' starts as extra values (overlapping records). */
  offset?: boolean;
}

export interface Layout {
  fields: Field[];
  /** Offsets where a record starts or ends: truncation points. */
  bounds: number[];
  /** [start, end) spans of whole records, duplicated in place. */
  records: [number, number][];
  /** Recomputes checksums the format guards its headers with, so a mutant reaches the parser behind them. */
  fix?: (data: Uint8Array) => Uint8Array;
}

export interface Mutant {
  what: string;
  data: Uint8Array;
  /** Where the seed's bytes from `at` on now sit: moved by `by` (duplicated records, re-encoded varints). */
  moved?: { at: number; by: number };
}

export function readField(d: Uint8Array, f: Field): bigint {
  if (f.enc === 'octal') {
    const s = Buffer.from(d.subarray(f.at, f.at + f.width))
      .toString('latin1')
      .replace(/[\0 ]+$/, '');
    return /^[0-7]+$/.test(s) ? BigInt(`0o${s}`) : 0n;
  }
  if (f.enc === 'varint') {
    let v = 0n;
    for (let i = 0; i < f.width; i++) v |= BigInt((d[f.at + i] ?? 0) & 0x7f) << BigInt(7 * i);
    return v;
  }
  let v = 0n;
  for (let i = 0; i < f.width; i++) {
    const b = BigInt(d[f.at + i] ?? 0);
    v = f.enc === 'le' ? v | (b << BigInt(8 * i)) : (v << 8n) | b;
  }
  return v;
}

export function encodeVarint(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x === 0n ? b : b | 0x80);
  } while (x !== 0n);
  return Uint8Array.from(out);
}

/** The file with `f` set to `value` (truncated to the field's width; varints re-encoded, so the file may change length). */
export function writeField(d: Uint8Array, f: Field, value: bigint): Uint8Array {
  if (f.enc === 'varint') {
    const enc = encodeVarint(value);
    const out = new Uint8Array(d.length - f.width + enc.length);
    out.set(d.subarray(0, f.at));
    out.set(enc, f.at);
    out.set(d.subarray(f.at + f.width), f.at + enc.length);
    return out;
  }
  const out = d.slice();
  const mask = (1n << BigInt(8 * f.width)) - 1n;
  if (f.enc === 'octal') {
    const digits = f.width - 1;
    const max = (1n << BigInt(3 * digits)) - 1n;
    if (value > max) {
      // GNU base-256: the top bit of the first byte set, big-endian after it.
      out[f.at] = 0x80;
      for (let i = f.width - 1, x = value; i >= 1; i--, x >>= 8n) out[f.at + i] = Number(x & 0xffn);
    } else {
      const s = value.toString(8).padStart(digits, '0');
      for (let i = 0; i < digits; i++) out[f.at + i] = s.charCodeAt(i);
      out[f.at + digits] = 0;
    }
    return out;
  }
  let x = value & mask;
  for (let i = 0; i < f.width; i++) {
    const idx = f.enc === 'le' ? f.at + i : f.at + f.width - 1 - i;
    out[idx] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** The values each field is set to: 0, all ones, ±1, the file size, huge, and other records' starts for offsets. */
export function valuesFor(d: Uint8Array, f: Field, layout: Layout): bigint[] {
  const cur = readField(d, f);
  const width = f.enc === 'varint' ? 10 : f.width;
  const ones = f.enc === 'octal' ? (1n << BigInt(3 * (f.width - 1))) - 1n : (1n << BigInt(8 * Math.min(width, 8))) - 1n;
  const vals = new Set<bigint>([0n, ones, cur + 1n, cur > 0n ? cur - 1n : 0n, BigInt(d.length), BigInt(d.length) + 1n, 1n << 31n, (1n << 32n) - 1n]);
  if (width >= 8 || f.enc === 'octal') {
    vals.add(1n << 53n);
    vals.add(1n << 62n);
  }
  if (f.offset === true) for (const b of layout.bounds) vals.add(BigInt(b));
  vals.delete(cur);
  return [...vals];
}

/** Every field value, truncation and duplication a layout allows, checksums fixed after each change. */
export function* mutants(seed: Uint8Array, layout: Layout): Generator<Mutant> {
  const fix = layout.fix ?? ((x: Uint8Array) => x);
  for (const f of layout.fields) {
    for (const v of valuesFor(seed, f, layout)) {
      const data = fix(writeField(seed, f, v));
      yield { what: `${f.what}=${v}`, data, moved: { at: f.at + f.width, by: data.length - seed.length } };
    }
  }
  for (const b of new Set(layout.bounds)) {
    for (const at of [b - 1, b, b + 1]) if (at > 0 && at < seed.length) yield { what: `cut@${at}`, data: seed.slice(0, at) };
  }
  for (const [s, e] of layout.records) {
    const dup = new Uint8Array(seed.length + (e - s));
    dup.set(seed.subarray(0, e));
    dup.set(seed.subarray(s, e), e);
    dup.set(seed.subarray(e), e + (e - s));
    yield { what: `dup[${s},${e})`, data: fix(dup), moved: { at: e, by: e - s } };
  }
}
