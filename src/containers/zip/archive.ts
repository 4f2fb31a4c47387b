/**
 * The zip walker. At least as lenient as PyTorch's reader (miniz: it uses
 * the central directory, ignores CRCs, flag bits and local-header names)
 * and stricter in what it reports: it also walks the local headers and
 * the gaps between entries, so entries hidden from the central directory,
 * name or flag mismatches, duplicate names, CRC errors and data before the
 * archive are all found and reported as anomalies.
 *
 * Only the central directory and local headers are read here; entry data
 * is read on demand (`extract.ts`).
 */
import { entry } from '../../bytes/at.js';
import { ByteReader, inBounds } from '../../bytes/reader.js';
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ZipReaderId } from './loaders.js';
import { centralHeaderAt, parsedRecords, readerViews, readLocalAt, type ParsedRecords, type ReaderView } from './views.js';
import { CENTRAL_HEADER_SIZE, FLAG_DATA_DESCRIPTOR, FLAG_ENCRYPTED, findEocd, readZip64, type CentralHeader, type LocalHeader } from './records.js';

export type ZipAnomalyKind =
  | 'prefix-data' // bytes before the first entry (the archive does not start at 0)
  | 'duplicate-name' // two central entries with one name
  | 'name-mismatch' // local header name differs from the central directory
  | 'flag-mismatch' // encryption/method differ between local and central headers
  | 'hidden-entry' // a local header the central directory does not list
  | 'unaccounted-bytes' // bytes between entries that belong to none
  | 'overlapping-entries' // two entries share bytes (zip bomb / polyglot trick)
  | 'unsafe-name' // absolute path, `..`, backslash, NUL, drive letter
  | 'bad-name-encoding' // name is neither UTF-8 nor flagged CP437
  | 'encrypted' // the central directory marks the entry encrypted
  | 'entry-count-mismatch' // EOCD count differs from records found
  | 'bad-zip64' // a Zip64 locator points at no valid Zip64 record
  | 'reader-disagreement'; // miniz (torch), zipfile (numpy, Keras) and the end record's own layout read different archives

export interface ZipAnomaly {
  kind: ZipAnomalyKind;
  message: string;
  offset: number;
  entry?: string;
}

export interface ZipEntry {
  name: string;
  nameRaw: Uint8Array;
  method: number;
  /** Flags as the central directory says (the local header's are in `local`). */
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Absolute offset of the local header. */
  localOffset: number;
  /** Absolute offset of the first data byte (from the local header's own lengths, as miniz computes it). */
  dataOffset: number;
  /** `central` for entries some directory lists, `local` for entries found only by walking local headers. */
  listed: 'central' | 'local';
  local: LocalHeader | undefined;
  /** Loaders whose own reading of the archive lists this entry (see `views.ts`). */
  readers: ZipReaderId[];
  /** Names loaders look it up by: the directory's name first, then zipfile's when it differs (NUL cut, Unicode Path field). */
  names: string[];
}

/** The archive as one loader reads it: its entries in directory order (objects shared with `ZipArchive.entries`). */
export interface ZipView {
  reader: ZipReaderId;
  entries: ZipEntry[];
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** Absolute offset where the archive's first byte should be (0 for a clean file). */
  start: number;
  cdOffset: number;
  cdSize: number;
  zip64: boolean;
  anomalies: ZipAnomaly[];
  /** Each loader's reading that succeeds (miniz for torch, zipfile for numpy and Keras). */
  views: ZipView[];
}

/** Local-header gaps up to this size are searched for hidden headers (larger gaps are reported only). */
const MAX_GAP_SEARCH = 64 * 1024 * 1024;

/**
 * Whether `tail` (the last bytes of a `size`-byte input) ends a zip by the
 * archive's own layout: an end record whose comment reaches the end. The
 * loaders' laxer searches are not used to claim a file (a tar whose last
 * member is a zip would become a zip): a file that starts with a local
 * header is claimed by its head, and every loader reading is then read.
 */
export function hasEocd(tail: Uint8Array, size: number): boolean {
  const e = findEocd(tail, size);
  return e !== undefined && e.cdSize <= size && e.cdOffset <= size;
}

