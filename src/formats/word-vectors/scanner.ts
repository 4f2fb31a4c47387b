/** Word-vector binaries: word2vec and fastText. Numbers and words, read by gensim and fastText; nothing runs. */
import { inertFormat } from '../inert.js';
import { fasttext } from './fasttext.js';
import { word2vec } from './word2vec.js';

export const wordVectorsFormat = inertFormat({
  id: 'word-vectors',
  title: 'word vectors',
  kind: 'model-data-only',
  rule: {
    id: 'word-vectors/model',
    title: 'Word vectors',
    severity: 'info',
    help: 'A word2vec binary or fastText model whose records account for the file: words and float32 vectors (or product-quantized codes). gensim and fastText parse them; nothing runs.',
    references: ['https://github.com/facebookresearch/fastText/blob/main/src/fasttext.cc'],
  },
  members: [fasttext, word2vec],
});
