/**
 * Where each loader finds the central directory. The end-of-central-
 * directory record is searched for, not pointed at, and the two readers
 * that load models search differently:
 *
 * - **miniz** (PyTorch's `PyTorchStreamReader`, `caffe2/serialize/
 *   inline_container.cc`, vendored miniz 2.1.0 in torch 1.x and 3.0.2 in
 *   torch 2.x; `miniz_zip.c` `mz_zip_reader_locate_header_sig` and
 *   `mz_zip_reader_read_central_dir`): scans back from the end in 4 KiB
 *   windows for the *last* signature with at least 22 bytes after it, never
 *   looking at the comment length, and gives up once a window starts
 *   65,557 bytes or more from the end. A Zip64 locator right before the
 *   record sends it to the Zip64 record at the locator's *absolute* offset.
 *   The directory is read at its absolute offset, exactly `entries` records
 *   long, and local headers at their absolute offsets: prepended data is not
 *   allowed for.
 * - **CPython zipfile** (`numpy.load` of an `.npz`, Keras `.keras`;
 *   `Lib/zipfile.py` 3.11 `_EndRecData`, `_EndRecData64`,
 *   `_RealGetContents`, the same in `Lib/zipfile/__init__.py` today): the
 *   record at size-22 if it has an empty comment, else the *last* signature
 *   in the final 65,558 bytes (no comment check; fewer than 22 bytes after
 *   it means "not a zip"). The Zip64 record is read right before the
 *   locator, whatever the locator says. The directory is the `cdSize` bytes
 *   that end where the end records begin (`concat` = any difference is
 *   prepended data, added to every local header offset), read record by
 *   record until `cdSize` bytes are used, whatever the entry count says.
 *
 * So an end record hidden in another record's comment, a directory offset
 * that disagrees with where the directory sits, or two Zip64 records make
 * the two loaders read different archives. Each reader's choice is
 * computed here exactly; `archive.ts` reads every one of them.
 */
import { u32leAt } from '../../bytes/at.js';
import { ByteReader } from '../../bytes/reader.js';
import type { ByteSource } from '../../bytes/source.js';
import { CENTRAL_HEADER_SIZE, EOCD_SIZE, SIG_EOCD, SIG_EOCD64, SIG_EOCD64_LOCATOR } from './records.js';

export type ZipReaderId = 'miniz' | 'zipfile';

/** Where one reader reads the central directory, and how it reads it. */
export interface DirectoryChoice {
  reader: ZipReaderId;
  /** Offset of the end record the reader picked. */
  eocdPos: number;
  /** Offset of the Zip64 end record it used, if any. */
  zip64Pos: number | undefined;
  /** Entry count as declared (miniz reads exactly this many records). */
  entries: number;
  cdSize: number;
  /** Absolute offset the reader reads the directory from. */
  cdStart: number;
  /** Added to every local header offset (zipfile's `concat`). */
  offsetBase: number;
  /** `count`: exactly `entries` records (miniz); `size`: records until `cdSize` bytes are used (zipfile). */
  rule: 'count' | 'size';
}

const ZIP64_RECORD = 56;
const ZIP64_LOCATOR = 20;
/** miniz's window, and the distance from the end past which it stops searching (`MZ_UINT16_MAX + 22`). */
const MINIZ_WINDOW = 4096;
const MINIZ_REACH = 0xffff + EOCD_SIZE;
/** zipfile searches the last `ZIP_MAX_COMMENT + sizeEndCentDir` bytes. */
const ZIPFILE_REACH = (1 << 16) + EOCD_SIZE;

interface EndRecord {
  diskNo: number;
  cdDisk: number;
  entriesOnDisk: number;
  entries: number;
  cdSize: number;
  cdOffset: number;
  commentLen: number;
}

