/**
 * Every format scanner, in sniffing order: the most specific magic numbers
 * first, and the zip flavours, most specific layout first. Adding a format
 * (or a zip flavour) is one import and one line here.
 */
import type { FolderPass } from './folder-pass.js';
import type { FormatScanner } from './format.js';
import type { ZipFlavour } from './zip/flavour.js';
import { ageFormat } from './age/scanner.js';
import { sevenZipFormat } from './archive/sevenzip.js';
import { tarFormat } from './archive/tar.js';
import { bzip2Format, gzipFormat, lz4Format, lzmaFormat, xzFormat, zlibFormat, zstdFormat } from './compress/formats.js';
import { modelFolderPass } from './model-folder/summary.js';
import { flaxFormat } from './flax/scanner.js';
import { databaseFormat, documentFormat } from './document/scanner.js';
import { datasetFilesFormat } from './dataset-files/scanner.js';
import { faissFormat } from './faiss/scanner.js';
import { ggufScanner } from './gguf/scanner.js';
import { hnswlibFormat } from './hnswlib/scanner.js';
import { chromaSegmentPasses } from './hnswlib/chroma-segment.js';
import { audioFormat, imageFormat } from './media/scanner.js';
import { videoFormat } from './video/scanner.js';
import { arrowFormat } from './arrow/scanner.js';
import { boostingFormat } from './boosting/scanner.js';
import { ggmlFormat } from './ggml/scanner.js';
import { indexedDataPass, legacyIndexedDataPass } from './indexed-dataset/data-files.js';
import { indexedDatasetFormat } from './indexed-dataset/scanner.js';
import { msgpackFormat } from './msgpack/scanner.js';
import { mxnetFormat } from './mxnet/scanner.js';
import { openvinoFormat } from './openvino/scanner.js';
import { openvinoWeightsPass } from './openvino/weights.js';
import { parquetFormat } from './parquet/scanner.js';
import { rawNumbersFormat } from './raw-tensor/scanner.js';
import { emptyFormat, repositoryFormat } from './repository/scanner.js';
import { tfrecordFormat } from './tfrecord/scanner.js';
import { wordVectorsFormat } from './word-vectors/scanner.js';
import { joblibFormat } from './pickle-file/joblib.js';
import { hdf5Format } from './keras/h5-scanner.js';
import { kerasJsonFormat } from './keras/json-scanner.js';
import { npyFormat } from './numpy/npy.js';
import { onnxExternalDataPass } from './onnx/external-files.js';
import { onnxFormat } from './onnx/format.js';
import { pickleFormat } from './pickle-file/pickle.js';
import { safetensorsScanner } from './safetensors/scanner.js';
import { sentencePieceFormat } from './sentencepiece/scanner.js';
import { checkpointShardsPass } from './tensorflow/companions.js';
import { kerasMetadataFormat, savedModelFormat } from './saved-model/scanner.js';
import { checkpointIndexFormat, fingerprintFormat, graphDefFormat } from './tensorflow/scanner.js';
import { textFormat } from './text/scanner.js';
import { tfliteFormat } from './tflite/scanner.js';
import { tfliteMetadataPrefix } from './tflite/metadata-zip.js';
import { torchLegacyFormat } from './torch/legacy.js';
import { torchTarFormat } from './torch/tar-checkpoint.js';
import { genericZipFlavour } from './zip/generic.js';
import { zipFormat } from './zip/scanner.js';
import { kerasV3Flavour } from './keras/v3-flavour.js';
import { npzFlavour } from './numpy/npz.js';
import { torchscriptFlavour } from './torch/torchscript.js';
import { torchZipFlavour } from './torch/zip-checkpoint.js';

/** What a zip holds decides how it is loaded; the plain archive comes last. */
export const ZIP_FLAVOURS: readonly ZipFlavour[] = [torchscriptFlavour, torchZipFlavour, kerasV3Flavour, npzFlavour, genericZipFlavour];

export const FORMATS: FormatScanner[] = [
  ageFormat,
  zipFormat(ZIP_FLAVOURS, [tfliteMetadataPrefix]),
  // HDF5's signature may sit after a user block (offset 512, 1024, ...).
  hdf5Format,
  torchTarFormat,
  tarFormat,
  sevenZipFormat,
  ggufScanner,
  // A FlatBuffer file identifier at offset 4.
  tfliteFormat,
  npyFormat,
  // safetensors starts with a little-endian length, which the weak magic of
  // legacy .lzma (a properties byte, often 0x5d) could otherwise shadow.
  safetensorsScanner,
  gzipFormat,
  zlibFormat,
  bzip2Format,
  xzFormat,
  lzmaFormat,
  lz4Format,
  zstdFormat,
  torchLegacyFormat,
  joblibFormat,
  pickleFormat,
  // A LevelDB table magic number at the end of the file.
  checkpointIndexFormat,
  // JSON model configs, before plain text claims them.
  kerasJsonFormat,
  // Protobuf has no magic number: these are recognised by wire structure, so
  // they come after every format with a signature.
  savedModelFormat,
  graphDefFormat,
  kerasMetadataFormat,
  fingerprintFormat,
  onnxFormat,
  sentencePieceFormat,
  // MessagePack has no magic either: a map whose first key is a string and whose first value is a map or an array.
  flaxFormat,
  textFormat,
  // Inert formats (media, data containers, numbers-only models, repository internals): fallbacks, claimed
  // only when no format above claims the bytes, each after a structural check.
  imageFormat,
  audioFormat,
  videoFormat,
  documentFormat,
  databaseFormat,
  datasetFilesFormat,
  arrowFormat,
  parquetFormat,
  tfrecordFormat,
  indexedDatasetFormat,
  ggmlFormat,
  wordVectorsFormat,
  boostingFormat,
  faissFormat,
  hnswlibFormat,
  mxnetFormat,
  openvinoFormat,
  repositoryFormat,
  // No magic at all: one MessagePack value spanning the file.
  msgpackFormat,
  emptyFormat,
  // No structure at all: one array of numbers, the last fallback.
  rawNumbersFormat,
];

/**
 * Checks over a whole scan, in order: raw data files first credited to the
 * file that describes them, then model folders summarised from the result.
 */
export const FOLDER_PASSES: readonly FolderPass[] = [
  onnxExternalDataPass,
  checkpointShardsPass,
  openvinoWeightsPass,
  ...chromaSegmentPasses,
  indexedDataPass,
  legacyIndexedDataPass,
  modelFolderPass,
];
