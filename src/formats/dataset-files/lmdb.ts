/**
 * LMDB environments (`data.mdb`, `lock.mdb`; liblmdb's `mdb.c`), as image
 * and speech data sets ship them. `data.mdb` (64-bit builds) starts with
 * two meta pages: each a page header (page number 0 and 1, flag P_META)
 * and a meta record with magic 0xBEEFC0DE, version 1, the page size in the
 * free-list database's first word, and the last page used; the file is a
 * whole number of pages and the last page inside it. `lock.mdb` is the
 * reader table: the same magic, a lock format word, a size a whole number
 * of 64-byte cache lines. The lmdb library hands back the bytes stored;
 * it runs nothing (what an application does with a value, say unpickling
 * it, is the application's, as with a column of bytes in Parquet).
 */
import type { ByteSource } from '../../bytes/source.js';
import type { Probe } from '../format.js';
import { expect, type Recogniser } from '../inert.js';

const MAGIC = 0xbeefc0de;
const P_META = 0x08;
/** Page header (pgno u64, pad u16, flags u16, lower u16, upper u16) before the meta record. */
const PAGE_HEADER = 16;

function u32le(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}
function u64le(b: Uint8Array, at: number): bigint {
  return BigInt(u32le(b, at)) | (BigInt(u32le(b, at + 4)) << 32n);
}

/** A meta page at the start of `b` numbered `pgno`: its page size, or undefined. */
function metaPage(b: Uint8Array, pgno: number): { pageSize: number; lastPage: bigint } | undefined {
  if (b.length < 144 || u64le(b, 0) !== BigInt(pgno) || ((b[10] ?? 0) | ((b[11] ?? 0) << 8)) !== P_META) return undefined;
  const m = PAGE_HEADER;
  if (u32le(b, m) !== MAGIC || u32le(b, m + 4) !== 1) return undefined;
  // mm_address (8), mm_mapsize (8), then mm_dbs[0].md_pad: the page size.
  const pageSize = u32le(b, m + 24);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  // Two MDB_db records of 48 bytes, then mm_last_pg.
  return { pageSize, lastPage: u64le(b, m + 24 + 96) };
}

export const lmdbData: Recogniser = {
  id: 'lmdb-data',
  first: [0],
  identify: (p: Probe) => metaPage(p.head, 0) !== undefined,
  check(src: ByteSource): string {
    const m0 = metaPage(src.read(0, Math.min(src.size, 256)), 0);
    expect(m0 !== undefined, 'no LMDB meta page 0', 0);
    const ps = m0.pageSize;
    expect(src.size % ps === 0 && src.size >= 2 * ps, `${src.size} bytes is not a whole number (at least two) of ${ps}-byte pages`, 0);
    const m1 = metaPage(src.read(ps, Math.min(256, src.size - ps)), 1);
    expect(m1 !== undefined && m1.pageSize === ps, 'no LMDB meta page 1 of the same page size', ps);
    const pages = BigInt(src.size / ps);
    expect(m0.lastPage < pages && m1.lastPage < pages, `the meta pages name last pages ${m0.lastPage}/${m1.lastPage} of ${pages}`, PAGE_HEADER + 120);
    return `LMDB data file: ${pages} pages of ${ps} bytes, both meta pages checked`;
  },
};

export const lmdbLock: Recogniser = {
  id: 'lmdb-lock',
  first: [0xde],
  identify: (p: Probe) => u32le(p.head, 0) === MAGIC && p.size >= 128 && p.size % 64 === 0,
  check(src: ByteSource): string {
    const h = src.read(0, 8);
    expect(u32le(h, 0) === MAGIC && src.size % 64 === 0, 'not an LMDB lock file', 0);
    // mtb_format: the lock format version in the low byte (MDB_LOCK_VERSION, 1 or 2), a build-dependent hash above it.
    const format = u32le(h, 4);
    expect((format & 0xff) >= 1 && (format & 0xff) <= 2, `lock format ${format}`, 4);
    return `LMDB lock file (reader table) of ${src.size / 64} cache lines`;
  },
};
