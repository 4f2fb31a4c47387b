/**
 * What each format id means for the file that holds it (`FileReport.kind`),
 * and which loaders could run a file of that format when it cannot be read
 * to the end (the message of an `unscannable` finding says so).
 *
 * Formats declare their kind on their `FormatScanner`; this table covers the
 * ids that have none there: formats written before kinds existed, zip
 * flavours, and the sub-formats scanners report (`png`, `json`, `keras-h5`).
 * `transparent` wrappers (compressed streams, age encryption) are what their
 * content is.
 */
import type { FileKind } from '../findings/kind.js';

export type FormatKind = FileKind | 'transparent';

export const FORMAT_KINDS: Readonly<Record<string, FormatKind>> = {
  pickle: 'model-code-carrying',
  joblib: 'model-code-carrying',
  'torch-legacy': 'model-code-carrying',
  'torch-zip': 'model-code-carrying',
  'torch-tar': 'model-code-carrying',
  torchscript: 'model-code-carrying',
  'numpy-npy': 'model-code-carrying',
  'numpy-npz': 'model-code-carrying',
  hdf5: 'model-code-carrying',
  'keras-h5': 'model-code-carrying',
  'keras-v3': 'model-code-carrying',
  'keras-json': 'model-code-carrying',
  'tf-saved-model': 'model-code-carrying',
  'tf-graph-def': 'model-code-carrying',
  safetensors: 'model-data-only',
  gguf: 'model-data-only',
  onnx: 'model-data-only',
  'onnx-external-data': 'model-data-only',
  tflite: 'model-data-only',
  'flax-msgpack': 'model-data-only',
  sentencepiece: 'model-data-only',
  'tf-checkpoint-index': 'model-data-only',
  'tf-keras-metadata': 'model-data-only',
  'tf-fingerprint': 'model-data-only',
  zip: 'archive',
  tar: 'archive',
  '7z': 'archive',
  age: 'transparent',
  gzip: 'transparent',
  zlib: 'transparent',
  bzip2: 'transparent',
  xz: 'transparent',
  lzma: 'transparent',
  lz4: 'transparent',
  zstd: 'transparent',
  image: 'media',
  png: 'media',
  jpeg: 'media',
  gif: 'media',
  webp: 'media',
  text: 'text',
  json: 'text',
};

/**
 * Loaders that would run a file of each code-carrying format, named in the
 * message when the file could not be read to the end: the reader of the
 * report learns why an unread file of this kind is not passed.
 */
export const FORMAT_LOADERS: Readonly<Record<string, string>> = {
  pickle: 'pickle.load, torch.load and joblib.load',
  joblib: 'joblib.load',
  'torch-legacy': 'torch.load',
  'torch-zip': 'torch.load',
  'torch-tar': 'torch.load',
  torchscript: 'torch.jit.load',
  'numpy-npy': 'numpy.load(allow_pickle=True)',
  'numpy-npz': 'numpy.load(allow_pickle=True)',
  hdf5: 'keras.models.load_model',
  'keras-v3': 'keras.models.load_model',
  'keras-json': 'keras.models.model_from_json',
  'tf-saved-model': 'tf.saved_model.load',
  'tf-graph-def': 'tf.compat.v1.import_graph_def',
  zip: 'torch.load, numpy.load and keras.models.load_model (by the members they find)',
  tar: 'torch.load (legacy tar checkpoints)',
  '7z': 'code that extracts and loads its members',
  gzip: 'joblib.load (which decompresses, then unpickles)',
  zlib: 'joblib.load (which decompresses, then unpickles)',
  bzip2: 'joblib.load (which decompresses, then unpickles)',
  xz: 'joblib.load (which decompresses, then unpickles)',
  lzma: 'joblib.load (which decompresses, then unpickles)',
  lz4: 'joblib.load (which decompresses, then unpickles)',
  zstd: 'pandas.read_pickle (which decompresses .zst, then unpickles)',
};
