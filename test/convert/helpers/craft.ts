/**
 * Builds hostile checkpoints byte by byte for the malformed-input tests: a
 * tiny pickle emitter (the opcodes torch.save writes) and a stored/deflated
 * zip writer. Nothing here imports the code under test.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export class P {
  private parts: number[] = [];
  private bytes(...b: number[]): this {
    this.parts.push(...b);
    return this;
  }
  private raw(u: Uint8Array): this {
    for (const x of u) this.parts.push(x);
    return this;
  }
  proto(n = 2): this {
    return this.bytes(0x80, n);
  }
  global(mod: string, name: string): this {
    return this.bytes(0x63).raw(new TextEncoder().encode(`${mod}\n${name}\n`));
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    const n = b.length;
    return this.bytes(0x58, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24).raw(b);
  }
  int(v: number | bigint): this {
    const big = BigInt(v);
    if (big >= 0n && big < 2n ** 31n) {
      const n = Number(big);
      return this.bytes(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
    }
    // LONG1: little-endian two's complement.
    const out: number[] = [];
    let x = big;
    do {
      out.push(Number(x & 0xffn));
      x >>= 8n;
    } while (!((x === 0n && (out[out.length - 1] as number) < 0x80) || (x === -1n && (out[out.length - 1] as number) >= 0x80)));
    return this.bytes(0x8a, out.length, ...out);
  }
  bytesTrue(): this {
    return this.bytes(0x88);
  }
  noneValue(): this {
    return this.bytes(0x4e);
  }
  /** MARK ... LIST */
  listEnd(): this {
    return this.bytes(0x6c);
  }
  mark(): this {
    return this.bytes(0x28);
  }
  tuple(): this {
    return this.bytes(0x74);
  }
  emptyTuple(): this {
    return this.bytes(0x29);
  }
  emptyDict(): this {
    return this.bytes(0x7d);
  }
  false(): this {
    return this.bytes(0x89);
  }
  reduce(): this {
    return this.bytes(0x52);
  }
  binpersid(): this {
    return this.bytes(0x51);
  }
  setitems(): this {
    return this.bytes(0x75);
  }
  setitem(): this {
    return this.bytes(0x73);
  }
  ext1(code: number): this {
    return this.bytes(0x82, code);
  }
  stop(): this {
    return this.bytes(0x2e);
  }
  /** `(v, ...)` of ints. */
  ints(vs: readonly (number | bigint)[]): this {
    this.mark();
    for (const v of vs) this.int(v);
    return this.tuple();
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export interface TensorSpec {
  name: string;
  key: string;
  storage?: string;
  numel: number | bigint;
  offset?: number | bigint;
  shape: readonly (number | bigint)[];
  stride: readonly (number | bigint)[];
}

/** A data.pkl holding `{name: _rebuild_tensor_v2(...)}` for each spec, as torch 1.13 writes it. */
export function statePickle(specs: readonly TensorSpec[], extra?: (p: P) => void): Uint8Array {
  const p = new P().proto().emptyDict().mark();
  for (const s of specs) {
    p.str(s.name).global('torch._utils', '_rebuild_tensor_v2').mark();
    p.mark()
      .str('storage')
      .global('torch', s.storage ?? 'FloatStorage')
      .str(s.key)
      .str('cpu')
      .int(s.numel)
      .tuple()
      .binpersid();
    p.int(s.offset ?? 0)
      .ints(s.shape)
      .ints(s.stride)
      .false()
      .global('collections', 'OrderedDict')
      .emptyTuple()
      .reduce()
      .tuple()
      .reduce();
  }
  extra?.(p);
  return p.setitems().stop().done();
}

export interface ZipMember {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
}

/** A zip archive; members stored unless `deflate`. */
export function zip(members: readonly ZipMember[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const body = m.deflate === true ? deflateRawSync(m.data) : m.data;
    const crc = crc32(m.data) >>> 0;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, m.deflate === true ? 8 : 0, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, m.data.length, true);
    local.setUint16(26, name.length, true);
    chunks.push(new Uint8Array(local.buffer), name, body);
    const c = new DataView(new ArrayBuffer(46));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(10, m.deflate === true ? 8 : 0, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, body.length, true);
    c.setUint32(24, m.data.length, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    central.push(new Uint8Array(c.buffer), name);
    offset += 30 + name.length + body.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  eocd.setUint16(8, members.length, true);
  eocd.setUint16(10, members.length, true);
  eocd.setUint32(12, cdSize, true);
  eocd.setUint32(16, offset, true);
  const all = [...chunks, ...central, new Uint8Array(eocd.buffer)];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of all) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A torch zip checkpoint: `archive/data.pkl` plus `archive/data/<key>` records. */
export function torchZip(pickle: Uint8Array, storages: Record<string, Uint8Array>, opts: { deflateStorages?: boolean } = {}): Uint8Array {
  return zip([
    { name: 'archive/data.pkl', data: pickle },
    ...Object.entries(storages).map(([k, data]) => ({ name: `archive/data/${k}`, data, deflate: opts.deflateStorages === true })),
    { name: 'archive/version', data: new TextEncoder().encode('3\n') },
  ]);
}

export function floats(...v: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(v).buffer);
}
