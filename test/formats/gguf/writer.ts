/** A tiny GGUF writer for building hostile inputs inside the tests. */
export const T = { U8: 0, I8: 1, U16: 2, I16: 3, U32: 4, I32: 5, F32: 6, BOOL: 7, STR: 8, ARR: 9, U64: 10, I64: 11, F64: 12 } as const;

export class Bytes {
  private parts: number[] = [];
  readonly le: boolean;
  constructor(le = true) {
    this.le = le;
  }
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, this.le);
    this.parts.push(...b);
    return this;
  }
  u64(v: number | bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), this.le);
    this.parts.push(...b);
    return this;
  }
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i] as number);
    return this;
  }
  str(s: string, v = 3): this {
    const b = new TextEncoder().encode(s);
    if (v === 1) this.u32(b.length);
    else this.u64(b.length);
    return this.raw(b);
  }
  pad(align: number): this {
    while (this.parts.length % align !== 0) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** GGUF header: magic, version, tensor count, kv count. */
export function header(tensors: number | bigint, kvs: number | bigint, version = 3, le = true): Bytes {
  const b = new Bytes(le).raw([0x47, 0x47, 0x55, 0x46]).u32(version);
  return version === 1 ? b.u32(Number(tensors)).u32(Number(kvs)) : b.u64(tensors).u64(kvs);
}

/** A complete small file: one string KV per entry of `kv`, and one F32 tensor of `n` elements. */
export function simpleGguf(kv: Record<string, string>, n = 8): Uint8Array {
  const b = header(1, Object.keys(kv).length);
  for (const [k, v] of Object.entries(kv)) b.str(k).u32(T.STR).str(v);
  b.str('w').u32(1).u64(n).u32(0).u64(0);
  b.pad(32);
  b.raw(new Uint8Array(n * 4));
  b.pad(32);
  return b.bytes();
}