function readEnd(src: ByteSource, pos: number): EndRecord {
  const r = new ByteReader(src.read(pos, EOCD_SIZE), pos);
  r.skip(4);
  return {
    diskNo: r.u16le(),
    cdDisk: r.u16le(),
    entriesOnDisk: r.u16le(),
    entries: r.u16le(),
    cdSize: r.u32le(),
    cdOffset: r.u32le(),
    commentLen: r.u16le(),
  };
}

interface Zip64Record {
  recordSize: bigint;
  diskNo: number;
  cdDisk: number;
  entriesOnDisk: bigint;
  entries: bigint;
  cdSize: bigint;
  cdOffset: bigint;
}

function readZip64Record(src: ByteSource, pos: number): Zip64Record | undefined {
  if (pos < 0 || pos + ZIP64_RECORD > src.size) return undefined;
  const r = new ByteReader(src.read(pos, ZIP64_RECORD), pos);
  if (r.u32le() !== SIG_EOCD64) return undefined;
  const recordSize = r.u64le();
  r.skip(4); // versions
  return { recordSize, diskNo: r.u32le(), cdDisk: r.u32le(), entriesOnDisk: r.u64le(), entries: r.u64le(), cdSize: r.u64le(), cdOffset: r.u64le() };
}

/** `mz_zip_reader_locate_header_sig`: the last signature with 22 bytes after it, window by window. */
export function minizEocdPos(src: ByteSource): number | undefined {
  const size = src.size;
  if (size < EOCD_SIZE) return undefined;
  let cur = Math.max(size - MINIZ_WINDOW, 0);
  for (;;) {
    const n = Math.min(MINIZ_WINDOW, size - cur);
    const buf = src.read(cur, n);
    for (let i = n - 4; i >= 0; i--) {
      if (u32leAt(buf, i) === SIG_EOCD && size - (cur + i) >= EOCD_SIZE) return cur + i;
    }
    if (cur === 0 || size - cur >= MINIZ_REACH) return undefined;
    cur = Math.max(cur - (MINIZ_WINDOW - 3), 0);
  }
}

/** `_EndRecData`: the empty-comment record at size-22, else the last signature in the final 65,558 bytes. */
export function zipfileEocdPos(src: ByteSource): number | undefined {
  const size = src.size;
  if (size < EOCD_SIZE) return undefined;
  const last = src.read(size - EOCD_SIZE, EOCD_SIZE);
  if (u32leAt(last, 0) === SIG_EOCD && last[20] === 0 && last[21] === 0) return size - EOCD_SIZE;
  const from = Math.max(size - ZIPFILE_REACH, 0);
  const data = src.read(from, size - from);
  for (let i = data.length - 4; i >= 0; i--) {
    if (u32leAt(data, i) !== SIG_EOCD) continue;
    // rfind found the last one; with fewer than 22 bytes after it zipfile gives up.
    return data.length - i >= EOCD_SIZE ? from + i : undefined;
  }
  return undefined;
}

/** Why a reader refuses the archive (it then loads nothing, so there is nothing to compare). */
export class RefusedByReader extends Error {}

function refuse(why: string): never {
  throw new RefusedByReader(why);
}

