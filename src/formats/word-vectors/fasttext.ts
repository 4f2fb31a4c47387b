/**
 * fastText models (`.bin`, and quantized `.ftz`) as `save_model` writes
 * them (fasttext.cc `FastText::saveModel`): magic 793712314, version 12,
 * the training arguments, the dictionary (null-terminated words with their
 * counts and types, then the pruned-index pairs), then the input and output
 * matrices, dense (`m, n, m*n float32`) or product-quantized. Walked to the
 * last byte; the library reads numbers and strings, nothing runs.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { expect, type Recogniser } from '../inert.js';

const MAGIC = 793712314;
const MAX_WORD = 1 << 16;
const MAX_ENTRIES = 1 << 28;

/** A matrix as the flag before it says: dense, or product-quantized (`QuantMatrix::save`). */
function matrix(c: WindowCursor, what: string): void {
  const quant = c.u8(`${what} quantized flag`);
  expect(quant <= 1, `${what} quantized flag ${quant}`, c.pos - 1);
  if (quant === 0) {
    const m = c.u64safe(`${what} rows`);
    const n = c.u64safe(`${what} columns`);
    c.skip(m * n * 4, `${what} values`);
    return;
  }
  const qnorm = c.u8('qnorm');
  const m = c.u64safe(`${what} rows`);
  c.skip(8, 'columns');
  c.skip(c.i32('codesize'), 'codes');
  productQuantizer(c);
  if (qnorm !== 0) {
    c.skip(m, 'norm codes');
    productQuantizer(c);
  }
}

function productQuantizer(c: WindowCursor): void {
  const dim = c.i32('pq dim');
  c.skip(12, 'nsubq, dsub, lastdsub');
  expect(dim >= 0, `product quantizer of dimension ${dim}`, c.pos);
  c.skip(dim * 256 * 4, 'centroids');
}

export const fasttext: Recogniser = {
  id: 'fasttext',
  first: [0xba],
  identify(p: Probe): boolean {
    const b = p.head;
    return ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) === MAGIC && b[4] === 12 && b[5] === 0;
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 8, src.size, 1 << 20);
    const dim = c.i32('dim');
    c.skip(11 * 4 + 8, 'arguments');
    const size = c.i32('dictionary size');
    const nwords = c.i32('nwords');
    const nlabels = c.i32('nlabels');
    c.skip(8, 'ntokens');
    // -1 when the dictionary was never pruned.
    const prunedRaw = c.i64('pruneidx size');
    const pruned = prunedRaw < 0n ? 0 : Number(prunedRaw);
    expect(
      size >= 0 && size <= MAX_ENTRIES && nwords + nlabels === size && pruned <= MAX_ENTRIES,
      `dictionary of ${size} entries (${nwords} words, ${nlabels} labels)`,
      64,
    );
    for (let i = 0; i < size; i++) {
      const at = c.pos;
      let len = 0;
      while (c.u8('word') !== 0) expect(++len <= MAX_WORD, `entry ${i} at offset ${at} is not terminated`, at);
      c.skip(8, 'count');
      const type = c.u8('entry type');
      expect(type <= 1, `entry ${i} at offset ${at}: type ${type}`, at);
    }
    c.skip(pruned * 8, 'pruned index');
    matrix(c, 'input matrix');
    matrix(c, 'output matrix');
    expect(c.remaining === 0, `${c.remaining} bytes after the output matrix`, c.pos);
    return `fastText model: ${nwords} words, ${nlabels} labels, dimension ${dim}; walked to its last byte`;
  },
};
