/**
 * Parquet files (parquet.apache.org/docs/file-format/): `PAR1`, column
 * chunks, a Thrift compact FileMetaData, its length and `PAR1` again. The
 * footer must decode to its last byte and every column chunk it lists must
 * lie between the magic numbers. The Arrow schema pyarrow stores in the
 * key-value metadata (`ARROW:schema`, base64 of an IPC Schema message) is
 * checked for pickled Python extension types like an Arrow file's.
 */
import { BufferSource, type ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { Probe } from '../format.js';
import { ascii, expect, inertFormat, type Recogniser } from '../inert.js';
import { parseMessage } from '../arrow/messages.js';
import { CompactReader, field, type ThriftValue } from './thrift.js';

/** Footer bytes decoded in memory (CWE-770). */
const MAX_FOOTER = 256 * 1024 * 1024;

function int(v: ThriftValue | undefined): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

function text(v: ThriftValue | undefined): string | undefined {
  return v instanceof Uint8Array ? new TextDecoder().decode(v) : undefined;
}

async function arrowSchema(b64: string, ctx: ScanContext): Promise<void> {
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  // An encapsulated message: optional continuation, metadata length, Message.
  const skip = bytes.length >= 8 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff ? 8 : 4;
  const m = parseMessage(bytes.subarray(skip), 0);
  for (const p of m.pickled)
    await ctx.nested(new BufferSource(p.pickle), `ARROW:schema > arrow.py_extension_type metadata of field ${p.field}`, { format: 'pickle' });
}

const parquet: Recogniser = {
  id: 'parquet',
  first: 'P',
  identify(p: Probe): boolean {
    if (!ascii(p.head, 0, 'PAR1') || p.size < 12) return false;
    const t = p.tail();
    return ascii(t, t.length - 4, 'PAR1');
  },
  async check(src: ByteSource, ctx: ScanContext): Promise<string> {
    const lenBytes = src.read(src.size - 8, 4);
    const len = ((lenBytes[0] ?? 0) | ((lenBytes[1] ?? 0) << 8) | ((lenBytes[2] ?? 0) << 16) | ((lenBytes[3] ?? 0) << 24)) >>> 0;
    const footerAt = src.size - 8 - len;
    expect(len > 0 && len <= MAX_FOOTER && footerAt >= 4, `footer of ${len} bytes does not fit the file`, src.size - 8);
    const r = new CompactReader(src.read(footerAt, len), footerAt);
    const meta = r.struct();
    expect(r.remaining === 0, `${r.remaining} bytes after the FileMetaData`, footerAt);
    const rows = int(field(meta, 3));
    const groups = field(meta, 4);
    let chunks = 0;
    if (Array.isArray(groups)) {
      for (const g of groups) {
        const cols = field(g, 1);
        if (!Array.isArray(cols)) continue;
        for (const col of cols) {
          const md = field(col, 3);
          const start = int(field(md, 11)) ?? int(field(md, 9));
          const size = int(field(md, 7));
          // Chunks in another file (file_path) are that file's business.
          if (field(col, 1) !== undefined || start === undefined || size === undefined) continue;
          expect(start >= 4 && start + size <= footerAt, `column chunk of ${size} bytes at offset ${start} lies outside the data`, footerAt);
          chunks++;
        }
      }
    }
    const kv = field(meta, 5);
    if (Array.isArray(kv)) {
      for (const e of kv) {
        if (text(field(e, 1)) === 'ARROW:schema') await arrowSchema(text(field(e, 2)) ?? '', ctx);
      }
    }
    return `Parquet file: ${rows ?? '?'} rows, ${Array.isArray(groups) ? groups.length : 0} row group(s), ${chunks} column chunk(s) inside the file; footer decoded to its end`;
  },
};

export const parquetFormat = inertFormat({
  id: 'parquet',
  title: 'Parquet file',
  kind: 'data-container',
  rule: {
    id: 'parquet/file',
    title: 'Parquet file',
    severity: 'info',
    help: 'A Parquet file: footer metadata decoded to its end, column chunks inside the file. Readers decode column pages; nothing is executed, except pickled Python extension types in an embedded Arrow schema in old pyarrow, which are analysed as pickles (CVE-2023-47248).',
    references: ['https://parquet.apache.org/docs/file-format/', 'https://nvd.nist.gov/vuln/detail/CVE-2023-47248'],
  },
  members: [parquet],
});