export function unsafeName(name: string): string | undefined {
  if (!/[\0\\:]|^\/|\.\./.test(name)) return undefined;
  if (name.includes('\0')) return 'contains NUL';
  if (name.startsWith('/') || name.startsWith('\\')) return 'is absolute';
  if (/^[A-Za-z]:/.test(name)) return 'has a drive letter';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.split('/').includes('..')) return "contains '..'";
  return undefined;
}

interface SpecReading {
  entries: ZipEntry[];
  central: CentralHeader[];
  start: number;
  cdOffset: number;
  cdSize: number;
  zip64: boolean;
  anomalies: ZipAnomaly[];
}

/**
 * The archive as its own end record describes it: the last end record
 * whose comment reaches exactly the end of the file (APPNOTE's layout,
 * what careful tools such as yauzl read), its directory where Python's
 * zipfile would look. The loaders' own readings are added by `readZip`.
 */
function readSpec(src: ByteSource, maxEntries: number, memo: ParsedRecords): SpecReading {
  const tailLen = Math.min(src.size, 22 + 65535 + 20);
  const plain = findEocd(src.read(src.size - tailLen, tailLen), src.size);
  if (plain === undefined) throw new ModelguardError('E_MALFORMED', 'no end-of-central-directory record');
  const anomalies: ZipAnomaly[] = [];
  let eocd = plain;
  try {
    eocd = readZip64(plain, (o, l) => src.read(o, l), src.size);
  } catch (e) {
    // A broken Zip64 record with usable 32-bit fields: read the archive as zipfile would without it.
    const saturated = plain.entries === 0xffff || plain.cdSize === 0xffffffff || plain.cdOffset === 0xffffffff;
    if (saturated) throw e;
    anomalies.push({ kind: 'bad-zip64', message: `${(e as Error).message}; using the 32-bit end record`, offset: plain.pos });
  }
  // Python's zipfile: the CD ends where the EOCD (or Zip64 EOCD) begins; any difference is prepended data.
  const cdEnd = eocd.zip64Pos ?? eocd.pos - (hasLocator(src, eocd.pos) ? 20 : 0);
  const start = cdEnd - eocd.cdSize - eocd.cdOffset;
  if (start < 0 || !inBounds(eocd.cdOffset + Math.max(start, 0), eocd.cdSize, src.size)) {
    throw new ModelguardError('E_MALFORMED', `central directory (${eocd.cdSize} bytes at ${eocd.cdOffset}) outside the file`);
  }
  if (eocd.entries > maxEntries) {
    throw new ModelguardError('E_LIMIT', `zip declares ${eocd.entries} entries (limit ${maxEntries})`);
  }
  if (eocd.entries * CENTRAL_HEADER_SIZE > eocd.cdSize) {
    throw new ModelguardError('E_MALFORMED', `zip declares ${eocd.entries} entries in a ${eocd.cdSize}-byte directory`);
  }
  if (start > 0) {
    anomalies.push({
      kind: 'prefix-data',
      message: `${start} bytes precede the archive: loaders that check the magic at offset 0 (torch.load) do not see a zip, while zipfile-based tools do`,
      offset: 0,
    });
  }
  const cd = new ByteReader(src.read(eocd.cdOffset + start, eocd.cdSize), eocd.cdOffset + start);
  let central: CentralHeader[] = [];
  while (cd.remaining >= 4 && central.length < eocd.entries + 1) {
    central.push(centralHeaderAt(cd, memo));
    if (central.length > maxEntries) throw new ModelguardError('E_LIMIT', `more than ${maxEntries} zip entries`);
  }
  // Entry offsets are relative to the archive start (zipfile's view of prepended data), unless
  // whoever prepended the data also rewrote them as absolute offsets: use what finds a header.
  const first = central[0];
  const delta =
    first !== undefined && start > 0 && readLocal(src, first.localOffset + start, memo) === undefined && readLocal(src, first.localOffset, memo) !== undefined
      ? 0
      : start;
  // Parsed records are shared with the loaders' readings (`ParsedRecords`): shifted copies, never the records themselves.
  if (delta !== 0) central = central.map((h) => ({ ...h, localOffset: h.localOffset + delta }));
  if (central.length !== eocd.entries) {
    anomalies.push({
      kind: 'entry-count-mismatch',
      message: `the end record declares ${eocd.entries} entries, the central directory holds ${central.length}`,
      offset: eocd.pos,
    });
  }
  const entries = central.map((h) => centralEntry(src, h, anomalies, memo));
  return { entries, central, start, cdOffset: eocd.cdOffset + start, cdSize: eocd.cdSize, zip64: eocd.zip64, anomalies };
}

