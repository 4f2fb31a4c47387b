/**
 * Zip records (APPNOTE.TXT 6.3.10): end of central directory (plain and
 * Zip64), central directory file headers, local file headers and the Zip64
 * extra field. Parsing only; every length is checked by `ByteReader`.
 */
import { u16leAt } from '../../bytes/at.js';
import { ByteReader } from '../../bytes/reader.js';
import { latin1Decode } from '../../bytes/text.js';
import { ModelguardError } from '../../errors.js';

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_EOCD64 = 0x06064b50;
export const SIG_EOCD64_LOCATOR = 0x07064b50;

export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DATA_DESCRIPTOR = 0x0008;
export const FLAG_UTF8 = 0x0800;

export const EOCD_SIZE = 22;
export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;

export interface Eocd {
  /** Offset of the EOCD record in the source. */
  pos: number;
  entries: number;
  cdSize: number;
  cdOffset: number;
  comment: Uint8Array;
  zip64: boolean;
  /** Offset of the Zip64 end record, when one is used. */
  zip64Pos?: number;
}

export interface CentralHeader {
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  nameRaw: Uint8Array;
  name: string;
  nameUtf8Valid: boolean;
  localOffset: number;
  externalAttrs: number;
  /** Offset of this record in the source. */
  pos: number;
  versionNeeded: number;
  /** Disk number where the entry starts (miniz refuses most values but 0 and 1). */
  diskStart: number;
  extra: Uint8Array;
  /** Bytes this record takes in the directory. */
  length: number;
}

export interface LocalHeader {
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  nameRaw: Uint8Array;
  name: string;
  /** Offset of the first data byte. */
  dataOffset: number;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

/** Entry names: UTF-8 when flag 11 is set or the bytes are valid UTF-8, else CP437 read as Latin-1. */
export function decodeName(raw: Uint8Array, flags: number): { name: string; utf8Valid: boolean } {
  let ascii = true;
  for (const b of raw) if (b >= 0x80) ascii = false;
  if (ascii) return { name: latin1Decode(raw), utf8Valid: true };
  try {
    return { name: utf8Fatal.decode(raw), utf8Valid: true };
  } catch {
    return { name: latin1Decode(raw), utf8Valid: (flags & FLAG_UTF8) === 0 };
  }
}

/** Finds the last EOCD signature in `tail` (which ends at source offset `tailEnd`) whose comment length fits. */
export function findEocd(tail: Uint8Array, tailEnd: number): Eocd | undefined {
  const base = tailEnd - tail.length;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail[i] !== 0x50 || tail[i + 1] !== 0x4b || tail[i + 2] !== 0x05 || tail[i + 3] !== 0x06) continue;
    const r = new ByteReader(tail.subarray(i), base + i);
    r.skip(4);
    const disk = r.u16le();
    const cdDisk = r.u16le();
    r.u16le(); // entries on this disk
    const entries = r.u16le();
    const cdSize = r.u32le();
    const cdOffset = r.u32le();
    const commentLen = r.u16le();
    // The comment must end exactly at the end of the data: a signature inside a comment is not the record.
    if (i + EOCD_SIZE + commentLen !== tail.length) continue;
    if (disk !== 0 || cdDisk !== 0) continue;
    return {
      pos: base + i,
      entries,
      cdSize,
      cdOffset,
      comment: tail.subarray(i + EOCD_SIZE, i + EOCD_SIZE + commentLen),
      zip64: false,
    };
  }
  return undefined;
}

/** Reads the Zip64 EOCD when the locator precedes `eocd`; returns the widened record. */
export function readZip64(eocd: Eocd, read: (off: number, len: number) => Uint8Array, size: number): Eocd {
  if (eocd.pos < 20) return eocd;
  const loc = new ByteReader(read(eocd.pos - 20, 20), eocd.pos - 20);
  if (loc.u32le() !== SIG_EOCD64_LOCATOR) return eocd;
  loc.u32le(); // disk with EOCD64
  const declared = loc.u64safe('zip64 EOCD offset');
  // The locator's offset is absolute; with data prepended it is stale, so also try
  // right before the locator, where Python's zipfile always looks.
  const recOffset = [declared, eocd.pos - 20 - 56].find((o) => o >= 0 && o + 56 <= size && new ByteReader(read(o, 4), o).u32le() === SIG_EOCD64);
  if (recOffset === undefined) {
    throw new ModelguardError('E_MALFORMED', `no zip64 EOCD record at ${declared}`, { offset: eocd.pos - 20 });
  }
  const r = new ByteReader(read(recOffset, 56), recOffset);
  r.u32le(); // signature
  r.u64le(); // size of record
  r.u16le(); // version made by
  r.u16le(); // version needed
  r.u32le(); // disk
  r.u32le(); // cd disk
  r.u64le(); // entries on disk
  const entries = r.u64safe('zip64 entry count');
  const cdSize = r.u64safe('zip64 CD size');
  const cdOffset = r.u64safe('zip64 CD offset');
  return { ...eocd, entries, cdSize, cdOffset, zip64: true, zip64Pos: recOffset };
}

