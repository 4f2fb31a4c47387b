/** Builds small zip archives in tests, with knobs for the tricks the walker must see. */
import { crc32, deflateRawSync } from 'node:zlib';

export interface BuildEntry {
  name: string;
  data: Uint8Array | string;
  deflate?: boolean;
  /** Write sizes/CRC after the data (flag bit 3) with a signed descriptor. */
  descriptor?: boolean;
  /** Local header only (not listed in the central directory). */
  hidden?: boolean;
  /** Name written in the local header instead of `name`. */
  localName?: string;
  localFlags?: number;
  /** Zip64 extra field in the local header with sizes (as Python's force_zip64 writes). */
  zip64Local?: boolean;
}

export interface BuildOptions {
  prefix?: Uint8Array;
  comment?: string;
  /** Overrides the entry count written in the end record. */
  declaredEntries?: number;
}

const u16 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

export function buildZip(entries: BuildEntry[], o: BuildOptions = {}): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let pos = o.prefix?.length ?? 0;
  if (o.prefix !== undefined) parts.push(Buffer.from(o.prefix));
  let listed = 0;
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'latin1') : Buffer.from(e.data);
    const body = e.deflate === true ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const method = e.deflate === true ? 8 : 0;
    const flags = (e.descriptor === true ? 8 : 0) | (e.localFlags ?? 0);
    const lname = Buffer.from(e.localName ?? e.name);
    const extra = e.zip64Local === true ? Buffer.concat([u16(1), u16(16), u64(raw.length), u64(body.length)]) : Buffer.alloc(0);
    const sizes = e.descriptor === true ? [0, 0, 0] : [crc, e.zip64Local === true ? 0xffffffff : body.length, e.zip64Local === true ? 0xffffffff : raw.length];
    const local = Buffer.concat([
      u32(0x04034b50),
      u16(20),
      u16(flags),
      u16(method),
      u16(0),
      u16(0),
      u32(sizes[0] as number),
      u32(sizes[1] as number),
      u32(sizes[2] as number),
      u16(lname.length),
      u16(extra.length),
      lname,
      extra,
    ]);
    const desc = e.descriptor === true ? Buffer.concat([u32(0x08074b50), u32(crc), u32(body.length), u32(raw.length)]) : Buffer.alloc(0);
    parts.push(local, body, desc);
    if (e.hidden !== true) {
      const name = Buffer.from(e.name);
      central.push(
        Buffer.concat([
          u32(0x02014b50),
          u16(20),
          u16(20),
          u16(flags & ~(e.localFlags ?? 0)),
          u16(method),
          u16(0),
          u16(0),
          u32(crc),
          u32(body.length),
          u32(raw.length),
          u16(name.length),
          u16(0),
          u16(0),
          u16(0),
          u16(0),
          u32(0),
          u32(pos),
          name,
        ]),
      );
      listed++;
    }
    pos += local.length + body.length + desc.length;
  }
  const cd = Buffer.concat(central);
  const comment = Buffer.from(o.comment ?? '');
  const n = o.declaredEntries ?? listed;
  const eocd = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(n), u16(n), u32(cd.length), u32(pos), u16(comment.length), comment]);
  return Uint8Array.from(Buffer.concat([...parts, cd, eocd]));
}
