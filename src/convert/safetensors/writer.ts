/**
 * The safetensors writer's header: the layout the reference implementation
 * (huggingface/safetensors `prepare`/`serialize`) produces, byte for byte.
 *
 * - tensors ordered by dtype rank descending (the reference's enum order,
 *   which puts larger elements first so every tensor stays aligned to its
 *   element size), then by name (byte order);
 * - header JSON compact, `__metadata__` first (keys sorted), then tensors as
 *   `{"dtype", "shape", "data_offsets"}` in file order;
 * - header padded with spaces to a multiple of 8 bytes, its length as a
 *   little-endian u64 in front;
 * - data offsets relative to the byte buffer, contiguous, no holes.
 */
import { ConvertError } from '../errors.js';
import { SAFETENSORS_DTYPE_RANK, SAFETENSORS_DTYPE_SIZE, type SafetensorsDtype } from '../dtypes.js';
import { MAX_HEADER_BYTES } from '../../formats/safetensors/reader.js';

/** Largest header the reference reads (MAX_HEADER_SIZE in tensor.rs; CWE-770): the reader's cap, one constant. */
export { MAX_HEADER_BYTES };

export interface HeaderTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
}

export interface PlannedTensor extends HeaderTensor {
  /** Bytes, = product(shape) x element size. */
  byteLength: number;
  /** Offsets relative to the start of the byte buffer. */
  begin: number;
  end: number;
}

export interface SafetensorsPlan {
  /** The 8-byte length followed by the padded JSON header. */
  header: Uint8Array;
  /** Absolute offset of the byte buffer (header.length). */
  dataStart: number;
  /** In file order. */
  tensors: PlannedTensor[];
  /** Total file size. */
  size: number;
}

/** No lone surrogates: serde_json (and UTF-8) cannot carry them. */
export function wellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function nameError(message: string): ConvertError {
  return new ConvertError('E_CONVERT_NAME', message);
}

/** Byte-order comparison of UTF-8 strings (Rust's `String` ordering): code point order. */
export function compareNames(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true || y.done === true) return x.done === true ? (y.done === true ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

export function byteLengthOf(dtype: SafetensorsDtype, shape: readonly number[]): number {
  let n = BigInt(SAFETENSORS_DTYPE_SIZE[dtype]);
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ConvertError('E_USAGE', `invalid dimension ${d}`);
    n *= BigInt(d);
  }
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ConvertError('E_CONVERT_STORAGE_BOUNDS', `shape [${shape.join(', ')}] overflows`);
  return Number(n);
}

export function planSafetensors(tensors: readonly HeaderTensor[], metadata: Readonly<Record<string, string>> | undefined): SafetensorsPlan {
  const seen = new Set<string>();
  for (const t of tensors) {
    if (t.name === '__metadata__') throw nameError("a tensor cannot be named '__metadata__'");
    if (!wellFormed(t.name)) throw nameError(`tensor name ${JSON.stringify(t.name)} is not valid Unicode`);
    if (seen.has(t.name)) throw nameError(`two tensors are named '${t.name}'`);
    seen.add(t.name);
  }
  const ordered = [...tensors].sort((a, b) => SAFETENSORS_DTYPE_RANK[b.dtype] - SAFETENSORS_DTYPE_RANK[a.dtype] || compareNames(a.name, b.name));
  let offset = 0;
  const planned: PlannedTensor[] = ordered.map((t) => {
    const byteLength = byteLengthOf(t.dtype, t.shape);
    const p = { name: t.name, dtype: t.dtype, shape: [...t.shape], byteLength, begin: offset, end: offset + byteLength };
    offset += byteLength;
    return p;
  });
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareNames);
    for (const k of keys) {
      const v = metadata[k];
      if (typeof v !== 'string') throw new ConvertError('E_USAGE', `metadata value for '${k}' is not a string`);
      if (!wellFormed(k) || !wellFormed(v)) throw nameError(`metadata entry '${k}' is not valid Unicode`);
    }
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  for (const t of planned) {
    parts.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${t.begin},${t.end}]}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded > MAX_HEADER_BYTES) throw new ConvertError('E_LIMIT', `safetensors header of ${padded} bytes (limit ${MAX_HEADER_BYTES})`);
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  return { header, dataStart: header.length, tensors: planned, size: header.length + offset };
}

/** Serializes tensors held in memory (tests, small files). */
export function serializeSafetensors(tensors: readonly (HeaderTensor & { data: Uint8Array })[], metadata?: Readonly<Record<string, string>>): Uint8Array {
  const plan = planSafetensors(tensors, metadata);
  const out = new Uint8Array(plan.size);
  out.set(plan.header, 0);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const p of plan.tensors) {
    const t = byName.get(p.name) as HeaderTensor & { data: Uint8Array };
    if (t.data.length !== p.byteLength) throw new ConvertError('E_USAGE', `tensor '${p.name}' has ${t.data.length} bytes, its shape needs ${p.byteLength}`);
    out.set(t.data, plan.dataStart + p.begin);
  }
  return out;
}
