/**
 * fairseq and Megatron-LM indexed datasets: token ids in a raw `.bin`, and
 * an `.idx` index of sequence sizes and byte offsets into it.
 * - `MMIDIDX\0\0` (MMapIndexedDataset): version 1, a dtype code, the
 *   sequence and document counts, then int32 sizes, int64 pointers and
 *   int64 document indices; the data file holds the last pointer plus the
 *   last sequence's bytes.
 * - `TNTIDX\0\0` (fairseq's older IndexedDataset): version 1, dtype code,
 *   element size, counts, int64 dimension and data offsets, int64 sizes.
 * The index's size must be exactly what its counts make; the byte count it
 * declares for the `.bin` is recorded so the data file beside it can be
 * credited (`data-files.ts`). Loaders memory-map both as numbers.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { ScanContext } from '../context.js';
import type { Probe } from '../format.js';
import { ascii, expect, inertFormat, type Recogniser } from '../inert.js';

export const DATA_BYTES_INFO = 'indexedDataset.dataBytes';

/** Item sizes by dtype code (Megatron's DType and fairseq's `_code_to_dtype`). */
const ITEM: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 8, 7: 4, 8: 2 };

const mmap: Recogniser = {
  id: 'mmap-indexed-dataset',
  first: 'M',
  identify: (p: Probe) => ascii(p.head, 0, 'MMIDIDX\0\0') && p.head[9] === 1,
  check(src: ByteSource, ctx: ScanContext): string {
    const c = new WindowCursor(src, 9, src.size, 64 * 1024);
    expect(c.u64safe('version') === 1, 'index version is not 1', 9);
    const code = c.u8('dtype code');
    const item = ITEM[code];
    expect(item !== undefined, `dtype code ${code} is not one the readers know`, 17);
    const len = c.u64safe('sequence count');
    const docs = c.u64safe('document count');
    const header = c.pos;
    const need = header + 12 * len + 8 * docs;
    expect(need === src.size, `${len} sequences and ${docs} documents make a ${need}-byte index, not ${src.size}`, 18);
    let data = 0;
    if (len > 0) {
      c.seek(header + 4 * (len - 1));
      const lastSize = c.u32('last size');
      c.seek(header + 4 * len + 8 * (len - 1));
      data = c.u64safe('last pointer') + lastSize * item;
    }
    ctx.info(DATA_BYTES_INFO, data);
    return `indexed dataset index (MMIDIDX): ${len} sequences, ${docs} documents, ${data} bytes of ${item}-byte tokens in its .bin`;
  },
};

const legacy: Recogniser = {
  id: 'indexed-dataset',
  first: 'T',
  identify: (p: Probe) => ascii(p.head, 0, 'TNTIDX\0\0') && p.head[8] === 1,
  check(src: ByteSource, ctx: ScanContext): string {
    const c = new WindowCursor(src, 8, src.size, 64 * 1024);
    expect(c.u64safe('version') === 1, 'index version is not 1', 8);
    c.skip(8, 'dtype code');
    const element = c.u64safe('element size');
    const len = c.u64safe('sequence count');
    const sizes = c.u64safe('sizes count');
    const need = 48 + 16 * (len + 1) + 8 * sizes;
    expect(element > 0 && element <= 16, `element size ${element}`, 24);
    expect(need === src.size, `${len} sequences and ${sizes} sizes make a ${need}-byte index, not ${src.size}`, 32);
    c.seek(48 + 8 * (len + 1) + 8 * len);
    const data = c.u64safe('last data offset') * element;
    ctx.info(DATA_BYTES_INFO, data);
    return `indexed dataset index (TNTIDX): ${len} sequences, ${data} bytes in its .bin`;
  },
};

export const indexedDatasetFormat = inertFormat({
  id: 'indexed-dataset',
  title: 'indexed dataset index',
  kind: 'data-container',
  rule: {
    id: 'indexed-dataset/index',
    title: 'Indexed dataset index',
    severity: 'info',
    help: 'A fairseq/Megatron-LM indexed dataset index (.idx): counts, sizes and offsets whose byte count matches the file. Readers memory-map it as numbers.',
  },
  members: [mmap, legacy],
});
