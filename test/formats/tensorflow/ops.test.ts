/**
 * What each op reaches, judged on graphs built in the test: ops that leave
 * the graph, ops gated by an attribute, and ops TensorFlow does not register
 * itself (custom native libraries), against ordinary computation that must
 * stay clean.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import type { FileReport } from '../../../src/findings/report.js';
import { rules } from '../../helpers.js';
import { cat, graphDef, len, nodeDef, savedModel, str } from './proto.js';

const scan = (graph: Uint8Array): Promise<FileReport> => scanBuffer(savedModel(graph), 'model.pb');
const summary = (r: FileReport): string => r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join('\n');

/** A NodeDef with string attributes (a string[] value is a list attribute). */
function node(name: string, op: string, attrs: Record<string, string | string[]> = {}): Uint8Array {
  const entries = Object.entries(attrs).map(([k, v]) => len(5, str(1, k), len(2, Array.isArray(v) ? len(1, ...v.map((x) => str(2, x))) : str(2, v))));
  return cat(nodeDef(name, op), ...entries);
}
/** A GraphDef with `nodes` and one library function `fn` holding `fnNodes`. */
function withFunction(nodes: Uint8Array[], fn: string, fnNodes: Uint8Array[]): Uint8Array {
  const fdef = cat(len(1, str(1, fn)), ...fnNodes.map((n) => len(3, n)));
  return cat(graphDef(...nodes), len(2, len(1, fdef)));
}

const ordinary = [
  'Placeholder',
  'Const',
  'MatMul',
  'BiasAdd',
  'Relu',
  'Conv2D',
  'Identity',
  'StatefulPartitionedCall',
  'VarHandleOp',
  'ReadVariableOp',
  'NoOp',
  'DisableCopyOnRead',
  'StringJoin',
  'ShardedFilename',
  'While',
  'If',
  'TensorListReserve',
  'Print',
];

describe('ordinary computation', () => {
  it('registered compute ops, internal ops and calls of library functions are clean', async () => {
    const nodes = [...ordinary.map((op, i) => node(`n${i}`, op)), node('fused', '_FusedConv2D'), node('arg', '_Arg'), node('call', 'my_helper_fn')];
    const r = await scan(withFunction(nodes, 'my_helper_fn', [node('m', 'MatMul')]));
    assert.equal(r.verdict, 'clean', summary(r));
  });
});

describe('ops that leave the graph', () => {
  for (const [op, rule, verdict] of [
    ['ReaderReadV2', 'tensorflow/file-op', 'malicious'],
    ['RecordInput', 'tensorflow/file-op', 'malicious'],
    ['MatchingFilesDataset', 'tensorflow/file-op', 'malicious'],
    ['ExperimentalMatchingFilesDataset', 'tensorflow/file-op', 'malicious'],
    ['RemoteCall', 'tensorflow/network-op', 'malicious'],
    ['DistributedSave', 'tensorflow/network-op', 'malicious'],
    ['WriteScalarSummary', 'tensorflow/summary-op', 'suspicious'],
    ['CollectiveReduceV2', 'tensorflow/distributed-op', 'suspicious'],
    ['_Recv', 'tensorflow/distributed-op', 'suspicious'],
    ['ConfigureDistributedTPU', 'tensorflow/distributed-op', 'suspicious'],
    ['Abort', 'tensorflow/process-op', 'suspicious'],
    ['SleepDataset', 'tensorflow/process-op', 'suspicious'],
    ['XlaCallModule', 'tensorflow/embedded-program', 'suspicious'],
  ] as const) {
    it(`${op}: ${rule}, ${verdict}`, async () => {
      const r = await scan(withFunction([node('x', 'Placeholder')], 'serve', [node('n', op)]));
      assert.equal(r.verdict, verdict, summary(r));
      assert.ok(rules(r.findings).includes(rule), summary(r));
    });
  }
});

describe('ops gated by an attribute', () => {
  for (const [op, attr, inert, reaching] of [
    ['DebugIdentityV3', 'debug_urls', [] as string[], ['grpc://collector:6064']],
    ['Copy', 'debug_ops_spec', ['DebugIdentity;;0'], ['DebugIdentity;file:///tmp/dump;0']],
    ['CopyHost', 'debug_ops_spec', [], ['DebugNanCount;grpc://h:1;1']],
    ['FixedUnigramCandidateSampler', 'vocab_file', '', '/etc/passwd'],
  ] as [string, string, string | string[], string | string[]][]) {
    it(`${op} reaches out only when ${attr} says so`, async () => {
      const quiet = await scan(graphDef(node('n', op, { [attr]: inert })));
      assert.equal(quiet.verdict, 'clean', summary(quiet));
      const loud = await scan(graphDef(node('n', op, { [attr]: reaching })));
      assert.equal(loud.verdict, 'malicious', summary(loud));
      assert.ok(rules(loud.findings).includes('tensorflow/file-op'));
    });
  }
});

describe('ops from native op libraries', () => {
  it('a namespaced op names its library and is suspicious', async () => {
    const r = await scan(graphDef(node('q', 'IO>SqlIterableInit'), node('c', 'Const')));
    assert.equal(r.verdict, 'suspicious');
    const f = r.findings.find((x) => x.rule === 'tensorflow/custom-op');
    assert.match(f?.message ?? '', /IO op library/);
  });
  it('an op TensorFlow does not register (TF Text, say) is suspicious', async () => {
    const r = await scan(graphDef(node('t', 'WordpieceTokenizeWithOffsets')));
    assert.equal(r.verdict, 'suspicious', summary(r));
    assert.ok(rules(r.findings).includes('tensorflow/custom-op'));
  });
  it('an underscore does not hide a namespaced op', async () => {
    assert.equal((await scan(graphDef(node('t', '_Addons>Hidden')))).verdict, 'suspicious');
  });
  it('one finding per op name, however many nodes use it', async () => {
    const r = await scan(graphDef(...Array.from({ length: 40 }, (_, i) => node(`t${i}`, 'Addons>EmbeddingBag'))));
    const found = r.findings.filter((f) => f.rule === 'tensorflow/custom-op');
    assert.equal(found.length, 1);
    assert.match(found[0]?.message ?? '', /39 more nodes/);
  });
});
