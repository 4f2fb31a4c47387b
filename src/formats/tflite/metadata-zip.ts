/**
 * TFLite models with their metadata: the TFLite Support library's
 * MetadataPopulator stores associated files (label maps, vocabularies) in a
 * zip it appends to the model with Python's zipfile in append mode, and the
 * interpreter reads the FlatBuffer from offset 0 and ignores the zip
 * (tensorflow/tflite-support, metadata/python/metadata.py). Such a file is
 * a zip whose prefix is a complete TFLite model: the zip scanner then does
 * not raise `zip/prefix-data` (the members are scanned as usual, and the
 * model by the TFLite scanner). The prefix must be a TFLite FlatBuffer
 * whose root tables, operator codes and subgraphs all lie inside it.
 */
import { SliceSource, type ByteSource } from '../../bytes/source.js';
import type { ZipPrefix } from '../zip/flavour.js';
import { Flat, readCodes, sniffTflite } from './scanner.js';

export const tfliteMetadataPrefix: ZipPrefix = {
  id: 'tflite',
  title: 'TFLite model (TFLite metadata convention)',
  claims(src: ByteSource, length: number): boolean {
    try {
      const model = new SliceSource(src, 0, length);
      if (!sniffTflite(model.read(0, Math.min(length, 16)), length)) return false;
      const f = new Flat(model);
      const root = f.tableAt(0, 'Model');
      readCodes(f, root);
      const subPos = f.field(root, 2, 'Model.subgraphs');
      if (subPos === undefined) return false;
      const subs = f.vector(subPos, 4, 10_000, 'subgraphs');
      for (let s = 0; s < subs.len; s++) {
        const sg = f.tableAt(subs.at + 4 * s, 'SubGraph');
        const ops = f.field(sg, 3, 'SubGraph.operators');
        if (ops !== undefined) f.vector(ops, 4, 10_000_000, 'operators');
      }
      const bufPos = f.field(root, 4, 'Model.buffers');
      if (bufPos !== undefined) f.vector(bufPos, 4, 10_000_000, 'buffers');
      return true;
    } catch {
      return false;
    }
  },
};
