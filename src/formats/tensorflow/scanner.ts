/**
 * TensorFlow protobuf files: frozen GraphDef (`.pb`), the SavedModel
 * fingerprint (`fingerprint.pb`) and checkpoint indexes. Recognised by
 * structure (`sniff.ts`), decoded lazily (`wire.ts`), judged op by op
 * (`analyze.ts`). SavedModels themselves are in `../saved-model/`, which
 * also reads their Keras metadata.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { hasTableMagic, readBundleIndex } from './checkpoint-index.js';
import { checkOps, saverScope } from './analyze.js';
import { GraphBudget, readGraph } from './graph.js';
import { TF_RULES, type TfRuleKey } from './rules.js';
import { looksLikeFingerprint, looksLikeGraphDef } from './sniff.js';
import { wireCursor } from '../../bytes/protobuf.js';

/** Reports the TensorFlow rule `rule` with `message`. */
export function note(ctx: ScanContext, rule: TfRuleKey, message: string): void {
  const r = TF_RULES[rule];
  ctx.report({ rule: r.id, severity: r.severity, message });
}

export const graphDefFormat: FormatScanner = {
  id: 'tf-graph-def',
  title: 'TensorFlow GraphDef',
  sniff(probe: Probe): boolean {
    return looksLikeGraphDef(probe.head, probe.size);
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const graph = readGraph(wireCursor(src), 0, src.size, new GraphBudget());
    const stats = checkOps(graph, saverScope(graph, [], []), ctx, 'graph');
    const nodes = stats.nodes + graph.functions.reduce((a, f) => a + f.nodes.length, 0);
    ctx.info('tensorflow.nodes', nodes);
    ctx.info('tensorflow.functions', stats.functions);
    note(ctx, 'graphDef', `GraphDef with ${nodes} nodes in ${stats.functions} functions and the graph: every op checked`);
    return Promise.resolve();
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
    ctx.info(
      'tensorflow.shardBytes',
      [...idx.shardBytes].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${v}`),
    );
    note(ctx, 'checkpointIndex', `checkpoint index: ${idx.tensors} tensors in ${idx.numShards} data shard(s)`);
    return Promise.resolve();
  },
};
