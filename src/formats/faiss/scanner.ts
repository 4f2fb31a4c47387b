/**
 * FAISS index files (`faiss.write_index`, `write_index_binary`): vector
 * search indexes shipped in retrieval repositories and LangChain /
 * LlamaIndex vector stores (`index.faiss`, `*.index`). `faiss.read_index`
 * reads numbers and fixed fields into C++ objects; it has no step that
 * imports or calls anything named by the file. The file is recognised by
 * its index type code and header, then walked to its last byte: an index
 * whose structure does not account for the file exactly is malformed.
 *
 * A pickle beside it (LangChain's `index.pkl` docstore) is a pickle, and is
 * judged by the pickle scanner like any other.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import { u32leAt } from '../../bytes/at.js';
import type { Probe } from '../format.js';
import { inertFormat, type Recogniser } from '../inert.js';
import { BINARY_INDEX_CODES, binaryIndex } from './binary.js';
import { FaissCursor } from './cursor.js';
import { FLOAT_INDEX_CODES, floatIndex } from './index.js';

/** Bytes of the smallest header: fourcc, d, ntotal, two words, is_trained, metric. */
const MIN_HEADER = 4 + 4 + 8 + 8 + 8 + 1 + 4;

function code(head: Uint8Array): string {
  return String.fromCharCode(head[0] ?? 0, head[1] ?? 0, head[2] ?? 0, head[3] ?? 0);
}

/** The two words of 2^20 `write_index_header` writes after d and ntotal (offsets 16 and 24). */
function headerWords(head: Uint8Array): boolean {
  if (head.length < MIN_HEADER) return false;
  return u32leAt(head, 16) === 1 << 20 && u32leAt(head, 20) === 0 && u32leAt(head, 24) === 1 << 20 && u32leAt(head, 28) === 0;
}

function walk(src: ByteSource, read: (f: FaissCursor) => void, what: string): string {
  const f = new FaissCursor(new WindowCursor(src));
  read(f);
  if (f.c.remaining !== 0) f.malformed(`${f.c.remaining} bytes after the end of the index`);
  return `FAISS ${what} index (${[...new Set(f.kinds)].join(', ')}) whose structure accounts for all ${src.size} bytes`;
}

function binaryDims(d: number, codeSize: number): boolean {
  return d > 0 && d % 8 === 0 && (codeSize === 0 || codeSize * 8 === d);
}

export const faissIndex: Recogniser = {
  id: 'faiss-index',
  first: 'I',
  identify: (p: Probe) => FLOAT_INDEX_CODES.has(code(p.head)) && headerWords(p.head),
  check: (src) =>
    walk(
      src,
      (f) => {
        floatIndex(f, 0, true);
      },
      'float',
    ),
};

export const faissBinaryIndex: Recogniser = {
  id: 'faiss-binary-index',
  first: 'I',
  // The binary header is d, code_size, ntotal, is_trained, metric: d is a multiple of 8, code_size d / 8 (0 in wrappers).
  identify: (p: Probe) => BINARY_INDEX_CODES.has(code(p.head)) && p.head.length >= 25 && binaryDims(u32leAt(p.head, 4), u32leAt(p.head, 8)),
  check: (src) =>
    walk(
      src,
      (f) => {
        binaryIndex(f, 0);
      },
      'binary',
    ),
};

export const faissFormat = inertFormat({
  id: 'faiss',
  title: 'FAISS index',
  kind: 'data-container',
  rule: {
    id: 'faiss/index',
    title: 'FAISS index',
    severity: 'info',
    help: 'A FAISS vector index (faiss.write_index) walked to its last byte: vectors, codes, ids and graph links. faiss.read_index reads numbers into C++ structures and runs nothing named by the file.',
    references: [
      'https://github.com/facebookresearch/faiss/blob/main/faiss/impl/index_read.cpp',
      'https://github.com/facebookresearch/faiss/wiki/Index-IO,-cloning-and-hyper-parameter-tuning',
    ],
  },
  members: [faissIndex, faissBinaryIndex],
});