/** Same member: same local header, name, method and sizes. */
function entryKey(localOffset: number, name: string, method: number, compressed: number, uncompressed: number): string {
  return `${localOffset}|${method}|${compressed}|${uncompressed}|${name}`;
}

function viewEntry(v: ReaderView['entries'][number]): ZipEntry {
  const h = v.header;
  return {
    name: h.name,
    nameRaw: h.nameRaw,
    method: h.method,
    flags: h.flags,
    crc32: h.crc32,
    compressedSize: h.compressedSize,
    uncompressedSize: h.uncompressedSize,
    localOffset: v.localOffset,
    dataOffset: v.local.dataOffset,
    listed: 'central',
    local: v.local,
    readers: [],
    names: [h.name],
  };
}

function describe(entries: readonly ZipEntry[]): string {
  const shown = entries.slice(0, 5).map((e) => `'${e.name}' at ${e.localOffset}`);
  return shown.join(', ') + (entries.length > 5 ? ` and ${entries.length - 5} more` : '');
}

const READER_TITLE: Record<ZipReaderId, string> = {
  miniz: 'miniz (torch.load, torch.jit.load)',
  zipfile: "Python's zipfile (numpy.load, Keras)",
};

/**
 * Reads the archive every way a loader or a careful tool does and returns
 * the union of what they list, each entry tagged with the loaders that
 * see it; a reading that lists what another does not is reported
 * (`reader-disagreement`), and the union is then walked by local headers
 * for entries no directory lists.
 */
export function readZip(src: ByteSource, maxEntries: number): ZipArchive {
  const memo = parsedRecords();
  let spec: SpecReading | undefined;
  let specError: unknown;
  try {
    spec = readSpec(src, maxEntries, memo);
  } catch (e) {
    if (!(e instanceof ModelguardError) || e.code === 'E_LIMIT') throw e;
    specError = e;
  }
  const readings = readerViews(src, maxEntries, memo);
  // A loader that reads the archive but can open none of its entries loads nothing: the layout's own error stands.
  if (spec === undefined && readings.every((r) => r.entries.length === 0)) throw specError;
  const anomalies: ZipAnomaly[] = spec?.anomalies ?? [];
  if (spec !== undefined && readingsAgree(spec, readings)) return agreedArchive(src, spec, readings, maxEntries, memo);
  const byKey = new Map<string, ZipEntry>();
  const entries: ZipEntry[] = [];
  for (const e of spec?.entries ?? []) {
    const k = entryKey(e.localOffset, e.name, e.method, e.compressedSize, e.uncompressedSize);
    if (!byKey.has(k)) byKey.set(k, e);
    entries.push(e);
  }
  const specKeys = new Set(byKey.keys());
  const views: ZipView[] = [];
  for (const r of readings) {
    const listed: ZipEntry[] = [];
    for (const v of r.entries) {
      const h = v.header;
      const k = entryKey(v.localOffset, h.name, h.method, h.compressedSize, h.uncompressedSize);
      let e = byKey.get(k);
      if (e === undefined) {
        e = viewEntry(v);
        byKey.set(k, e);
        entries.push(e);
      }
      if (!e.readers.includes(r.reader)) e.readers.push(r.reader);
      for (const n of v.names) if (!e.names.includes(n)) e.names.push(n);
      listed.push(e);
    }
    views.push({ reader: r.reader, entries: listed });
  }
  if (entries.length > maxEntries) throw new ModelguardError('E_LIMIT', `more than ${maxEntries} zip entries`);
  reportDisagreement(spec, specError, readings, views, specKeys, anomalies);
  const first = spec === undefined ? entry(readings, 0, 'zip readings') : undefined;
  const cdStart = spec?.cdOffset ?? first?.choice.cdStart ?? 0;
  const start = spec?.start ?? 0;
  if (spec === undefined) checkNames(entries, anomalies);
  else checkNames(spec.entries, anomalies, spec.central);
  walkLocalHeaders(src, entries, start, cdStart, anomalies, maxEntries, memo);
  const cdSize = spec?.cdSize ?? first?.choice.cdSize ?? 0;
  return { entries, start, cdOffset: cdStart, cdSize, zip64: spec?.zip64 ?? readings.some((r) => r.choice.zip64Pos !== undefined), anomalies, views };
}

