/**
 * TensorFlow SavedModels (`saved_model.pb`) and their Keras metadata
 * (`keras_metadata.pb`): every op of every meta graph checked with the
 * TensorFlow rules, every embedded Keras config with the Keras rules. It sits
 * above both format folders because a SavedModel carries both.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { scanConfigText } from '../keras/config-scan.js';
import { checkOps, escapingAsset, saverScope } from '../tensorflow/analyze.js';
import { readKerasMetadata, readSavedModel, type KerasMetadata } from '../tensorflow/saved-model.js';
import { note } from '../tensorflow/scanner.js';
import { looksLikeKerasMetadata, looksLikeSavedModel } from '../tensorflow/sniff.js';
import { wireCursor } from '../../bytes/protobuf.js';

/** Keras configs embedded in SavedModel metadata, analysed with the Keras rules. */
async function scanKeras(list: readonly KerasMetadata[], ctx: ScanContext, from: string): Promise<void> {
  if (list.length === 0) return;
  note(ctx, 'kerasMetadata', `${from}: Keras metadata for ${list.length} objects, analysed with the Keras rules`);
  for (const k of list) {
    await scanConfigText(k.json, ctx, { label: `Keras metadata of ${k.where}${k.identifier === '' ? '' : ` (${k.identifier})`}`, expectObject: false });
  }
}

export const savedModelFormat: FormatScanner = {
  id: 'tf-saved-model',
  title: 'TensorFlow SavedModel',
  sniff(probe: Probe): boolean {
    return looksLikeSavedModel(probe.head, probe.size);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const sm = readSavedModel(wireCursor(src));
    if (sm.schemaVersion !== undefined) ctx.info('tensorflow.schemaVersion', sm.schemaVersion);
    ctx.info('tensorflow.metaGraphs', sm.metaGraphs.length);
    let nodes = 0;
    let functions = 0;
    for (const [i, mg] of sm.metaGraphs.entries()) {
      const label = `meta graph ${i}${mg.tags.length > 0 ? ` [${mg.tags.join(',')}]` : ''}`;
      if (mg.tfVersion !== undefined) ctx.info('tensorflow.version', mg.tfVersion);
      const scope = saverScope(mg.graph, mg.saverRoots, mg.saverFunctions);
      const stats = checkOps(mg.graph, scope, ctx, label);
      nodes += stats.nodes + mg.graph.functions.reduce((a, f) => a + f.nodes.length, 0);
      functions += stats.functions;
      for (const a of mg.assets) {
        if (escapingAsset(a)) note(ctx, 'assetEscape', `${label}: asset ${JSON.stringify(a.slice(0, 200))} resolves outside the SavedModel's assets folder`);
      }
      await scanKeras(mg.keras, ctx, label);
      ctx.info(`tensorflow.signatures`, mg.signatures.slice(0, 20));
    }
    ctx.info('tensorflow.nodes', nodes);
    ctx.info('tensorflow.functions', functions);
    note(ctx, 'savedModel', `SavedModel with ${sm.metaGraphs.length} meta graph(s), ${nodes} nodes in ${functions} functions and the graph: every op checked`);
  },
};

export const kerasMetadataFormat: FormatScanner = {
  id: 'tf-keras-metadata',
  title: 'Keras SavedModel metadata',
  sniff(probe: Probe): boolean {
    return looksLikeKerasMetadata(probe.head, probe.size);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    await scanKeras(readKerasMetadata(wireCursor(src)), ctx, 'keras_metadata.pb');
  },
};