/** Applies the Zip64 extended-information extra field (header id 0x0001) to fields saturated at 0xFFFFFFFF. */
function applyZip64Extra(extra: Uint8Array, base: number, fields: { uncompressedSize: number; compressedSize: number; localOffset?: number }): void {
  const r = new ByteReader(extra, base);
  while (r.remaining >= 4) {
    const id = r.u16le();
    const len = r.u16le();
    if (len > r.remaining) return; // malformed extra: ignored, as readers do
    if (id !== 0x0001) {
      r.skip(len);
      continue;
    }
    const x = new ByteReader(r.bytesView(len), 0);
    if (fields.uncompressedSize === 0xffffffff && x.remaining >= 8) fields.uncompressedSize = x.u64safe('zip64 size');
    if (fields.compressedSize === 0xffffffff && x.remaining >= 8) fields.compressedSize = x.u64safe('zip64 csize');
    if (fields.localOffset === 0xffffffff && x.remaining >= 8) fields.localOffset = x.u64safe('zip64 offset');
    return;
  }
}

export function parseCentralHeader(r: ByteReader): CentralHeader {
  const pos = r.offset;
  if (r.u32le('central header signature') !== SIG_CENTRAL) {
    throw new ModelguardError('E_MALFORMED', `bad central directory signature at ${pos}`, { offset: pos });
  }
  r.u16le(); // version made by
  const versionNeeded = r.u16le();
  const flags = r.u16le();
  const method = r.u16le();
  r.u16le(); // time
  r.u16le(); // date
  const crc32 = r.u32le();
  const fields = { compressedSize: r.u32le(), uncompressedSize: r.u32le(), localOffset: 0 };
  const nameLen = r.u16le();
  const extraLen = r.u16le();
  const commentLen = r.u16le();
  const diskStart = r.u16le();
  r.u16le(); // internal attrs
  const externalAttrs = r.u32le();
  fields.localOffset = r.u32le();
  const nameRaw = r.bytesView(nameLen, 'entry name');
  const extraAt = r.offset;
  const extra = r.bytesView(extraLen, 'extra field');
  r.skip(commentLen, 'entry comment');
  applyZip64Extra(extra, extraAt, fields);
  const { name, utf8Valid } = decodeName(nameRaw, flags);
  return {
    flags,
    method,
    crc32,
    compressedSize: fields.compressedSize,
    uncompressedSize: fields.uncompressedSize,
    nameRaw,
    name,
    nameUtf8Valid: utf8Valid,
    localOffset: fields.localOffset,
    externalAttrs,
    pos,
    versionNeeded,
    diskStart,
    extra,
    length: r.offset - pos,
  };
}

/** Parses a local header whose fixed part and variable part are in `bytes` (read at `pos`). */
export function parseLocalHeader(bytes: Uint8Array, pos: number): LocalHeader {
  const r = new ByteReader(bytes, pos);
  if (r.u32le('local header signature') !== SIG_LOCAL) {
    throw new ModelguardError('E_MALFORMED', `no local file header at ${pos}`, { offset: pos });
  }
  r.u16le(); // version needed
  const flags = r.u16le();
  const method = r.u16le();
  r.u16le(); // time
  r.u16le(); // date
  const crc32 = r.u32le();
  const fields = { compressedSize: r.u32le(), uncompressedSize: r.u32le() };
  const nameLen = r.u16le();
  const extraLen = r.u16le();
  const nameRaw = r.bytesView(nameLen, 'local entry name');
  const extraAt = r.offset;
  const extra = r.bytesView(extraLen, 'local extra field');
  applyZip64Extra(extra, extraAt, fields);
  return {
    flags,
    method,
    crc32,
    compressedSize: fields.compressedSize,
    uncompressedSize: fields.uncompressedSize,
    nameRaw,
    name: decodeName(nameRaw, flags).name,
    dataOffset: pos + LOCAL_HEADER_SIZE + nameLen + extraLen,
  };
}

/** Name and extra lengths from the fixed part of a local header. */
export function localVariableLength(fixed: Uint8Array): number {
  return u16leAt(fixed, 26) + u16leAt(fixed, 28);
}
