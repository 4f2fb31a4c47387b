/**
 * The archive as each loader reads it: the central directory its reader
 * picks (`loaders.ts`), parsed with that reader's own rules, and each
 * listed entry's data located through its local header the way the
 * reader does (central sizes and method, local name and extra lengths).
 * An entry whose local header is missing or runs past the end is left
 * out: that reader fails on it and runs nothing from it.
 */
import { u16leAt } from '../../bytes/at.js';
import { ByteReader, inBounds } from '../../bytes/reader.js';
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import { RefusedByReader, minizDirectory, zipfileDirectory, type DirectoryChoice, type ZipReaderId } from './loaders.js';
import { zipfileNames } from './names.js';
import {
  CENTRAL_HEADER_SIZE,
  LOCAL_HEADER_SIZE,
  localVariableLength,
  parseCentralHeader,
  parseLocalHeader,
  type CentralHeader,
  type LocalHeader,
} from './records.js';

/** miniz refuses entries flagged with a masked local directory (bit 13, central directory encryption). */
const FLAG_LOCAL_DIR_MASKED = 0x2000;
/** zipfile's `MAX_EXTRACT_VERSION`: a higher "version needed" raises NotImplementedError for the whole archive. */
const ZIPFILE_MAX_EXTRACT_VERSION = 63;

export interface ViewEntry {
  header: CentralHeader;
  local: LocalHeader;
  /** Absolute local header offset as this reader computes it. */
  localOffset: number;
  /** Names this reader files the entry under. */
  names: string[];
}

export interface ReaderView {
  reader: ZipReaderId;
  choice: DirectoryChoice;
  entries: ViewEntry[];
}

/**
 * Records already parsed during one `readZip`, by absolute offset: the end
 * record's own reading and each loader's usually read the same directory
 * and the same local headers, and parsing the same bytes again gives the
 * same record. Only parsing is shared; every reader's own checks still run
 * on every record it reads. Records are never modified once parsed.
 */
export interface ParsedRecords {
  central: Map<number, CentralHeader>;
  local: Map<number, LocalHeader | undefined>;
}

export function parsedRecords(): ParsedRecords {
  return { central: new Map(), local: new Map() };
}

/** The central header at the reader's position, parsed once per `memo`. */
export function centralHeaderAt(cd: ByteReader, memo: ParsedRecords | undefined): CentralHeader {
  const known = memo?.central.get(cd.offset);
  if (known !== undefined && known.length <= cd.remaining) {
    cd.skip(known.length);
    return known;
  }
  const h = parseCentralHeader(cd);
  memo?.central.set(h.pos, h);
  return h;
}

export function readLocalAt(src: ByteSource, offset: number, memo?: ParsedRecords): LocalHeader | undefined {
  if (memo === undefined) return parseLocalAt(src, offset);
  if (memo.local.has(offset)) return memo.local.get(offset);
  const h = parseLocalAt(src, offset);
  memo.local.set(offset, h);
  return h;
}

function parseLocalAt(src: ByteSource, offset: number): LocalHeader | undefined {
  if (!Number.isSafeInteger(offset) || !inBounds(offset, LOCAL_HEADER_SIZE, src.size)) return undefined;
  const fixed = src.read(offset, LOCAL_HEADER_SIZE);
  if (fixed[0] !== 0x50 || fixed[1] !== 0x4b || fixed[2] !== 0x03 || fixed[3] !== 0x04) return undefined;
  const varLen = localVariableLength(fixed);
  if (!inBounds(offset, LOCAL_HEADER_SIZE + varLen, src.size)) return undefined;
  return parseLocalHeader(src.read(offset, LOCAL_HEADER_SIZE + varLen), offset);
}

