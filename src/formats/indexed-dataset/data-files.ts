/** The `.bin` of a fairseq/Megatron indexed dataset, credited when its `.idx` in the same scan declares exactly its size. */
import { companionPass } from '../companion.js';
import { DATA_BYTES_INFO } from './scanner.js';

export const indexedDataPass = companionPass({
  id: 'indexed-dataset-data',
  describedBy: 'mmap-indexed-dataset',
  sizeKey: DATA_BYTES_INFO,
  companionOf: (path) => (path.endsWith('.idx') ? `${path.slice(0, -4)}.bin` : undefined),
  format: 'indexed-dataset-data',
  kind: 'data-container',
  rule: {
    id: 'indexed-dataset/data-of',
    title: 'Token data of an indexed dataset',
    severity: 'info',
    help: 'A raw .bin with no format of its own, beside an .idx index in the same scan that declares exactly its size: token ids read as numbers by memory-mapping.',
  },
});
export const legacyIndexedDataPass = companionPass({
  id: 'indexed-dataset-data-legacy',
  describedBy: 'indexed-dataset',
  sizeKey: DATA_BYTES_INFO,
  companionOf: (path) => (path.endsWith('.idx') ? `${path.slice(0, -4)}.bin` : undefined),
  format: 'indexed-dataset-data',
  kind: 'data-container',
  rule: {
    id: 'indexed-dataset/legacy-data-of',
    title: 'Data of a legacy indexed dataset',
    severity: 'info',
    help: 'A raw .bin with no format of its own, beside a TNTIDX index in the same scan that declares exactly its size.',
  },
});
