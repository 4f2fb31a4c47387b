/**
 * The raw files of a Chroma persistent segment (`<uuid>/data_level0.bin`,
 * `length.bin`), credited to the `header.bin` beside them when it was
 * recognised in the same scan and declares exactly their size: the level-0
 * block (`count * size_data_per_element`) and one float32 norm per
 * element. A file that is a pickle or a zip keeps its own verdict
 * (`companion.ts` credits only bytes that matched no format).
 */
import { companionPass } from '../companion.js';
import type { FolderPass } from '../folder-pass.js';
import { CHROMA_LENGTH_BYTES, CHROMA_LEVEL0_BYTES } from './scanner.js';

const HEADER_NAME = /(^|\/)header\.bin$/;
const REFERENCES = ['https://github.com/chroma-core/hnswlib/blob/main/hnswlib/hnswalg.h', 'https://cookbook.chromadb.dev/core/storage-layout/'];

function sibling(name: string): (path: string) => string | undefined {
  return (path) => (HEADER_NAME.test(path) ? path.replace(/header\.bin$/, name) : undefined);
}

export const chromaSegmentPasses: readonly FolderPass[] = [
  companionPass({
    id: 'chroma-level0',
    describedBy: 'chroma-hnsw-header',
    sizeKey: CHROMA_LEVEL0_BYTES,
    companionOf: sibling('data_level0.bin'),
    format: 'chroma-hnsw-level0',
    kind: 'data-container',
    rule: {
      id: 'hnswlib/chroma-level0',
      title: 'Level-0 block of a Chroma segment',
      severity: 'info',
      help: "A data_level0.bin with no format of its own beside a Chroma header.bin in the same scan that declares exactly its size (elements x bytes per element): links, vectors and labels Chroma's hnswlib reads as numbers.",
      references: REFERENCES,
    },
  }),
  companionPass({
    id: 'chroma-length',
    describedBy: 'chroma-hnsw-header',
    sizeKey: CHROMA_LENGTH_BYTES,
    companionOf: sibling('length.bin'),
    format: 'chroma-hnsw-length',
    kind: 'data-container',
    rule: {
      id: 'hnswlib/chroma-length',
      title: 'Vector norms of a Chroma segment',
      severity: 'info',
      help: 'A length.bin with no format of its own beside a Chroma header.bin in the same scan that declares exactly its size (one float32 per element): vector norms read as numbers.',
      references: REFERENCES,
    },
  }),
];
