/** Model formats of the ggml family that GGUF replaced: legacy ggml/ggmf/ggjt weights and imatrix files. */
import { inertFormat } from '../inert.js';
import { imatrix } from './imatrix.js';
import { ggmlLegacy } from './legacy.js';

export const ggmlFormat = inertFormat({
  id: 'ggml',
  title: 'legacy ggml model',
  kind: 'model-data-only',
  rule: {
    id: 'ggml/legacy-model',
    title: 'Legacy ggml model data',
    severity: 'info',
    help: 'A pre-GGUF ggml/ggmf/ggjt model (whisper.cpp, early llama.cpp) or a llama.cpp importance matrix whose records tile the file: hyperparameters, vocabulary and tensors of numbers. Loaders copy them into tensors; nothing runs.',
    references: ['https://github.com/ggerganov/whisper.cpp/blob/master/models/convert-pt-to-ggml.py'],
  },
  members: [ggmlLegacy, imatrix],
});
