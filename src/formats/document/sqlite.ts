/**
 * SQLite 3 databases (https://www.sqlite.org/fileformat2.html): Chroma's
 * `chroma.sqlite3`, MLflow's `mlflow.db`, Optuna studies. The 100-byte
 * header: the magic string, a power-of-two page size, read/write versions
 * 1 or 2, the payload fractions SQLite fixes at 64/32/32, a schema format
 * of 1..4, a text encoding of 1..3 (0 only in a database with no schema),
 * the reserved bytes zero; the file a whole number of pages, and the
 * in-header page count equal to the file's when it is valid (its
 * version-valid-for field equals the change counter); page 1 a table
 * b-tree page. sqlite3 reads rows; it runs nothing stored in the file
 * (what an application then does with a blob it reads is the
 * application's, as with a Parquet column of bytes).
 */
import type { ByteSource } from '../../bytes/source.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

const MAGIC = 'SQLite format 3\0';

function u32(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}

function pageSize(b: Uint8Array): number {
  const v = ((b[16] ?? 0) << 8) | (b[17] ?? 0);
  return v === 1 ? 65536 : v;
}

export const sqlite: Recogniser = {
  id: 'sqlite',
  first: 'S',
  identify: (p: Probe) => ascii(p.head, 0, MAGIC) && p.head.length >= 100,
  check(src: ByteSource): string {
    const h = src.read(0, Math.min(src.size, 108));
    expect(h.length === 108, 'SQLite header and first page header cut short', 0);
    const ps = pageSize(h);
    expect(ps >= 512 && ps <= 65536 && (ps & (ps - 1)) === 0, `page size ${ps} is not a power of two in 512..65536`, 16);
    expect((h[18] === 1 || h[18] === 2) && (h[19] === 1 || h[19] === 2), 'file format versions are not 1 (journal) or 2 (WAL)', 18);
    expect(h[21] === 64 && h[22] === 32 && h[23] === 32, 'payload fractions are not 64/32/32', 21);
    expect((h[20] ?? 0) < ps - 480, `${h[20] ?? 0} reserved bytes per page`, 20);
    const schema = u32(h, 44);
    const encoding = u32(h, 56);
    expect(schema <= 4 && encoding <= 3 && (encoding > 0 || u32(h, 40) === 0), `schema format ${schema}, text encoding ${encoding}`, 44);
    expect(
      h.subarray(72, 92).every((b) => b === 0),
      'reserved header bytes 72..91 are not zero',
      72,
    );
    expect(src.size % ps === 0, `${src.size} bytes is not a whole number of ${ps}-byte pages`, 0);
    const pages = src.size / ps;
    const declared = u32(h, 28);
    if (u32(h, 92) === u32(h, 24) && declared !== 0) expect(declared === pages, `the header counts ${declared} pages, the file holds ${pages}`, 28);
    expect(h[100] === 0x0d || h[100] === 0x05, 'page 1 is not a table b-tree page', 100);
    return `SQLite 3 database: ${pages} pages of ${ps} bytes, header checked`;
  },
};
