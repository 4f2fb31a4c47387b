/**
 * TensorFlow protobuf files: SavedModel (`saved_model.pb`), frozen
 * GraphDef (`.pb`), Keras SavedModel metadata (`keras_metadata.pb`) and the
 * SavedModel fingerprint (`fingerprint.pb`). Recognised by structure
 * (`sniff.ts`), decoded lazily (`wire.ts`), judged op by op (`analyze.ts`).
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../../scan/context.js';
import type { FormatScanner, Probe } from '../../scan/format.js';
import { scanConfigText } from '../keras/config-scan.js';
import { hasTableMagic, readBundleIndex } from './checkpoint-index.js';
import { checkOps, escapingAsset, saverScope } from './analyze.js';
import { GraphBudget, readGraph } from './graph.js';
import { TF_RULES, type TfRuleKey } from './rules.js';
import { readKerasMetadata, readSavedModel, type KerasMetadata } from './saved-model.js';
import { looksLikeFingerprint, looksLikeGraphDef, looksLikeKerasMetadata, looksLikeSavedModel } from './sniff.js';
import { WindowedSource } from './wire.js';

function note(ctx: ScanContext, rule: TfRuleKey, message: string): void {
  const r = TF_RULES[rule];
  ctx.report({ rule: r.id, severity: r.severity, message });
}

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
    const sm = readSavedModel(new WindowedSource(src));
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

export const graphDefFormat: FormatScanner = {
  id: 'tf-graph-def',
  title: 'TensorFlow GraphDef',
  sniff(probe: Probe): boolean {
    return looksLikeGraphDef(probe.head, probe.size);
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const graph = readGraph(new WindowedSource(src), 0, src.size, new GraphBudget());
    const stats = checkOps(graph, saverScope(graph, [], []), ctx, 'graph');
    const nodes = stats.nodes + graph.functions.reduce((a, f) => a + f.nodes.length, 0);
    ctx.info('tensorflow.nodes', nodes);
    ctx.info('tensorflow.functions', stats.functions);
    note(ctx, 'graphDef', `GraphDef with ${nodes} nodes in ${stats.functions} functions and the graph: every op checked`);
    return Promise.resolve();
  },
};

export const kerasMetadataFormat: FormatScanner = {
  id: 'tf-keras-metadata',
  title: 'Keras SavedModel metadata',
  sniff(probe: Probe): boolean {
    return looksLikeKerasMetadata(probe.head, probe.size);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    await scanKeras(readKerasMetadata(new WindowedSource(src)), ctx, 'keras_metadata.pb');
  },
};

export const fingerprintFormat: FormatScanner = {
  id: 'tf-fingerprint',
  title: 'TensorFlow SavedModel fingerprint',
  sniff(probe: Probe): boolean {
    return looksLikeFingerprint(probe.head, probe.size);
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    note(ctx, 'fingerprint', `SavedModel fingerprint (${src.size} bytes of hashes)`);
    return Promise.resolve();
  },
};

export const checkpointIndexFormat: FormatScanner = {
  id: 'tf-checkpoint-index',
  title: 'TensorFlow checkpoint index',
  sniff(probe: Probe): boolean {
    return hasTableMagic(probe.tail());
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const idx = readBundleIndex(src);
    if (idx.numShards === undefined) {
      note(ctx, 'checkpointIndex', `LevelDB-format table with ${idx.keys} entries and no tensor bundle header: data only`);
      return Promise.resolve();
    }
    ctx.info('tensorflow.numShards', idx.numShards);
    ctx.info('tensorflow.tensors', idx.tensors);
    ctx.info('tensorflow.shardBytes', [...idx.shardBytes].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${v}`));
    note(ctx, 'checkpointIndex', `checkpoint index: ${idx.tensors} tensors in ${idx.numShards} data shard(s)`);
    return Promise.resolve();
  },
};