/**
 * Whether every loader's reading lists exactly the end record's own entries,
 * in the same order (the same local header, name, method and sizes: the
 * same `entryKey`), with no two of them at one local header. Then the
 * union `readZip` builds is the end record's list, every entry is seen by
 * every loader, and `reportDisagreement` has nothing to report: the usual
 * case, read without building keys, maps and sets.
 */
function readingsAgree(spec: SpecReading, readings: readonly ReaderView[]): boolean {
  const own = spec.entries;
  for (const r of readings) {
    if (r.entries.length !== own.length) return false;
    for (let i = 0; i < own.length; i++) {
      const e = own[i] as ZipEntry;
      const v = r.entries[i] as ReaderView['entries'][number];
      const h = v.header;
      if (
        v.localOffset !== e.localOffset ||
        h.name !== e.name ||
        h.method !== e.method ||
        h.compressedSize !== e.compressedSize ||
        h.uncompressedSize !== e.uncompressedSize
      ) {
        return false;
      }
    }
  }
  const offsets = new Set<number>();
  for (const e of own) {
    if (offsets.has(e.localOffset)) return false;
    offsets.add(e.localOffset);
  }
  return true;
}

/** `readZip`'s result when `readingsAgree`: the same entries, readers, names and anomalies as the general path. */
function agreedArchive(src: ByteSource, spec: SpecReading, readings: readonly ReaderView[], maxEntries: number, memo: ParsedRecords): ZipArchive {
  const entries = spec.entries.slice();
  const views: ZipView[] = [];
  for (const r of readings) {
    r.entries.forEach((v, i) => {
      const e = entries[i] as ZipEntry;
      if (!e.readers.includes(r.reader)) e.readers.push(r.reader);
      for (const n of v.names) if (!e.names.includes(n)) e.names.push(n);
    });
    views.push({ reader: r.reader, entries: entries.slice() });
  }
  if (entries.length > maxEntries) throw new ModelguardError('E_LIMIT', `more than ${maxEntries} zip entries`);
  checkNames(spec.entries, spec.anomalies, spec.central);
  walkLocalHeaders(src, entries, spec.start, spec.cdOffset, spec.anomalies, maxEntries, memo);
  return { entries, start: spec.start, cdOffset: spec.cdOffset, cdSize: spec.cdSize, zip64: spec.zip64, anomalies: spec.anomalies, views };
}

function reportDisagreement(
  spec: SpecReading | undefined,
  specError: unknown,
  readings: ReaderView[],
  views: ZipView[],
  specKeys: Set<string>,
  anomalies: ZipAnomaly[],
): void {
  const keyOf = (e: ZipEntry): string => entryKey(e.localOffset, e.name, e.method, e.compressedSize, e.uncompressedSize);
  if (spec === undefined) {
    const why = specError instanceof Error ? specError.message : 'unreadable';
    anomalies.push({
      kind: 'reader-disagreement',
      message: `the archive's own end record does not describe it (${why}), yet ${readings.map((r) => READER_TITLE[r.reader]).join(' and ')} read it${
        views.length > 0 ? `: ${describe(views[0]?.entries ?? [])}` : ''
      }`,
      offset: readings[0]?.choice.eocdPos ?? 0,
    });
  }
  const sets = views.map((v) => new Set(v.entries.map(keyOf)));
  views.forEach((v, i) => {
    const r = entry(readings, i, 'zip readings');
    const own = entry(sets, i, 'zip entry sets');
    const others = spec === undefined ? sets.filter((_, j) => j !== i) : [specKeys, ...sets.filter((_, j) => j !== i)];
    const extra = v.entries.filter((e) => others.some((o) => !o.has(keyOf(e))));
    const missing = spec === undefined ? [] : spec.entries.filter((e) => !own.has(keyOf(e)));
    if (extra.length === 0 && missing.length === 0) return;
    const parts: string[] = [];
    if (extra.length > 0) parts.push(`lists ${describe(extra)}, which ${spec === undefined ? 'another loader' : "the end record's own directory"} does not`);
    if (missing.length > 0) parts.push(`does not list ${describe(missing)}`);
    anomalies.push({
      kind: 'reader-disagreement',
      message: `${READER_TITLE[r.reader]} reads the end record at ${r.choice.eocdPos} and the directory at ${r.choice.cdStart} (${v.entries.length} entries): it ${parts.join(' and ')}; every reading is analysed`,
      offset: r.choice.eocdPos,
      ...(extra[0] === undefined ? {} : { entry: extra[0].name }),
    });
  });
}

