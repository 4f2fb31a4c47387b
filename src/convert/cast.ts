/**
 * `--dtype` casting between float types with PyTorch's rounding, so a cast
 * tensor is byte-identical to `tensor.to(dtype)`:
 * - to float16: c10's `fp16_ieee_from_fp32_value` (round to nearest even,
 *   overflow to inf, NaN to 0x7E00 with the sign);
 * - to bfloat16: c10's `round_to_nearest_even` (NaN to 0x7FC0);
 * - from float64 to a 16-bit type: through float32 first, as c10's
 *   Half/BFloat16 constructors take a float;
 * - widening is exact.
 * Chunks are whole elements, little-endian.
 */
import { ConvertError } from './errors.js';
import { CASTABLE, SAFETENSORS_DTYPE_SIZE, type SafetensorsDtype } from './dtypes.js';

export type FloatDtype = 'F64' | 'F32' | 'F16' | 'BF16';

export function isFloatDtype(d: SafetensorsDtype): d is FloatDtype {
  return CASTABLE.has(d);
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

function f32bits(x: number): number {
  f32buf[0] = x;
  return u32buf[0] as number;
}

function bitsF32(b: number): number {
  u32buf[0] = b >>> 0;
  return f32buf[0] as number;
}

/** c10::detail::fp16_ieee_from_fp32_value */
export function f32ToF16Bits(f: number): number {
  const scaleToInf = bitsF32(0x77800000); // 0x1.0p+112f
  const scaleToZero = bitsF32(0x08800000); // 0x1.0p-110f
  let base = Math.fround(Math.fround(Math.abs(f) * scaleToInf) * scaleToZero);
  const w = f32bits(f);
  const shl1w = (w * 2) >>> 0;
  const sign = w & 0x80000000;
  let bias = shl1w & 0xff000000;
  if (bias >>> 0 < 0x71000000) bias = 0x71000000;
  base = Math.fround(bitsF32(((bias >>> 1) + 0x07800000) >>> 0) + base);
  const bits = f32bits(base);
  const expBits = (bits >>> 13) & 0x00007c00;
  const mantissaBits = bits & 0x00000fff;
  const nonsign = expBits + mantissaBits;
  return ((sign >>> 16) | (shl1w > 0xff000000 ? 0x7e00 : nonsign)) & 0xffff;
}

/** c10::detail::fp16_ieee_to_fp32_value (exact). */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24;
  if (exp === 0x1f) return man === 0 ? sign * Infinity : NaN;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** c10::detail::round_to_nearest_even */
export function f32ToBf16Bits(f: number): number {
  if (Number.isNaN(f)) return 0x7fc0;
  const u = f32bits(f);
  const roundingBias = ((u >>> 16) & 1) + 0x7fff;
  return ((u + roundingBias) >>> 16) & 0xffff;
}

function aligned(chunk: Uint8Array, size: number): Uint8Array {
  return chunk.byteOffset % size === 0 ? chunk : chunk.slice();
}

/** Decodes a chunk of `from` elements to numbers (float32 values for the 16-bit types). */
function decode(from: FloatDtype, chunk: Uint8Array): Float64Array | Float32Array {
  const c = aligned(chunk, SAFETENSORS_DTYPE_SIZE[from]);
  switch (from) {
    case 'F64':
      return new Float64Array(c.buffer, c.byteOffset, c.length / 8);
    case 'F32':
      return new Float32Array(c.buffer, c.byteOffset, c.length / 4);
    case 'F16': {
      const h = new Uint16Array(c.buffer, c.byteOffset, c.length / 2);
      const out = new Float32Array(h.length);
      for (let i = 0; i < h.length; i++) out[i] = f16BitsToF32(h[i] as number);
      return out;
    }
    case 'BF16': {
      const h = new Uint16Array(c.buffer, c.byteOffset, c.length / 2);
      const out = new Float32Array(h.length);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < h.length; i++) u[i] = (h[i] as number) << 16;
      return out;
    }
  }
}

/** Casts a chunk of whole `from` elements to `to`; returns new bytes. */
export function castChunk(from: FloatDtype, to: FloatDtype, chunk: Uint8Array): Uint8Array {
  if (from === to) return chunk;
  if (chunk.length % SAFETENSORS_DTYPE_SIZE[from] !== 0) throw new ConvertError('E_USAGE', 'cast chunk is not whole elements');
  const v = decode(from, chunk);
  // float64 to a 16-bit type goes through float32, as in c10.
  const f32 = from === 'F64' && to !== 'F64' ? Float32Array.from(v) : v;
  switch (to) {
    case 'F64':
      return new Uint8Array(Float64Array.from(f32).buffer);
    case 'F32':
      return new Uint8Array((f32 instanceof Float32Array ? f32 : Float32Array.from(f32)).buffer.slice(0));
    case 'F16': {
      const out = new Uint16Array(f32.length);
      for (let i = 0; i < f32.length; i++) out[i] = f32ToF16Bits(f32[i] as number);
      return new Uint8Array(out.buffer);
    }
    case 'BF16': {
      const out = new Uint16Array(f32.length);
      for (let i = 0; i < f32.length; i++) out[i] = f32ToBf16Bits(f32[i] as number);
      return new Uint8Array(out.buffer);
    }
  }
}