/** `mz_zip_reader_read_central_dir`'s checks on each record: any failure refuses the archive. */
function minizRecordCheck(h: CentralHeader, rawLocalOffset: number, size: number): void {
  if (h.compressedSize !== 0xffffffff && h.uncompressedSize !== 0xffffffff) {
    if ((h.method === 0 && h.uncompressedSize !== h.compressedSize) || (h.uncompressedSize !== 0 && h.compressedSize === 0)) {
      throw new RefusedByReader(`miniz: sizes of '${h.name}' are inconsistent`);
    }
  }
  if (h.diskStart === 0xffff || (h.diskStart !== 0 && h.diskStart !== 1)) throw new RefusedByReader('miniz: multi-disk entry');
  if (h.compressedSize !== 0xffffffff && rawLocalOffset + LOCAL_HEADER_SIZE + h.compressedSize > size) {
    throw new RefusedByReader(`miniz: '${h.name}' runs past the end`);
  }
  if ((h.flags & FLAG_LOCAL_DIR_MASKED) !== 0) throw new RefusedByReader('miniz: masked local directory');
}

/** `ZipInfo._decodeExtra`: an extra field whose length overruns raises BadZipFile. */
function zipfileExtraCheck(extra: Uint8Array): void {
  let i = 0;
  while (i + 4 <= extra.length) {
    const len = u16leAt(extra, i + 2);
    if (i + 4 + len > extra.length) throw new RefusedByReader('zipfile: corrupt extra field');
    i += 4 + len;
  }
}

function parseDirectory(src: ByteSource, c: DirectoryChoice, maxEntries: number, memo: ParsedRecords | undefined): CentralHeader[] {
  const avail = Math.max(0, Math.min(c.cdSize, src.size - c.cdStart));
  const cd = new ByteReader(src.read(c.cdStart, avail), c.cdStart);
  const headers: CentralHeader[] = [];
  const more = (): boolean => (c.rule === 'count' ? headers.length < c.entries : cd.offset - c.cdStart < c.cdSize);
  while (more()) {
    if (headers.length >= maxEntries) throw new ModelguardError('E_LIMIT', `more than ${maxEntries} zip entries (${c.reader}'s reading)`);
    if (cd.remaining < CENTRAL_HEADER_SIZE) throw new RefusedByReader(`${c.reader}: truncated central directory`);
    const h = centralHeaderAt(cd, memo);
    if (c.reader === 'miniz') minizRecordCheck(h, h.localOffset, src.size);
    else {
      if (h.versionNeeded > ZIPFILE_MAX_EXTRACT_VERSION) throw new RefusedByReader('zipfile: version needed too high');
      zipfileExtraCheck(h.extra);
    }
    headers.push(h);
  }
  return headers;
}

function readView(src: ByteSource, choice: DirectoryChoice, maxEntries: number, memo: ParsedRecords | undefined): ReaderView {
  let headers: CentralHeader[];
  try {
    headers = parseDirectory(src, choice, maxEntries, memo);
  } catch (e) {
    if (e instanceof ModelguardError && e.code !== 'E_LIMIT') throw new RefusedByReader(`${choice.reader}: ${e.message}`);
    throw e;
  }
  const entries: ViewEntry[] = [];
  for (const h of headers) {
    let names: string[];
    if (choice.reader === 'zipfile') {
      names = zipfileNames(h.nameRaw, h.flags, h.extra);
      if (names.length === 0) throw new RefusedByReader('zipfile: an entry name flagged UTF-8 is not');
    } else names = [h.name];
    const localOffset = h.localOffset + choice.offsetBase;
    let local: LocalHeader | undefined;
    try {
      local = readLocalAt(src, localOffset, memo);
    } catch {
      local = undefined;
    }
    if (local === undefined || !inBounds(local.dataOffset, h.compressedSize, src.size)) continue;
    entries.push({ header: h, local, localOffset, names });
  }
  return { reader: choice.reader, choice, entries };
}

/** Every loader's reading that succeeds; a reader that refuses the archive loads nothing and is left out. */
export function readerViews(src: ByteSource, maxEntries: number, memo?: ParsedRecords): ReaderView[] {
  const views: ReaderView[] = [];
  for (const choose of [minizDirectory, zipfileDirectory]) {
    try {
      views.push(readView(src, choose(src), maxEntries, memo));
    } catch (e) {
      if (e instanceof RefusedByReader) continue;
      if (e instanceof ModelguardError && e.code !== 'E_LIMIT') continue;
      throw e;
    }
  }
  return views;
}