function hasLocator(src: ByteSource, eocdPos: number): boolean {
  if (eocdPos < 20) return false;
  return new ByteReader(src.read(eocdPos - 20, 4), eocdPos - 20).u32le() === 0x07064b50;
}

function readLocal(src: ByteSource, offset: number, memo: ParsedRecords): LocalHeader | undefined {
  return readLocalAt(src, offset, memo);
}

function centralEntry(src: ByteSource, h: CentralHeader, anomalies: ZipAnomaly[], memo: ParsedRecords): ZipEntry {
  const local = readLocal(src, h.localOffset, memo);
  if (local === undefined) {
    throw new ModelguardError('E_MALFORMED', `entry ${h.name}: no local header at ${h.localOffset}`, {
      offset: h.localOffset,
    });
  }
  if (local.name !== h.name) {
    anomalies.push({
      kind: 'name-mismatch',
      message: `local header names '${local.name}', the central directory '${h.name}': zipfile refuses it, torch (miniz) reads it`,
      offset: h.localOffset,
      entry: h.name,
    });
  }
  if ((local.flags & FLAG_ENCRYPTED) !== (h.flags & FLAG_ENCRYPTED) || local.method !== h.method) {
    anomalies.push({
      kind: 'flag-mismatch',
      message: `local header flags/method (0x${local.flags.toString(16)}/${local.method}) differ from the central directory (0x${h.flags.toString(16)}/${h.method}): parsers that walk local headers and miniz disagree`,
      offset: h.localOffset,
      entry: h.name,
    });
  }
  if ((h.flags & FLAG_ENCRYPTED) !== 0) {
    anomalies.push({ kind: 'encrypted', message: `entry ${h.name} is encrypted`, offset: h.localOffset, entry: h.name });
  }
  if (!inBounds(local.dataOffset, h.compressedSize, src.size)) {
    throw new ModelguardError('E_MALFORMED', `entry ${h.name}: ${h.compressedSize} bytes at ${local.dataOffset} run past the end of the file`, {
      offset: h.localOffset,
    });
  }
  return {
    name: h.name,
    nameRaw: h.nameRaw,
    method: h.method,
    flags: h.flags,
    crc32: h.crc32,
    compressedSize: h.compressedSize,
    uncompressedSize: h.uncompressedSize,
    localOffset: h.localOffset,
    dataOffset: local.dataOffset,
    listed: 'central',
    local,
    readers: [],
    names: [h.name],
  };
}

function checkNames(entries: ZipEntry[], anomalies: ZipAnomaly[], central?: CentralHeader[]): void {
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const h = central?.[i];
    const prev = seen.get(e.name);
    if (prev !== undefined) {
      anomalies.push({
        kind: 'duplicate-name',
        message: `'${e.name}' appears twice in the central directory: zipfile returns the last, torch (miniz) may return the first`,
        offset: e.localOffset,
        entry: e.name,
      });
    } else seen.set(e.name, i);
    const bad = unsafeName(e.name);
    if (bad !== undefined) {
      anomalies.push({ kind: 'unsafe-name', message: `entry name '${e.name}' ${bad} (path traversal on extraction)`, offset: e.localOffset, entry: e.name });
    }
    if (h !== undefined && !h.nameUtf8Valid) {
      anomalies.push({ kind: 'bad-name-encoding', message: `entry name is flagged UTF-8 but is not`, offset: e.localOffset, entry: e.name });
    }
  });
}

/**
 * Walks the archive in file order: every listed entry's local header and
 * data span, checking the gaps between them (and before the central
 * directory) for unlisted local headers.
 */
/**
 * Length of the data descriptor after an entry's data (flag bit 3): an
 * optional signature, the CRC, then 32- or 64-bit sizes (APPNOTE 4.3.9).
 */
