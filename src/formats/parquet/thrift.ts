/**
 * Thrift's compact protocol, as Parquet stores its FileMetaData
 * (github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md),
 * decoded into plain values with limits: structs become maps from field id
 * to value, lists and sets arrays, binaries bytes. Every length is checked
 * against the bytes left before anything is read.
 */
import { ByteReader } from '../../bytes/reader.js';
import { ModelguardError } from '../../errors.js';

export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftValue[] | ThriftStruct | Map<ThriftValue, ThriftValue>;
export interface ThriftStruct {
  readonly fields: Map<number, ThriftValue>;
}

/** Struct and container nesting (CWE-674); Parquet metadata nests a few levels. */
const MAX_DEPTH = 32;
/** Values decoded per footer (CWE-400). */
const MAX_VALUES = 10_000_000;

export class CompactReader {
  private readonly r: ByteReader;
  private values = 0;
  constructor(bytes: Uint8Array, base: number) {
    this.r = new ByteReader(bytes, base);
  }
  get remaining(): number {
    return this.r.remaining;
  }
  private varint(): bigint {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.r.u8('varint');
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
    }
    throw new ModelguardError('E_MALFORMED', 'thrift varint longer than 10 bytes', { offset: this.r.offset });
  }
  private zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }
  private size(what: string): number {
    const n = this.varint();
    if (n > BigInt(this.r.remaining))
      throw new ModelguardError('E_MALFORMED', `thrift ${what} of ${n} with ${this.r.remaining} bytes left`, { offset: this.r.offset });
    return Number(n);
  }
  private value(type: number, depth: number): ThriftValue {
    if (++this.values > MAX_VALUES) throw new ModelguardError('E_LIMIT', `more than ${MAX_VALUES} thrift values`, { offset: this.r.offset });
    if (depth > MAX_DEPTH) throw new ModelguardError('E_LIMIT', `thrift nested deeper than ${MAX_DEPTH}`, { offset: this.r.offset });
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3:
        return (this.r.u8('byte') << 24) >> 24;
      case 4:
      case 5:
        return Number(this.zigzag());
      case 6:
        return this.zigzag();
      case 7:
        return this.r.f64le('double');
      case 8:
        return this.r.bytesView(this.size('binary'), 'binary');
      case 9:
      case 10: {
        const h = this.r.u8('list header');
        const n = h >> 4 === 15 ? this.size('list') : h >> 4;
        const et = h & 15;
        const out: ThriftValue[] = [];
        for (let i = 0; i < n; i++) out.push(et === 1 || et === 2 ? this.r.u8('bool') === 1 : this.value(et, depth + 1));
        return out;
      }
      case 11: {
        const n = this.size('map');
        const out = new Map<ThriftValue, ThriftValue>();
        if (n === 0) return out;
        const kv = this.r.u8('map types');
        for (let i = 0; i < n; i++) out.set(this.value(kv >> 4, depth + 1), this.value(kv & 15, depth + 1));
        return out;
      }
      case 12:
        return this.struct(depth + 1);
      default:
        throw new ModelguardError('E_MALFORMED', `thrift type ${type} is not a compact-protocol type`, { offset: this.r.offset });
    }
  }
  /** One struct, up to its STOP byte. */
  struct(depth = 0): ThriftStruct {
    const fields = new Map<number, ThriftValue>();
    let last = 0;
    for (;;) {
      const h = this.r.u8('field header');
      if (h === 0) return { fields };
      const delta = h >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      last = id;
      fields.set(id, this.value(h & 15, depth));
    }
  }
}

export function field(s: ThriftValue | undefined, id: number): ThriftValue | undefined {
  return s !== undefined && typeof s === 'object' && 'fields' in s ? s.fields.get(id) : undefined;
}