/** `mz_zip_reader_read_central_dir` up to the directory read (miniz 2.1.0 and 3.0.2 agree here). */
export function minizDirectory(src: ByteSource): DirectoryChoice {
  const size = src.size;
  const pos = minizEocdPos(src) ?? refuse('miniz finds no end record');
  const end = readEnd(src, pos);
  let entries = end.entries;
  let onDisk = end.entriesOnDisk;
  let thisDisk = end.diskNo;
  let cdDisk = end.cdDisk;
  let cdSize = end.cdSize;
  let cdOffset = end.cdOffset;
  let zip64Pos: number | undefined;
  if (pos >= ZIP64_LOCATOR + ZIP64_RECORD) {
    const loc = new ByteReader(src.read(pos - ZIP64_LOCATOR, ZIP64_LOCATOR), pos - ZIP64_LOCATOR);
    if (loc.u32le() === SIG_EOCD64_LOCATOR) {
      loc.u32le(); // disk with the Zip64 record
      const at = loc.u64le();
      const disks = loc.u32le();
      if (at > BigInt(size - ZIP64_RECORD)) refuse('miniz: Zip64 locator points past the end');
      const rec = readZip64Record(src, Number(at));
      if (rec !== undefined) {
        if (rec.recordSize < BigInt(ZIP64_RECORD - 12)) refuse('miniz: Zip64 record too small');
        if (disks !== 1) refuse('miniz: multi-disk Zip64');
        if (rec.entries > 0xffffffffn || rec.entriesOnDisk > 0xffffffffn || rec.cdSize > 0xffffffffn) refuse('miniz: Zip64 counts over its limits');
        if (rec.cdOffset > BigInt(Number.MAX_SAFE_INTEGER)) refuse('miniz: Zip64 offset out of range');
        zip64Pos = Number(at);
        entries = Number(rec.entries);
        onDisk = Number(rec.entriesOnDisk);
        cdSize = Number(rec.cdSize);
        thisDisk = rec.diskNo;
        cdDisk = rec.cdDisk;
        cdOffset = Number(rec.cdOffset);
      }
    }
  }
  if (entries !== onDisk) refuse('miniz: multi-disk archive');
  if ((thisDisk | cdDisk) !== 0 && (thisDisk !== 1 || cdDisk !== 1)) refuse('miniz: multi-disk archive');
  if (cdSize < entries * CENTRAL_HEADER_SIZE) refuse('miniz: directory smaller than its entries');
  if (cdOffset + cdSize > size) refuse('miniz: directory past the end');
  return { reader: 'miniz', eocdPos: pos, zip64Pos, entries, cdSize, cdStart: cdOffset, offsetBase: 0, rule: 'count' };
}

/** `_EndRecData` + `_EndRecData64` + the start of `_RealGetContents`. */
export function zipfileDirectory(src: ByteSource): DirectoryChoice {
  const pos = zipfileEocdPos(src) ?? refuse('zipfile finds no end record');
  const end = readEnd(src, pos);
  let { entries, cdSize, cdOffset } = end;
  let zip64Pos: number | undefined;
  if (pos >= ZIP64_LOCATOR) {
    const loc = new ByteReader(src.read(pos - ZIP64_LOCATOR, ZIP64_LOCATOR), pos - ZIP64_LOCATOR);
    if (loc.u32le() === SIG_EOCD64_LOCATOR) {
      const diskNo = loc.u32le();
      loc.u64le(); // the locator's offset, which zipfile ignores
      const disks = loc.u32le();
      if (diskNo !== 0 || disks > 1) refuse('zipfile: multi-disk archive');
      const rec = readZip64Record(src, pos - ZIP64_LOCATOR - ZIP64_RECORD);
      if (rec !== undefined) {
        if (rec.cdSize > BigInt(Number.MAX_SAFE_INTEGER) || rec.cdOffset > BigInt(Number.MAX_SAFE_INTEGER) || rec.entries > BigInt(Number.MAX_SAFE_INTEGER)) {
          refuse('zipfile: Zip64 sizes out of range');
        }
        zip64Pos = pos - ZIP64_LOCATOR - ZIP64_RECORD;
        entries = Number(rec.entries);
        cdSize = Number(rec.cdSize);
        cdOffset = Number(rec.cdOffset);
      }
    }
  }
  // "concat" is zero unless the zip was concatenated to another file.
  const concat = (zip64Pos ?? pos) - cdSize - cdOffset;
  const cdStart = cdOffset + concat;
  if (cdStart < 0) refuse('zipfile: bad offset for central directory');
  return { reader: 'zipfile', eocdPos: pos, zip64Pos, entries, cdSize, cdStart, offsetBase: concat, rule: 'size' };
}