function descriptorLength(src: ByteSource, e: ZipEntry): number {
  if (((e.local?.flags ?? e.flags) & FLAG_DATA_DESCRIPTOR) === 0) return 0;
  const at = e.dataOffset + e.compressedSize;
  const n = Math.min(24, src.size - at);
  if (n < 12) return 0;
  const r = new ByteReader(src.read(at, n), at);
  let len = 0;
  if (r.u32le() === 0x08074b50) len = 4;
  else r.seek(0);
  r.u32le(); // crc
  len += 4;
  if (r.remaining >= 8) {
    const c = r.u32le();
    const u = r.u32le();
    if (c === e.compressedSize % 2 ** 32 && u === e.uncompressedSize % 2 ** 32 && r.remaining < 8) return len + 8;
    if (c === e.compressedSize % 2 ** 32 && u === e.uncompressedSize % 2 ** 32) {
      // 32-bit sizes unless the 64-bit reading also matches.
      r.seek(r.pos - 8);
      const c64 = r.u64le();
      return c64 === BigInt(e.compressedSize) && e.compressedSize >= 2 ** 32 ? len + 16 : len + 8;
    }
  }
  return len + 16;
}

function walkLocalHeaders(
  src: ByteSource,
  entries: ZipEntry[],
  start: number,
  cdStart: number,
  anomalies: ZipAnomaly[],
  maxEntries: number,
  memo: ParsedRecords,
): void {
  const spans = entries
    .map((e) => ({ from: e.localOffset, to: e.dataOffset + e.compressedSize + descriptorLength(src, e), name: e.name }))
    .sort((a, b) => a.from - b.from);
  let cursor = start;
  const found: ZipEntry[] = [];
  const gap = (from: number, to: number): void => {
    if (to <= from) return;
    // Look for unlisted local headers first; report only the bytes they do not explain.
    let covered = 0;
    if (to - from <= MAX_GAP_SEARCH) {
      const bytes = src.read(from, to - from);
      for (let i = bytes.indexOf(0x50); i >= 0 && i + 4 <= bytes.length; i = bytes.indexOf(0x50, i + 1)) {
        if (bytes[i + 1] !== 0x4b || bytes[i + 2] !== 0x03 || bytes[i + 3] !== 0x04) continue;
        let local: LocalHeader | undefined;
        try {
          local = readLocal(src, from + i, memo);
        } catch {
          local = undefined;
        }
        if (local === undefined || !inBounds(local.dataOffset, local.compressedSize, src.size)) continue;
        if (found.length + entries.length >= maxEntries) break;
        found.push({
          name: local.name,
          nameRaw: local.nameRaw,
          method: local.method,
          flags: local.flags,
          crc32: local.crc32,
          compressedSize: local.compressedSize,
          uncompressedSize: local.uncompressedSize,
          localOffset: from + i,
          dataOffset: local.dataOffset,
          listed: 'local',
          local,
          readers: [],
          names: [local.name],
        });
        anomalies.push({
          kind: 'hidden-entry',
          message: `local header for '${local.name}' at ${from + i} is not in the central directory: tools that walk local headers see it, torch does not`,
          offset: from + i,
          entry: local.name,
        });
        covered += Math.min(to, local.dataOffset + local.compressedSize) - (from + i);
      }
    }
    if (covered >= to - from) return;
    if (from === 0) {
      anomalies.push({
        kind: 'prefix-data',
        message: `${to} bytes precede the first entry: torch.load checks for a zip header at offset 0 and reads this file as a legacy pickle stream instead, while zipfile-based tools see the zip`,
        offset: 0,
      });
    } else {
      anomalies.push({
        kind: 'unaccounted-bytes',
        message: `${to - from - covered} bytes between ${from} and ${to} belong to no entry`,
        offset: from,
      });
    }
  };
  for (const s of spans) {
    if (s.from < cursor) {
      anomalies.push({
        kind: 'overlapping-entries',
        message: `entry '${s.name}' at ${s.from} overlaps the previous entry (ends at ${cursor})`,
        offset: s.from,
        entry: s.name,
      });
    } else gap(cursor, s.from);
    cursor = Math.max(cursor, s.to);
  }
  if (cursor <= cdStart) gap(cursor, cdStart);
  entries.push(...found);
}
