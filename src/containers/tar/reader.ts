/**
 * The tar walker: POSIX ustar, pax extended headers (`x`/`g`), GNU long
 * names (`L`/`K`) and v7 headers, as Python's tarfile reads them. Every
 * header's checksum and size is checked against the file; member data is
 * not read here.
 */
import { byteAt } from '../../bytes/at.js';
import { inBounds } from '../../bytes/reader.js';
import type { ByteSource } from '../../bytes/source.js';
import { latin1Decode, utf8Strict } from '../../bytes/text.js';
import { ModelguardError } from '../../errors.js';

export const BLOCK = 512;

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'other';

export interface TarEntry {
  name: string;
  type: TarEntryType;
  size: number;
  /** Absolute offset of the header block. */
  headerOffset: number;
  /** Absolute offset of the data. */
  dataOffset: number;
  linkName: string;
  mode: number;
}

export interface TarArchive {
  entries: TarEntry[];
  /** Offset just after the last member (end-of-archive blocks excluded). */
  end: number;
}

function field(b: Uint8Array, off: number, len: number): Uint8Array {
  const f = b.subarray(off, off + len);
  const nul = f.indexOf(0);
  return nul < 0 ? f : f.subarray(0, nul);
}

/** Numeric field: octal text, or GNU base-256 when the high bit is set. */
function num(b: Uint8Array, off: number, len: number, what: string, at: number): number {
  const f = b.subarray(off, off + len);
  if ((byteAt(f, 0, at + off) & 0x80) !== 0) {
    let v = 0n;
    for (const byte of f.subarray(1)) v = (v << 8n) | BigInt(byte);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelguardError('E_LIMIT', `tar ${what} too large`, { offset: at });
    return Number(v);
  }
  const text = latin1Decode(field(b, off, len)).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ModelguardError('E_MALFORMED', `tar ${what} is not octal: ${JSON.stringify(text)}`, { offset: at });
  return parseInt(text, 8);
}

/** Whether a 512-byte block is a tar header with a valid checksum (what tarfile checks). */
export function isTarHeader(b: Uint8Array): boolean {
  if (b.length < BLOCK) return false;
  // The checksum field holds octal digits, spaces or NULs: most non-tar data fails here.
  for (const c of b.subarray(148, 156)) {
    if (c !== 0 && c !== 0x20 && (c < 0x30 || c > 0x37)) return false;
  }
  let allZero = true;
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) allZero = false;
  if (allZero) return false;
  const text = latin1Decode(field(b, 148, 8)).trim();
  if (!/^[0-7]{1,7}$/.test(text)) return false;
  const stored = parseInt(text, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : byteAt(b, i);
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

function typeOf(flag: number): TarEntryType {
  switch (String.fromCharCode(flag)) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
      return 'dir';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    case '3':
    case '4':
      return 'device';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

function decodeName(raw: Uint8Array): string {
  try {
    return utf8Strict(raw);
  } catch {
    return latin1Decode(raw);
  }
}

/** Parses pax records `"<len> key=value\n"`. */
function paxRecords(data: Uint8Array, at: number): Map<string, string> {
  const out = new Map<string, string>();
  let p = 0;
  while (p < data.length) {
    const sp = data.indexOf(0x20, p);
    if (sp < 0) break;
    const len = Number(latin1Decode(data.subarray(p, sp)));
    if (!Number.isSafeInteger(len) || len <= 0 || p + len > data.length) {
      throw new ModelguardError('E_MALFORMED', 'bad pax record length', { offset: at + p });
    }
    const rec = data.subarray(sp + 1, p + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq > 0) out.set(decodeName(rec.subarray(0, eq)), decodeName(rec.subarray(eq + 1)));
    p += len;
  }
  return out;
}

/** Largest pax/GNU long-name payload read (names and metadata only). */
const MAX_META = 1 << 20;

export function readTar(src: ByteSource, maxEntries: number): TarArchive {
  const entries: TarEntry[] = [];
  let pos = 0;
  let pendingName: string | undefined;
  let pendingLink: string | undefined;
  let pendingSize: number | undefined;
  while (pos + BLOCK <= src.size) {
    const h = src.read(pos, BLOCK);
    if (h.every((b) => b === 0)) break;
    if (!isTarHeader(h)) throw new ModelguardError('E_MALFORMED', `bad tar header checksum at ${pos}`, { offset: pos });
    const flag = byteAt(h, 156, pos);
    let size = num(h, 124, 12, 'size', pos);
    const dataOffset = pos + BLOCK;
    if (pendingSize !== undefined && typeOf(flag) === 'file') size = pendingSize;
    if (!inBounds(dataOffset, size, src.size)) {
      throw new ModelguardError('E_TRUNCATED', `tar member at ${pos} declares ${size} bytes past the end`, { offset: pos });
    }
    const c = String.fromCharCode(flag);
    if (c === 'x' || c === 'g' || c === 'L' || c === 'K') {
      if (size > MAX_META) throw new ModelguardError('E_LIMIT', `tar metadata record of ${size} bytes`, { offset: pos });
      const data = src.read(dataOffset, size);
      if (c === 'x') {
        const rec = paxRecords(data, dataOffset);
        pendingName = rec.get('path') ?? pendingName;
        pendingLink = rec.get('linkpath') ?? pendingLink;
        const s = rec.get('size');
        if (s !== undefined && /^\d+$/.test(s)) pendingSize = Number(s);
      } else if (c === 'L') {
        pendingName = decodeName(field(data, 0, data.length));
      } else if (c === 'K') {
        pendingLink = decodeName(field(data, 0, data.length));
      }
      pos = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      continue;
    }
    const ustar = latin1Decode(h.subarray(257, 262)) === 'ustar';
    const prefix = ustar ? decodeName(field(h, 345, 155)) : '';
    const base = decodeName(field(h, 0, 100));
    const name = pendingName ?? (prefix !== '' ? `${prefix}/${base}` : base);
    entries.push({
      name,
      type: typeOf(flag),
      size,
      headerOffset: pos,
      dataOffset,
      linkName: pendingLink ?? decodeName(field(h, 157, 100)),
      mode: num(h, 100, 8, 'mode', pos),
    });
    if (entries.length > maxEntries) throw new ModelguardError('E_LIMIT', `more than ${maxEntries} tar entries`);
    pendingName = undefined;
    pendingLink = undefined;
    pendingSize = undefined;
    const dataBlocks = typeOf(flag) === 'file' || c === '7' ? Math.ceil(size / BLOCK) * BLOCK : 0;
    pos = dataOffset + dataBlocks;
  }
  return { entries, end: Math.min(pos, src.size) };
}
